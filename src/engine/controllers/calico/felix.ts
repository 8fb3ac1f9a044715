/**
 * Felix, Calico's per-node agent: it programs a /32 route to each local pod through its
 * caliXXXX veth, configures tunl0 when the pool uses IPIP, and renders NetworkPolicy into
 * iptables chains and ipsets as Felix writes them: FORWARD jumps to cali-FORWARD, traffic
 * to a workload goes through cali-to-wl-dispatch into cali-tw-<veth>, which calls each
 * policy's cali-pi-_<name> chain; an allow rule sets mark 0x10000, and a workload some
 * policy selects but none allowed is dropped ("Drop if no policies passed packet").
 */
import { formatIp } from '../../net/ipv4';
import { formatIp6 } from '../../net/ipv6';
import type { Netns } from '../../kernel/netns';
import { emit as emitEvent, type Emit } from '../../kernel/emit';
import type { Store } from '../store';
import type { CalicoExec } from './cni';
import { CalicoError, field, parseResource } from './errors';
import { policyChain, selectorIpset } from './names';
import { parseSelector, type Labels } from './selector';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'calico'> = emitEvent;

export const WEPS = '/calico/resources/v3/projectcalico.org/workloadendpoints/';
export const POLICIES = '/calico/resources/v3/projectcalico.org/networkpolicies/';
/** Felix's "accept" mark bit (iptablesMarkAccept). */
export const MARK_ACCEPT = '0x10000';
/** The profile every Kubernetes namespace gets (allow all) when no policy selects a pod. */
export const PROFILE_CHAIN = 'cali-pri-kns.default';

export interface Workload {
  node: string;
  pod: string;
  namespace: string;
  ip: number;
  /** The IPv6 address of a dual-stack pod. */
  ip6?: bigint;
  iface: string;
  labels: Labels;
}

export interface PolicyRule {
  action: 'Allow' | 'Deny';
  source?: { selector: string };
}

export interface Policy {
  namespace: string;
  name: string;
  selector: string;
  ingress: PolicyRule[];
}

/** The WorkloadEndpoint key Calico writes (`<node>-k8s-<pod>-eth0`, dashes doubled). */
export const wepKey = (w: Pick<Workload, 'node' | 'pod' | 'namespace'>): string =>
  `${WEPS}${w.namespace}/${w.node.replace(/-/g, '--')}-k8s-${w.pod.replace(/-/g, '--')}-eth0`;

export function wepValue(w: Workload): string {
  return JSON.stringify({
    node: w.node,
    pod: w.pod,
    ipNetworks: [`${formatIp(w.ip)}/32`, ...(w.ip6 !== undefined ? [`${formatIp6(w.ip6)}/128`] : [])],
    interfaceName: w.iface,
    labels: w.labels,
  });
}

export function parseWep(namespace: string, value: string): Workload | undefined {
  try {
    const j = JSON.parse(value) as {
      node?: string;
      pod?: string;
      ipNetworks?: string[];
      interfaceName?: string;
      labels?: Labels;
    };
    const ip = j.ipNetworks?.[0]?.split('/')[0];
    const parts = ip?.split('.').map(Number);
    if (!j.node || !j.pod || !parts || parts.length !== 4) return undefined;
    return {
      node: j.node,
      pod: j.pod,
      namespace,
      ip: ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0,
      iface: j.interfaceName ?? '',
      labels: j.labels ?? {},
    };
  } catch {
    return undefined;
  }
}

export class PolicyError extends CalicoError {}

/** One ingress rule's shape: an action, and a source selector when it has a source. */
function checkRule(key: string, r: unknown): void {
  const rule = (typeof r === 'object' && r !== null ? r : {}) as Partial<PolicyRule>;
  if (rule.action !== 'Allow' && rule.action !== 'Deny')
    throw new PolicyError(`${key}: a rule's action must be Allow or Deny`);
  const src = rule.source as unknown;
  if (
    src !== undefined &&
    (typeof src !== 'object' || src === null || typeof rule.source?.selector !== 'string')
  )
    throw new PolicyError(`${key}: a rule's source must be {"selector": "..."}`);
}

