/**
 * kube-proxy's iptables mode, written as pkg/proxy/iptables/proxier.go's syncProxyRules
 * writes it (Kubernetes 1.33): the jump rules from the built-in chains with single iptables
 * calls (EnsureChain, then EnsureRule with Prepend, hence `-I`), then one iptables-restore
 * batch with a *filter and a *nat section, in kube-proxy's own argument order
 * ("-m comment --comment ... -m tcp -p tcp -d IP --dport N"); iptables-save prints it in
 * the kernel's order. Services are taken in the scenario's order (kube-proxy ranges over a
 * map; its tests sort the output).
 */
import {
  categorizeEndpoints,
  endpointsOf,
  portPolicy,
  type Endpoint,
  type PortPolicy,
} from './kube-proxy-endpoints';
import { inPrefix6, parseCidr6, parseIp6 } from '../net/ipv6';
import {
  namesToHash,
  portProtoHash,
  reserveHashes,
  sepChain,
  servicePortName,
  detectLocalOf,
  familyOf,
  type KubeProxyOptions,
  type ProxyWrites,
  type Service,
  type ServicePort,
} from './kube-proxy';

const q = (s: string): string => `"${s}"`;
/** kube-proxy's masquerade bit 14 (--iptables-masquerade-bit default). */
export const MASQ_MARK = '0x4000';

/** iptablesJumpChains then iptablesKubeletJumpChains: table, target chain, source chain, comment, extra args. */
const JUMPS: [string, string, string, string, string][] = [
  [
    'filter',
    'KUBE-EXTERNAL-SERVICES',
    'INPUT',
    'kubernetes externally-visible service portals',
    '-m conntrack --ctstate NEW',
  ],
  [
    'filter',
    'KUBE-EXTERNAL-SERVICES',
    'FORWARD',
    'kubernetes externally-visible service portals',
    '-m conntrack --ctstate NEW',
  ],
  ['filter', 'KUBE-NODEPORTS', 'INPUT', 'kubernetes health check service ports', ''],
  ['filter', 'KUBE-SERVICES', 'FORWARD', 'kubernetes service portals', '-m conntrack --ctstate NEW'],
  ['filter', 'KUBE-SERVICES', 'OUTPUT', 'kubernetes service portals', '-m conntrack --ctstate NEW'],
  ['filter', 'KUBE-FORWARD', 'FORWARD', 'kubernetes forwarding rules', ''],
  [
    'filter',
    'KUBE-PROXY-FIREWALL',
    'INPUT',
    'kubernetes load balancer firewall',
    '-m conntrack --ctstate NEW',
  ],
  [
    'filter',
    'KUBE-PROXY-FIREWALL',
    'OUTPUT',
    'kubernetes load balancer firewall',
    '-m conntrack --ctstate NEW',
  ],
  [
    'filter',
    'KUBE-PROXY-FIREWALL',
    'FORWARD',
    'kubernetes load balancer firewall',
    '-m conntrack --ctstate NEW',
  ],
  ['nat', 'KUBE-SERVICES', 'OUTPUT', 'kubernetes service portals', ''],
  ['nat', 'KUBE-SERVICES', 'PREROUTING', 'kubernetes service portals', ''],
  ['nat', 'KUBE-POSTROUTING', 'POSTROUTING', 'kubernetes postrouting rules', ''],
  ['filter', 'KUBE-FIREWALL', 'INPUT', '', ''],
  ['filter', 'KUBE-FIREWALL', 'OUTPUT', '', ''],
];

/** EnsureChain and EnsureRule(Prepend) for every jump, as the commands a learner would type. */
export function jumpCommands(family: 4 | 6 = 4): string[] {
  const iptables = family === 6 ? 'ip6tables' : 'iptables';
  const out: string[] = [];
  const made = new Set<string>();
  for (const [table, dst, src, comment, extra] of JUMPS) {
    if (!made.has(`${table}/${dst}`)) {
      made.add(`${table}/${dst}`);
      out.push(`${iptables} -t ${table} -N ${dst}`);
    }
    const args = [extra, comment ? `-m comment --comment ${q(comment)}` : '', `-j ${dst}`];
    out.push(`${iptables} -t ${table} -I ${src} ${args.filter(Boolean).join(' ')}`);
  }
  return out;
}

