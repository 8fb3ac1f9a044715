/**
 * kube-proxy's packet-flow checks (runPacketFlowTests in pkg/proxy/iptables/proxier_test.go and
 * pkg/proxy/nftables/proxier_test.go), run on the model instead of on a second reading of the
 * rules: one node carrying the test fake proxier's addresses loads what the model's kube-proxy
 * writes for the test's Services (iptables-restore or `nft -f`), and each packet is handed to
 * the node's real netfilter hooks as the stack would hand it. Every random branch
 * (`-m statistic`, `numgen random`) is walked through World.chooseBranch, so the result is the
 * set of endpoints a packet can reach, as kube-proxy's tracer reports it, not one draw.
 *
 * IPv6 packets (an IPv6 proxier's test) take the same hooks: netfilter picks ip6tables' rules
 * (or nf_tables' ip6 and inet tables) by the packet's header, as the stack's NFPROTO_IPV6 does.
 *
 * The outcome of one branch: the DNAT destination "ip:port" ("[ip]:port" for IPv6, as
 * net.JoinHostPort writes it); "REJECT" or "DROP" by the event netfilter reported for the
 * packet (nf_reject or a drop); "ACCEPT" when a filter rule accepted a packet for local
 * delivery (the health-check port); "" when nothing touched it. Masquerade is whether
 * POSTROUTING's MASQUERADE rule (or nft `masquerade` statement) took the packet.
 */
import { runCommand } from '../../src/engine/commands/index';
import type { Service } from '../../src/engine/controllers/kube-proxy';
import { buildWorld } from '../../src/engine/scenario/build';
import { loadScenario } from '../../src/engine/scenario/load';
import { conntrackOf } from '../../src/engine/kernel/netfilter/engine';
import type { KernelEvent } from '../../src/engine/kernel/observer';
import type { Hook } from '../../src/engine/kernel/nf-hook';
import type { Skb } from '../../src/engine/kernel/skb';
import type { World } from '../../src/engine/kernel/world';
import type { Ipv6Layer } from '../../src/engine/net/layers';
import { tcp, udp } from '../nf-test-kit';

/**
 * The test fake proxier's node (NewFakeProxier): its addresses on eth0, IPv4 and IPv6, pods in
 * 10.0.0.0/8 or fd00:10::/64.
 */
export const testNodeIP = '192.168.0.2';
export const testNodeIPAlt = '192.168.1.2';
export const testExternalIP = '192.168.99.11';
export const testNodeIPv6 = '2001:db8::1';
export const testNodeIPv6Alt = '2001:db8:1::2';
export const testExternalClient = '203.0.113.2';
export const testExternalClientBlocked = '203.0.113.130';
const NODE_IPS = [testNodeIP, testNodeIPAlt, testExternalIP];
const NODE_IPS6 = [testNodeIPv6, testNodeIPv6Alt];

export type Mode = 'iptables' | 'nftables';

export interface FlowCase {
  name: string;
  sourceIP: string;
  destIP: string;
  destPort: number;
  protocol?: 'TCP' | 'UDP';
  output: string;
  masq?: boolean;
}

/**
 * The fake proxier's settings, as a scenario's kube-proxy controller says them: node
 * "test-node" (the machine's name), --cluster-cidr 10.0.0.0/8 (null: no local-traffic
 * detector), localhost NodePorts in iptables mode, nftables mode's service CIDR 172.30.0.0/16
 * (fd00:10:96::/112 for IPv6).
 * Its nfacct counters are left out: the model has no `-m nfacct` match, and the counters
 * only count. Its nftables NodePorts default to the primary node IP, as kube-proxy's own
 * defaulting (platformApplyDefaults) does for the scenario.
 */
export interface ProxyFlags {
  clusterCIDR?: string | null;
  masqueradeAll?: boolean;
  nodePortAddresses?: string[];
  localhostNodePorts?: boolean;
  /** NewFakeProxier(family): 'IPv6' is an IPv6 proxier, whose pods are in fd00:10::/64. */
  family?: 'IPv4' | 'IPv6';
}