export function parsePolicy(key: string, value: string): Policy {
  const m = /networkpolicies\/([^/]+)\/([^/]+)$/.exec(key);
  if (!m) throw new PolicyError(`${key}: expected ${POLICIES}<namespace>/<name>`);
  let j: Record<string, unknown>;
  let selector: string | undefined;
  try {
    j = parseResource(key, value);
    selector = field(key, j, 'selector', 'string');
  } catch (e) {
    throw new PolicyError((e as Error).message);
  }
  const ingress = j.ingress ?? [];
  if (!Array.isArray(ingress)) throw new PolicyError(`${key}: ingress must be a list of rules`);
  for (const r of ingress as unknown[]) checkRule(key, r);
  const policy = {
    namespace: m[1]!,
    name: m[2]!,
    selector: selector ?? 'all()',
    ingress: ingress as PolicyRule[],
  };
  parseSelector(policy.selector);
  for (const r of ingress) if (r.source) parseSelector(r.source.selector);
  return policy;
}

export class Felix {
  readonly who: string;
  private policies: Policy[] = [];
  /** ipset name -> the selector it holds and its members. */
  private readonly sets = new Map<string, { selector: (l: Labels) => boolean; members: Set<number> }>();
  private based = false;

  constructor(
    private readonly node: string,
    private readonly ns: Netns,
    private readonly store: Store,
    private readonly exec: CalicoExec,
  ) {
    this.who = `Felix on ${node}`;
  }

  private run(line: string, origin: string): void {
    const r = this.exec(line, origin, 'felix');
    if (!r.ok)
      emit(this.ns, { kind: 'control', code: 'felix.error', args: { who: this.who, line, error: r.output } });
  }

  /** Read the policies and watch for workloads anywhere in the cluster (ipset members). */
  start(): void {
    this.policies = this.store.list(POLICIES).map((e) => parsePolicy(e.key, e.value));
    if (this.policies.length === 0) return;
    this.store.watch(WEPS, this.ns, this.who, (e) => {
      if (e.action !== 'set' || !e.value) return;
      const ns = /workloadendpoints\/([^/]+)\//.exec(e.key)?.[1] ?? 'default';
      const w = parseWep(ns, e.value);
      if (w) this.memberOf(w);
    });
  }

  /** tunl0 for IPIP: the ipip module, the tunnel address from this node's block, up. */
  configureTunnel(addr: number): void {
    const why = `${this.who}, for the IPIP tunnel (address ${formatIp(addr)} from its block)`;
    this.run('modprobe ipip', why);
    this.run(`ip addr add ${formatIp(addr)}/32 dev tunl0`, why);
    this.run('ip link set tunl0 up', why);
  }

  /**
   * IPv6 support on (FELIX_IPV6SUPPORT, with an IPv6 pool): Felix makes sure IPv6 forwarding
   * is on, as int_dataplane.go does at start when IPForwarding is Enabled.
   */
  enableIpv6Forwarding(): void {
    this.run('sysctl -w net.ipv6.conf.all.forwarding=1', `${this.who}, IPv6 support on`);
  }

  /** A local workload: its /32 (and /128) route through its veth and, with policies, its chains. */
  addLocal(w: Workload): void {
    this.run(`ip route add ${formatIp(w.ip)} dev ${w.iface} scope link`, `${this.who}, for pod ${w.pod}`);
    if (w.ip6 !== undefined)
      this.run(`ip -6 route add ${formatIp6(w.ip6)} dev ${w.iface}`, `${this.who}, for pod ${w.pod}`);
    if (this.policies.length === 0) return;
    this.base();
    const why = `${this.who}, for pod ${w.pod}`;
    const tw = `cali-tw-${w.iface}`;
    const applied = this.policies.filter(
      (p) => p.namespace === w.namespace && parseSelector(p.selector)(w.labels),
    );
    for (const p of applied) this.policyChain(p);
    this.run(`iptables -N ${tw}`, why);
    this.run(`iptables -A ${tw} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`, why);
    this.run(`iptables -A ${tw} -m conntrack --ctstate INVALID -j DROP`, why);
    this.run(`iptables -A ${tw} -j MARK --set-xmark 0x0/${MARK_ACCEPT}`, why);
    if (applied.length > 0) {
      for (const p of applied) this.run(`iptables -A ${tw} -j ${policyChain(p.name)}`, why);
      this.run(
        `iptables -A ${tw} -m mark --mark ${MARK_ACCEPT}/${MARK_ACCEPT} -m comment --comment "Return if policy accepted" -j RETURN`,
        why,
      );
      this.run(`iptables -A ${tw} -m comment --comment "Drop if no policies passed packet" -j DROP`, why);
    } else {
      this.run(`iptables -A ${tw} -j ${PROFILE_CHAIN}`, why);
      this.run(
        `iptables -A ${tw} -m mark --mark ${MARK_ACCEPT}/${MARK_ACCEPT} -m comment --comment "Return if profile accepted" -j RETURN`,
        why,
      );
      this.run(`iptables -A ${tw} -m comment --comment "Drop if no profiles matched" -j DROP`, why);
    }
    this.run(`iptables -I cali-to-wl-dispatch 1 -o ${w.iface} -g ${tw}`, why);
  }