/** LocalTrafficDetector: IfLocal / IfNotLocal arguments, or null when no mode applies. */
export function localDetector(o: KubeProxyOptions): { ifLocal: string; ifNotLocal: string } | null {
  const d = detectLocalOf(o);
  if (!d) return null;
  switch (d.mode) {
    case 'ClusterCIDR':
    case 'NodeCIDR':
      return { ifLocal: `-s ${d.cidr}`, ifNotLocal: `! -s ${d.cidr}` };
    case 'BridgeInterface':
      return { ifLocal: `-i ${d.bridge}`, ifNotLocal: `! -i ${d.bridge}` };
    case 'InterfaceNamePrefix':
      return { ifLocal: `-i ${d.prefix}+`, ifNotLocal: `! -i ${d.prefix}+` };
  }
}

/** computeProbability: 1/n with ten decimals, as kube-proxy formats it ("%0.10f"). */
export const probability10 = (n: number): string => (1 / n).toFixed(10);

/** The buffers syncProxyRules fills. */
interface Buffers {
  filterChains: string[];
  filterRules: string[];
  natChains: string[];
  natRules: string[];
}

export function iptablesModeWrites(services: Service[], o: KubeProxyOptions): ProxyWrites {
  const b: Buffers = { filterChains: [], filterRules: [], natChains: [], natRules: [] };
  reserveHashes(namesToHash(services));
  for (const c of [
    'KUBE-SERVICES',
    'KUBE-EXTERNAL-SERVICES',
    'KUBE-FORWARD',
    'KUBE-NODEPORTS',
    'KUBE-PROXY-FIREWALL',
  ])
    b.filterChains.push(`:${c} - [0:0]`);
  for (const c of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'])
    b.natChains.push(`:${c} - [0:0]`);
  b.natRules.push(`-A KUBE-POSTROUTING -m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`);
  // Clear the mark so a packet that re-traverses the stack is not masqueraded twice.
  b.natRules.push(`-A KUBE-POSTROUTING -j MARK --xor-mark ${MASQ_MARK}`);
  b.natRules.push(
    `-A KUBE-POSTROUTING -m comment --comment ${q('kubernetes service traffic requiring SNAT')} -j MASQUERADE${o.randomFully !== false ? ' --random-fully' : ''}`,
  );
  b.natRules.push(`-A KUBE-MARK-MASQ -j MARK --or-mark ${MASQ_MARK}`);
  const v6 = o.ipFamily === 6;
  // NewDualStackProxier hands the IPv6 proxier localhostNodePorts=false: no route_localnet for IPv6.
  const localhostNodePorts = !v6 && o.localhostNodePorts !== false && nodePortsOnLoopback(o);
  if (localhostNodePorts) {
    // route_localnet opens 127.0.0.0/8 to other hosts; this rule closes it (issue 90259).
    b.filterChains.push(':KUBE-FIREWALL - [0:0]');
    b.filterRules.push(
      `-A KUBE-FIREWALL -m comment --comment ${q('block incoming localnet connections')} -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`,
    );
  }
  for (const s of services) for (const p of s.ports) servicePortRules(s, p, o, localhostNodePorts, b);
  b.natRules.push(...nodePortsJump(o, localhostNodePorts));
  // INVALID packets could reset connections (issue 74839); with tcp_be_liberal conntrack no
  // longer marks out-of-window TCP INVALID, and kube-proxy leaves the drop out (issue 117924).
  if (!o.conntrackTCPLiberal)
    b.filterRules.push(
      `-A KUBE-FORWARD -m conntrack --ctstate INVALID${o.nfacct ? ' -m nfacct --nfacct-name ct_state_invalid_dropped_pkts' : ''} -j DROP`,
    );
  b.filterRules.push(
    `-A KUBE-FORWARD -m comment --comment ${q('kubernetes forwarding rules')} -m mark --mark ${MASQ_MARK}/${MASQ_MARK} -j ACCEPT`,
    `-A KUBE-FORWARD -m comment --comment ${q('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  );
  const restore = [
    '*filter',
    ...b.filterChains,
    ...b.filterRules,
    'COMMIT',
    '*nat',
    ...b.natChains,
    ...b.natRules,
    'COMMIT',
    '',
  ].join('\n');
  return {
    commands: jumpCommands(o.ipFamily),
    restore,
    ...(v6 ? { restoreCommand: 'ip6tables-restore --noflush --counters' } : {}),
  };
}

/** NodePortAddresses.ContainsIPv4Loopback: no --nodeport-addresses, or one that holds 127.0.0.1. */
function nodePortsOnLoopback(o: KubeProxyOptions): boolean {
  const cidrs = o.nodePortAddresses ?? [];
  if (cidrs.length === 0) return true;
  return cidrs.some((c) => c === 'primary' || inCidr('127.0.0.1', c));
}

function inCidr(ip: string, cidr: string): boolean {
  if (familyOf(ip) !== familyOf(cidr.split('/')[0]!)) return false;
  if (familyOf(ip) === 6) {
    const a = parseIp6(ip);
    const net = parseCidr6(cidr);
    return a !== null && net !== null && inPrefix6(a, net.addr, net.len);
  }
  const [net, len] = cidr.split('/');
  const n = (a: string): number => a.split('.').reduce((v, x) => v * 256 + Number(x), 0);
  const bits = Number(len ?? 32);
  const size = 2 ** (32 - bits);
  return Math.floor(n(ip) / size) === Math.floor(n(net ?? '') / size);
}

/** The tail call to KUBE-NODEPORTS: every local address, or the --nodeport-addresses ones. */
function nodePortsJump(o: KubeProxyOptions, localhostNodePorts: boolean): string[] {
  const comment = `-m comment --comment ${q('kubernetes service nodeports; NOTE: this must be the last rule in this chain')}`;
  const cidrs = (o.nodePortAddresses ?? []).filter((c) => c !== 'primary');
  // "For IPv6 they never work, and for IPv4 they only work if we previously set route_localnet."
  const noLoopback = o.ipFamily === 6 ? ' ! -d ::1/128' : localhostNodePorts ? '' : ' ! -d 127.0.0.0/8';
  if ((o.nodePortAddresses ?? []).length === 0)
    return [`-A KUBE-SERVICES ${comment} -m addrtype --dst-type LOCAL${noLoopback} -j KUBE-NODEPORTS`];
  const ips = [...(o.nodeIPs ?? [o.nodeIP])].filter((ip) => cidrs.some((c) => inCidr(ip, c)));
  if ((o.nodePortAddresses ?? []).includes('primary') && !ips.includes(o.nodeIP)) ips.push(o.nodeIP);
  return ips
    .filter((ip) => (ip === '::1' ? false : !ip.startsWith('127.') || localhostNodePorts))
    .map((ip) => `-A KUBE-SERVICES ${comment} -d ${ip} -j KUBE-NODEPORTS`);
}

/** A rule's "-m comment --comment X -m proto -p proto -d IP --dport N" prefix. */
const capture = (comment: string, proto: string, ip: string, port: number): string =>
  `-m comment --comment ${q(comment)} -m ${proto} -p ${proto} -d ${ip} --dport ${port}`;

/** What syncProxyRules works out for one Service port before writing its rules. */
interface PortInfo {
  s: Service;
  o: KubeProxyOptions;
  localhostNodePorts: boolean;
  /** The ServicePortName, "namespace/name:port". */
  spn: string;
  proto: string;
  port: number;
  pol: PortPolicy;
  cat: ReturnType<typeof categorizeEndpoints>;
  svc: string;
  svl: string;
  ext: string;
  fw: string;
  /** The chain cluster IP traffic goes to: KUBE-SVL- for internalTrafficPolicy Local, else KUBE-SVC-. */
  internalChain: string;
  hasInternal: boolean;
  externalPolicyChain: string;
  hasExternal: boolean;
  usesFw: boolean;
  /** REJECT when the port has no endpoints at all, DROP when only no local ones. */
  internalTarget: string;
  internalComment: string;
  externalTarget: string;
  externalComment: string;
  /** The KUBE-SEP- chain of an endpoint. */
  sep: (e: Endpoint) => string;
}

function portInfo(s: Service, p: ServicePort, o: KubeProxyOptions, localhostNodePorts: boolean): PortInfo {
  const spn = servicePortName(s, p);
  const proto = p.protocol.toLowerCase();
  const pol = portPolicy(s, p);
  const eps = endpointsOf(s, p, o.node);
  const cat = categorizeEndpoints(eps, pol);
  // newServiceInfo and newEndpointInfo name the chains once: one hash a port, one an endpoint.
  const hash = portProtoHash(spn, proto);
  const svc = `KUBE-SVC-${hash}`;
  const svl = `KUBE-SVL-${hash}`;
  const seps = new Map(eps.map((e) => [e, sepChain(spn, proto, e.key)]));
  const noEps = `${spn} has no endpoints`;
  const noLocal = `${spn} has no local endpoints`;
  const [target, comment] = cat.hasAny ? ['DROP', noLocal] : ['REJECT', noEps];
  return {
    s,
    o,
    localhostNodePorts,
    spn,
    proto,
    port: p.port,
    pol,
    cat,
    svc,
    svl,
    ext: `KUBE-EXT-${hash}`,
    fw: `KUBE-FW-${hash}`,
    internalChain: pol.internalPolicyLocal ? svl : svc,
    hasInternal: cat.hasAny && !(pol.internalPolicyLocal && cat.local.length === 0),
    externalPolicyChain: pol.externalPolicyLocal ? svl : svc,
    hasExternal: cat.hasAny && !(pol.externalPolicyLocal && cat.local.length === 0),
    usesFw: cat.hasAny && pol.loadBalancerIPs.length > 0 && (s.loadBalancerSourceRanges ?? []).length > 0,
    internalTarget: target,
    internalComment: comment,
    externalTarget: target,
    externalComment: comment,
    sep: (e) => seps.get(e) ?? sepChain(spn, proto, e.key),
  };
}

/** Everything one Service port contributes to both tables (the body of syncProxyRules' loop). */
function servicePortRules(
  s: Service,
  p: ServicePort,
  o: KubeProxyOptions,
  localhostNodePorts: boolean,
  b: Buffers,
): void {
  const i = portInfo(s, p, o, localhostNodePorts);
  captureRules(i, b);
  nodePortRules(i, b);
  clusterMasqRule(i, b);
  const { spn, proto, pol, cat } = i;
  if (cat.hasAny && pol.externallyAccessible)
    extRules(
      spn,
      pol,
      o,
      { ext: i.ext, svc: i.svc, externalPolicyChain: i.externalPolicyChain, hasExternal: i.hasExternal },
      b,
    );
  if (i.usesFw) fwRules(s, spn, o, { fw: i.fw, ext: i.ext }, b);
  if (cat.cluster.length > 0 && pol.usesClusterEndpoints) endpointRules(s, spn, i.sep, i.svc, cat.cluster, b);
  if (cat.local.length > 0 && pol.usesLocalEndpoints) endpointRules(s, spn, i.sep, i.svl, cat.local, b);
  for (const e of cat.reachable) sepRules(s, spn, proto, i.sep(e), e, b);
}

/** KUBE-SERVICES' jumps for the cluster IP, external IPs and load-balancer IPs, or their REJECT/DROP. */
function captureRules(i: PortInfo, b: Buffers): void {
  const { spn, proto, port, pol, cat, hasExternal, externalTarget, externalComment } = i;
  if (i.hasInternal)
    b.natRules.push(
      `-A KUBE-SERVICES ${capture(`${spn} cluster IP`, proto, i.s.clusterIP, port)} -j ${i.internalChain}`,
    );
  else
    b.filterRules.push(
      `-A KUBE-SERVICES ${capture(i.internalComment, proto, i.s.clusterIP, port)} -j ${i.internalTarget}`,
    );
  for (const ip of pol.externalIPs) {
    if (cat.hasAny)
      b.natRules.push(`-A KUBE-SERVICES ${capture(`${spn} external IP`, proto, ip, port)} -j ${i.ext}`);
    if (!hasExternal)
      b.filterRules.push(
        `-A KUBE-EXTERNAL-SERVICES ${capture(externalComment, proto, ip, port)} -j ${externalTarget}`,
      );
  }
  const lbChain = i.usesFw ? i.fw : i.ext;
  for (const ip of pol.loadBalancerIPs) {
    if (cat.hasAny)
      b.natRules.push(`-A KUBE-SERVICES ${capture(`${spn} loadbalancer IP`, proto, ip, port)} -j ${lbChain}`);
    if (i.usesFw)
      b.filterRules.push(
        `-A KUBE-PROXY-FIREWALL ${capture(`${spn} traffic not accepted by ${i.fw}`, proto, ip, port)} -j DROP`,
      );
  }
  if (!hasExternal)
    for (const ip of pol.loadBalancerIPs)
      b.filterRules.push(
        `-A KUBE-EXTERNAL-SERVICES ${capture(externalComment, proto, ip, port)} -j ${externalTarget}`,
      );
}

/** KUBE-NODEPORTS' jumps (or the REJECT/DROP in KUBE-EXTERNAL-SERVICES) and the health check port. */
function nodePortRules(i: PortInfo, b: Buffers): void {
  const { s, o, spn, proto, pol, cat } = i;
  if (pol.nodePort !== 0) {
    if (cat.hasAny) {
      if (i.localhostNodePorts && o.nfacct)
        b.natRules.push(
          `-A KUBE-NODEPORTS -m comment --comment ${spn} -m ${proto} -p ${proto} -d 127.0.0.0/8 --dport ${pol.nodePort} -m nfacct --nfacct-name localhost_nps_accepted_pkts -j ${i.ext}`,
        );
      b.natRules.push(
        `-A KUBE-NODEPORTS -m comment --comment ${spn} -m ${proto} -p ${proto} --dport ${pol.nodePort} -j ${i.ext}`,
      );
    }
    if (!i.hasExternal)
      b.filterRules.push(
        `-A KUBE-EXTERNAL-SERVICES -m comment --comment ${q(i.externalComment)} -m addrtype --dst-type LOCAL -m ${proto} -p ${proto} --dport ${pol.nodePort} -j ${i.externalTarget}`,
      );
  }
  // NeedsHealthCheck: only a LoadBalancer with Local policy keeps its healthCheckNodePort.
  if (s.healthCheckNodePort && s.type === 'LoadBalancer' && pol.externalPolicyLocal)
    b.filterRules.push(
      `-A KUBE-NODEPORTS -m comment --comment ${q(`${spn} health check node port`)} -m tcp -p tcp --dport ${s.healthCheckNodePort} -j ACCEPT`,
    );
}

/** The internal chain's first rule: masquerade what does not come from a local pod (or everything). */
function clusterMasqRule(i: PortInfo, b: Buffers): void {
  if (!i.hasInternal) return;
  const args = capture(`${i.spn} cluster IP`, i.proto, i.s.clusterIP, i.port);
  const det = localDetector(i.o);
  if (i.o.masqueradeAll) b.natRules.push(`-A ${i.internalChain} ${args} -j KUBE-MARK-MASQ`);
  else if (det) b.natRules.push(`-A ${i.internalChain} ${args} ${det.ifNotLocal} -j KUBE-MARK-MASQ`);
}

/** KUBE-EXT-*: masquerade for Cluster policy; the short-circuits for Local policy. */
function extRules(
  spn: string,
  pol: PortPolicy,
  o: KubeProxyOptions,
  c: { ext: string; svc: string; externalPolicyChain: string; hasExternal: boolean },
  b: Buffers,
): void {
  b.natChains.push(`:${c.ext} - [0:0]`);
  if (!pol.externalPolicyLocal) {
    b.natRules.push(
      `-A ${c.ext} -m comment --comment ${q(`masquerade traffic for ${spn} external destinations`)} -j KUBE-MARK-MASQ`,
    );
  } else {
    const det = localDetector(o);
    if (det)
      b.natRules.push(
        `-A ${c.ext} -m comment --comment ${q(`pod traffic for ${spn} external destinations`)} ${det.ifLocal} -j ${c.svc}`,
      );
    b.natRules.push(
      `-A ${c.ext} -m comment --comment ${q(`masquerade LOCAL traffic for ${spn} external destinations`)} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
    );
    b.natRules.push(
      `-A ${c.ext} -m comment --comment ${q(`route LOCAL traffic for ${spn} external destinations`)} -m addrtype --src-type LOCAL -j ${c.svc}`,
    );
  }
  if (c.hasExternal) b.natRules.push(`-A ${c.ext} -j ${c.externalPolicyChain}`);
}