/** The scenario of one test: the node, its kube-proxy and the test's Services (Kubernetes' shape). */
function scenarioText(services: Service[], mode: Mode, f: ProxyFlags): string {
  const v6 = f.family === 'IPv6';
  // A scenario's kube-proxy runs one proxier per family of the world (NewDualStackProxier):
  // the IPv6 one is the test's, and each takes its family's CIDR of --cluster-cidr.
  const podCIDR = v6 ? '10.0.0.0/8,fd00:10::/64' : '10.0.0.0/8';
  const kubeProxy = {
    mode,
    nodeIP: v6 ? `${testNodeIP},${testNodeIPv6}` : testNodeIP,
    ...(f.clusterCIDR === null ? {} : { clusterCIDR: f.clusterCIDR ?? podCIDR }),
    ...(mode === 'nftables' ? { serviceCIDR: v6 ? '172.30.0.0/16,fd00:10:96::/112' : '172.30.0.0/16' } : {}),
    ...(f.masqueradeAll ? { masqueradeAll: true } : {}),
    ...(f.nodePortAddresses ? { nodePortAddresses: f.nodePortAddresses } : {}),
    ...(f.localhostNodePorts === false ? { localhostNodePorts: false } : {}),
  };
  const doc = {
    version: 1,
    id: 'kube-proxy-packet-flow',
    group: 'Kubernetes Services',
    concept: { en: 'kube-proxy test node', zh: 'kube-proxy 测试节点' },
    title: { en: 'kube-proxy test node', zh: 'kube-proxy 测试节点' },
    description: { en: "NewFakeProxier's node", zh: 'NewFakeProxier 的节点' },
    ...(v6 ? { ipv6: true } : {}),
    services,
    machines: {
      'test-node': {
        setup: [
          'ip link add eth0 type dummy',
          ...NODE_IPS.map((ip) => `ip addr add ${ip}/24 dev eth0`),
          ...(v6 ? NODE_IPS6.map((ip) => `ip -6 addr add ${ip}/64 dev eth0 nodad`) : []),
          'ip link set eth0 up',
          'ip route add default via 192.168.0.1',
          'sysctl -w net.ipv4.ip_forward=1',
          ...(v6
            ? ['ip -6 route add default via 2001:db8::ffff', 'sysctl -w net.ipv6.conf.all.forwarding=1']
            : []),
        ],
        controllers: [{ 'kube-proxy': kubeProxy }],
      },
    },
  };
  // YAML is a superset of JSON: the scenario loader reads it as a file of the catalog.
  return JSON.stringify(doc, null, 1);
}

/** net.JoinHostPort, as the Go tests print an endpoint: an IPv6 address in brackets. */
const joinHostPort = (ip: string, port: number): string =>
  ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;

/**
 * The case's first packet: a TCP SYN (or a UDP datagram) in an IPv4 or an IPv6 header, by
 * the addresses' family, as the tracer builds it from sourceIP and destIP.
 */
function packet(c: Omit<FlowCase, 'output' | 'masq' | 'name'>, sport: number): Skb {
  const skb =
    c.protocol === 'UDP'
      ? udp(c.sourceIP, sport, c.destIP, c.destPort)
      : tcp(c.sourceIP, sport, c.destIP, c.destPort);
  if (!c.destIP.includes(':')) return skb;
  const ip6: Ipv6Layer = {
    proto: 'ipv6',
    src: c.sourceIP,
    dst: c.destIP,
    hlim: 64,
    next: c.protocol === 'UDP' ? 17 : 6,
    tc: 0,
    flow: 0,
  };
  return { ...skb, layers: [ip6, ...skb.layers.slice(1)] };
}

/** Every sequence of branch choices, depth first: `run` gets a chooser and reports one result. */
function everyBranch<R>(run: () => R, world: World): R[] {
  const results: R[] = [];
  let prefix: number[] = [];
  for (;;) {
    const taken: { v: number; n: number }[] = [];
    world.chooseBranch = (n) => {
      const v = prefix[taken.length] ?? 0;
      taken.push({ v, n });
      return v;
    };
    results.push(run());
    let k = taken.length - 1;
    while (k >= 0 && taken[k]!.v + 1 >= taken[k]!.n) k--;
    if (k < 0) return results;
    prefix = [...taken.slice(0, k).map((t) => t.v), taken[k]!.v + 1];
  }
}

export interface ProxyNode {
  trace(c: Omit<FlowCase, 'output' | 'masq' | 'name'>): { output: string; masq: boolean };
  sh(line: string): string;
}