  /** The chains every Felix writes once, before any workload's. */
  private base(): void {
    if (this.based) return;
    this.based = true;
    const why = `${this.who}, its base chains`;
    this.run('iptables -N cali-FORWARD', why);
    this.run('iptables -N cali-to-wl-dispatch', why);
    this.run(`iptables -N ${PROFILE_CHAIN}`, why);
    this.run(`iptables -A ${PROFILE_CHAIN} -j MARK --set-xmark ${MARK_ACCEPT}/${MARK_ACCEPT}`, why);
    this.run(`iptables -A ${PROFILE_CHAIN} -m mark --mark ${MARK_ACCEPT}/${MARK_ACCEPT} -j RETURN`, why);
    this.run('iptables -A cali-to-wl-dispatch -m comment --comment "Unknown interface" -j DROP', why);
    this.run(
      'iptables -A cali-FORWARD -o cali+ -m comment --comment "To workload" -j cali-to-wl-dispatch',
      why,
    );
    this.run(
      `iptables -A cali-FORWARD -m mark --mark ${MARK_ACCEPT}/${MARK_ACCEPT} -m comment --comment "Policy explicitly accepted packet." -j ACCEPT`,
      why,
    );
    this.run('iptables -I FORWARD 1 -m comment --comment "cali:wUHhoiAYhphO9Mso" -j cali-FORWARD', why);
  }

  private readonly rendered = new Set<string>();

  /** cali-pi-_<name>: one rule per ingress rule; sources by selector become ipsets. */
  private policyChain(p: Policy): void {
    const chain = policyChain(p.name);
    if (this.rendered.has(chain)) return;
    this.rendered.add(chain);
    const why = `${this.who}, for policy ${p.namespace}/${p.name}`;
    this.run(`iptables -N ${chain}`, why);
    for (const r of p.ingress) {
      let match = '';
      if (r.source?.selector) {
        const set = this.ipset(r.source.selector, why);
        match = ` -m set --match-set ${set} src`;
      }
      if (r.action === 'Allow') {
        this.run(`iptables -A ${chain}${match} -j MARK --set-xmark ${MARK_ACCEPT}/${MARK_ACCEPT}`, why);
        this.run(`iptables -A ${chain} -m mark --mark ${MARK_ACCEPT}/${MARK_ACCEPT} -j RETURN`, why);
      } else {
        this.run(`iptables -A ${chain}${match} -j DROP`, why);
      }
    }
  }

  private ipset(selector: string, why: string): string {
    const name = selectorIpset(selector);
    if (this.sets.has(name)) return name;
    const set = { selector: parseSelector(selector), members: new Set<number>() };
    this.sets.set(name, set);
    this.run(`ipset create ${name} hash:net family inet`, `${why} (selector ${selector})`);
    for (const e of this.store.list(WEPS)) {
      const ns = /workloadendpoints\/([^/]+)\//.exec(e.key)?.[1] ?? 'default';
      const w = parseWep(ns, e.value);
      if (w) this.memberOf(w);
    }
    return name;
  }

  /** A workload (here or on another node) joins every ipset whose selector matches its labels. */
  private memberOf(w: Workload): void {
    for (const [name, s] of this.sets) {
      if (!s.selector(w.labels) || s.members.has(w.ip)) continue;
      s.members.add(w.ip);
      this.run(
        `ipset add ${name} ${formatIp(w.ip)}`,
        `${this.who}, after workload ${w.pod} on ${w.node} appeared`,
      );
    }
  }
}