/** KUBE-FW-*: loadBalancerSourceRanges; what falls off its end meets KUBE-PROXY-FIREWALL's DROP. */
function fwRules(
  s: Service,
  spn: string,
  o: KubeProxyOptions,
  c: { fw: string; ext: string },
  b: Buffers,
): void {
  b.natChains.push(`:${c.fw} - [0:0]`);
  const head = `-A ${c.fw} -m comment --comment ${q(`${spn} loadbalancer IP`)}`;
  let allowFromNode = false;
  for (const cidr of s.loadBalancerSourceRanges ?? []) {
    b.natRules.push(`${head} -s ${cidr.trim()} -j ${c.ext}`);
    if (inCidr(o.nodeIP, cidr.trim())) allowFromNode = true;
  }
  // A VIP the node holds itself loops back with the VIP as source: let the node through.
  if (allowFromNode)
    for (const ip of s.loadBalancerIPs ?? []) b.natRules.push(`${head} -s ${ip} -j ${c.ext}`);
  b.natRules.push(
    `-A ${c.fw} -m comment --comment ${q(`other traffic to ${spn} will be dropped by KUBE-PROXY-FIREWALL`)}`,
  );
}

/** writeServiceToEndpointRules: session-affinity checks first, then the random spread. */
function endpointRules(
  s: Service,
  spn: string,
  sep: (e: Endpoint) => string,
  chain: string,
  eps: Endpoint[],
  b: Buffers,
): void {
  b.natChains.push(`:${chain} - [0:0]`);
  if (s.sessionAffinity === 'ClientIP')
    for (const e of eps)
      b.natRules.push(
        `-A ${chain} -m comment --comment ${q(`${spn} -> ${e.key}`)} -m recent --name ${sep(e)} --rcheck --seconds ${s.sessionAffinityTimeout ?? 10800} --reap -j ${sep(e)}`,
      );
  eps.forEach((e, i) => {
    const stat =
      i < eps.length - 1 ? ` -m statistic --mode random --probability ${probability10(eps.length - i)}` : '';
    b.natRules.push(`-A ${chain} -m comment --comment ${q(`${spn} -> ${e.key}`)}${stat} -j ${sep(e)}`);
  });
}

/** KUBE-SEP-*: the hairpin masquerade, then the DNAT (recording the client for affinity). */
function sepRules(s: Service, spn: string, proto: string, sep: string, e: Endpoint, b: Buffers): void {
  b.natChains.push(`:${sep} - [0:0]`);
  // appendServiceCommentLocked writes the name unquoted (a ServicePortName has no spaces).
  const comment = spn;
  b.natRules.push(`-A ${sep} -m comment --comment ${comment} -s ${e.ip} -j KUBE-MARK-MASQ`);
  const recent = s.sessionAffinity === 'ClientIP' ? ` -m recent --name ${sep} --set` : '';
  b.natRules.push(
    `-A ${sep} -m comment --comment ${comment}${recent} -m ${proto} -p ${proto} -j DNAT --to-destination ${e.key}`,
  );
}