/** A node whose kube-proxy (in `mode`) wrote the rules for `services`, built as a scenario. */
export function proxyNode(services: Service[], mode: Mode, flags: ProxyFlags = {}): ProxyNode {
  const { world } = buildWorld(
    loadScenario(scenarioText(services, mode, flags), 'kube-proxy-packet-flow.yaml'),
  );
  const machine = world.machines.get('test-node')!;
  const ns = machine.root;
  const sh = (line: string): string => runCommand({ world, machine, ns, origin: 'test' }, line).output;

  const events: KernelEvent[] = [];
  world.observers.push({ event: (e) => events.push(e), capture: () => {}, tableChanged: () => {} });
  const local = new Set(['127.0.0.1', ...NODE_IPS, '::1', ...(flags.family === 'IPv6' ? NODE_IPS6 : [])]);
  const dev = (name: string) => ns.device(name)!;
  const hook = (h: Hook, skb: Skb, c: { in?: string; out?: string }): Skb | null =>
    ns.netfilter!.run(ns, h, skb, {
      ...(c.in ? { in: dev(c.in) } : {}),
      ...(c.out ? { out: dev(c.out) } : {}),
    });
  const ipOf = (s: Skb) => s.layers[0] as { src: string; dst: string };
  const portOf = (s: Skb) => (s.layers[1] as { dport: number }).dport;
  let sport = 40000;

  /** One branch: the hooks a packet from this source meets, as ip_rcv/ip_forward or ip_local_out run them. */
  const walk = (c: Omit<FlowCase, 'output' | 'masq' | 'name'>): { output: string; masq: boolean } => {
    // Each branch is a new connection: no conntrack entry may carry the previous one's NAT.
    conntrackOf(ns)?.flush();
    events.length = 0;
    const skb = packet(c, ++sport);
    const out = (s: Skb): string => (local.has(ipOf(s).dst) ? 'lo' : 'eth0');
    let last: Skb | null;
    let delivered = false;
    if (local.has(c.sourceIP)) {
      const a = hook('OUTPUT', skb, { out: out(skb) });
      last = a && hook('POSTROUTING', a, { out: out(a) });
      // Sent to the node itself: loopback_xmit hands it back to ip_rcv on lo.
      delivered = last !== null && out(last) === 'lo';
      const back = last && delivered ? hook('PREROUTING', last, { in: 'lo' }) : last;
      last = back && delivered ? hook('INPUT', back, { in: 'lo' }) : back;
    } else {
      const a = hook('PREROUTING', skb, { in: 'eth0' });
      delivered = a !== null && local.has(ipOf(a).dst);
      if (a && delivered) last = hook('INPUT', a, { in: 'eth0' });
      else {
        const b = a && hook('FORWARD', a, { in: 'eth0', out: 'eth0' });
        last = b && hook('POSTROUTING', b, { out: 'eth0' });
      }
    }
    if (!last) {
      const rejected = events.some((e) => e.kind === 'drop' && /reject/.test(e.explain.code));
      return { output: rejected ? 'REJECT' : 'DROP', masq: false };
    }
    // The masquerade decision, not its effect: a node's own address masqueraded out of the
    // device that holds it stays the same address (nf_nat_setup_info then binds nothing).
    const masq = events.some(
      (e) => e.explain.args.hook === 'POSTROUTING' && /masquerade/i.test(String(e.explain.args.rule ?? '')),
    );
    if (ipOf(last).dst !== c.destIP || portOf(last) !== c.destPort)
      return { output: joinHostPort(ipOf(last).dst, portOf(last)), masq };
    const accepted = events.some(
      (e) =>
        e.explain.args.table === 'filter' &&
        e.explain.args.verdict === 'ACCEPT' &&
        e.explain.code === 'nf.accept',
    );
    return { output: delivered && accepted ? 'ACCEPT' : '', masq };
  };

  return {
    sh: (line) => sh(line),
    trace(c) {
      const all = everyBranch(() => walk(c), world);
      world.chooseBranch = undefined;
      const outputs = [...new Set(all.map((r) => r.output))].filter(
        (x, _, xs) => x !== '' || xs.length === 1,
      );
      return { output: outputs.sort().join(', '), masq: all.some((r) => r.masq) };
    },
  };
}

/** The case as kube-proxy's test states it: outputs in a set (its tracer lists them in rule order). */
export function expected(c: FlowCase): { output: string; masq: boolean } {
  return { output: c.output.split(', ').sort().join(', '), masq: c.masq ?? false };
}
