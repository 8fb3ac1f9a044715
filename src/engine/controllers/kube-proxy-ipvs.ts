/**
 * kube-proxy's IPVS mode as pkg/proxy/ipvs/proxier.go (Kubernetes 1.33) writes it:
 * the kube-ipvs0 dummy holding every Service VIP, a virtual server per VIP:port (and per
 * node address for NodePorts) with the endpoints as masquerading real servers, the ipsets
 * that name those VIPs (ipset.go's names and comments), and the iptables rules that match
 * the sets (writeIptablesRules). kube-proxy binds the VIPs and writes the virtual servers
 * over netlink and adds each set member with its own `ipset add NAME ENTRY -exist`; here
 * those writes are three batches of the same commands (`ip -batch -`, `ipvsadm -R`,
 * `ipset restore -exist`), which leave the kernel in the same state with one setup entry
 * each, however many Services.
 */
import { categorizeEndpoints, endpointsOf, portPolicy } from './kube-proxy-endpoints';
import { localDetector, MASQ_MARK } from './kube-proxy-iptables';
import type { KubeProxyOptions, ProxyWrites, Service } from './kube-proxy';

const q = (s: string): string => `"${s}"`;

/** ipsetInfo: name, type, comment. */
export const IPVS_SETS: [string, string, string][] = [
  [
    'KUBE-LOOP-BACK',
    'hash:ip,port,ip',
    'Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose',
  ],
  ['KUBE-CLUSTER-IP', 'hash:ip,port', 'Kubernetes service cluster ip + port for masquerade purpose'],
  [
    'KUBE-EXTERNAL-IP',
    'hash:ip,port',
    'Kubernetes service external ip + port for masquerade and filter purpose',
  ],
  [
    'KUBE-EXTERNAL-IP-LOCAL',
    'hash:ip,port',
    'Kubernetes service external ip + port with externalTrafficPolicy=local',
  ],
  ['KUBE-LOAD-BALANCER', 'hash:ip,port', 'Kubernetes service lb portal'],
  [
    'KUBE-LOAD-BALANCER-FW',
    'hash:ip,port',
    'Kubernetes service load balancer ip + port for load balancer with sourceRange',
  ],
  [
    'KUBE-LOAD-BALANCER-LOCAL',
    'hash:ip,port',
    'Kubernetes service load balancer ip + port with externalTrafficPolicy=local',
  ],
  [
    'KUBE-LOAD-BALANCER-SOURCE-IP',
    'hash:ip,port,ip',
    'Kubernetes service load balancer ip + port + source IP for packet filter purpose',
  ],
  [
    'KUBE-LOAD-BALANCER-SOURCE-CIDR',
    'hash:ip,port,net',
    'Kubernetes service load balancer ip + port + source cidr for packet filter purpose',
  ],
  ['KUBE-NODE-PORT-TCP', 'bitmap:port', 'Kubernetes nodeport TCP port for masquerade purpose'],
  [
    'KUBE-NODE-PORT-LOCAL-TCP',
    'bitmap:port',
    'Kubernetes nodeport TCP port with externalTrafficPolicy=local',
  ],
  ['KUBE-NODE-PORT-UDP', 'bitmap:port', 'Kubernetes nodeport UDP port for masquerade purpose'],
  [
    'KUBE-NODE-PORT-LOCAL-UDP',
    'bitmap:port',
    'Kubernetes nodeport UDP port with externalTrafficPolicy=local',
  ],
  [
    'KUBE-NODE-PORT-SCTP-HASH',
    'hash:ip,port',
    "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'",
  ],
  [
    'KUBE-NODE-PORT-LOCAL-SCTP-HASH',
    'hash:ip,port',
    "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'",
  ],
  ['KUBE-HEALTH-CHECK-NODE-PORT', 'bitmap:port', 'Kubernetes health check node port'],
  ['KUBE-IPVS-IPS', 'hash:ip', 'Addresses on the ipvs interface'],
];
const COMMENT = new Map(IPVS_SETS.map(([n, , c]) => [n, c]));

/** ipsetWithIptablesChain: set, table, from chain, target, match flags, protocol. */
const SET_JUMPS: [string, 'nat' | 'filter', string, string, string, string][] = [
  ['KUBE-LOOP-BACK', 'nat', 'KUBE-POSTROUTING', 'MASQUERADE', 'dst,dst,src', ''],
  ['KUBE-LOAD-BALANCER', 'nat', 'KUBE-SERVICES', 'KUBE-LOAD-BALANCER', 'dst,dst', ''],
  ['KUBE-LOAD-BALANCER-LOCAL', 'nat', 'KUBE-LOAD-BALANCER', 'RETURN', 'dst,dst', ''],
  ['KUBE-NODE-PORT-LOCAL-TCP', 'nat', 'KUBE-NODE-PORT', 'RETURN', 'dst', 'tcp'],
  ['KUBE-NODE-PORT-TCP', 'nat', 'KUBE-NODE-PORT', 'KUBE-MARK-MASQ', 'dst', 'tcp'],
  ['KUBE-NODE-PORT-LOCAL-UDP', 'nat', 'KUBE-NODE-PORT', 'RETURN', 'dst', 'udp'],
  ['KUBE-NODE-PORT-UDP', 'nat', 'KUBE-NODE-PORT', 'KUBE-MARK-MASQ', 'dst', 'udp'],
  ['KUBE-LOAD-BALANCER-FW', 'filter', 'KUBE-PROXY-FIREWALL', 'KUBE-SOURCE-RANGES-FIREWALL', 'dst,dst', ''],
  ['KUBE-LOAD-BALANCER-SOURCE-CIDR', 'filter', 'KUBE-SOURCE-RANGES-FIREWALL', 'RETURN', 'dst,dst,src', ''],
  ['KUBE-LOAD-BALANCER-SOURCE-IP', 'filter', 'KUBE-SOURCE-RANGES-FIREWALL', 'RETURN', 'dst,dst,src', ''],
];

/** iptablesChains, then iptablesJumpChain (EnsureRule with Prepend). */
const CHAINS: ['nat' | 'filter', string][] = [
  ['nat', 'KUBE-SERVICES'],
  ['nat', 'KUBE-POSTROUTING'],
  ['nat', 'KUBE-NODE-PORT'],
  ['nat', 'KUBE-LOAD-BALANCER'],
  ['nat', 'KUBE-MARK-MASQ'],
  ['filter', 'KUBE-FORWARD'],
  ['filter', 'KUBE-NODE-PORT'],
  ['filter', 'KUBE-PROXY-FIREWALL'],
  ['filter', 'KUBE-SOURCE-RANGES-FIREWALL'],
  ['filter', 'KUBE-IPVS-FILTER'],
  ['filter', 'KUBE-IPVS-OUT-FILTER'],
];
const JUMPS: ['nat' | 'filter', string, string, string][] = [
  ['nat', 'OUTPUT', 'KUBE-SERVICES', 'kubernetes service portals'],
  ['nat', 'PREROUTING', 'KUBE-SERVICES', 'kubernetes service portals'],
  ['nat', 'POSTROUTING', 'KUBE-POSTROUTING', 'kubernetes postrouting rules'],
  ['filter', 'FORWARD', 'KUBE-FORWARD', 'kubernetes forwarding rules'],
  ['filter', 'INPUT', 'KUBE-NODE-PORT', 'kubernetes health check rules'],
  ['filter', 'INPUT', 'KUBE-PROXY-FIREWALL', 'kube-proxy firewall rules'],
  ['filter', 'FORWARD', 'KUBE-PROXY-FIREWALL', 'kube-proxy firewall rules'],
  ['filter', 'INPUT', 'KUBE-IPVS-FILTER', 'kubernetes ipvs access filter'],
  ['filter', 'OUTPUT', 'KUBE-IPVS-OUT-FILTER', 'kubernetes ipvs access filter'],
];

/** The sets' members and the IPVS calls of one sync. */
interface Sync {
  /** Members per set, in the order added (a Set: 10,000 Services would make a list's check quadratic). */
  entries: Map<string, Set<string>>;
  ipvs: string[];
  /** `ip addr add` lines (without `ip`) binding VIPs to kube-ipvs0. */
  addrs: string[];
  /** Addresses already bound to kube-ipvs0 in this sync. */
  bound: Set<string>;
  lbNoNodeAccess: { ip: string; proto: string; port: number }[];
}

const add = (s: Sync, set: string, entry: string): void => {
  s.entries.get(set)!.add(entry);
};

export function ipvsModeWrites(services: Service[], o: KubeProxyOptions): ProxyWrites {
  const commands: string[] = [];
  for (const [table, chain] of CHAINS) commands.push(`iptables -t ${table} -N ${chain}`);
  for (const [table, from, to, comment] of JUMPS)
    commands.push(`iptables -t ${table} -I ${from} -m comment --comment ${q(comment)} -j ${to}`);
  commands.push('ip link add kube-ipvs0 type dummy');
  for (const [name, type] of IPVS_SETS)
    commands.push(`ipset create ${name} ${type}${createArgs(type)} -exist`);
  const s: Sync = {
    entries: new Map(IPVS_SETS.map(([n]) => [n, new Set<string>()])),
    ipvs: [],
    addrs: [],
    bound: new Set(),
    lbNoNodeAccess: [],
  };
  // Node addresses for NodePort virtual servers: every local address but loopback (GetAllLocalAddressesExcept).
  const nodeIPs = (o.nodeIPs ?? [o.nodeIP]).filter((ip) => !ip.startsWith('127.'));
  for (const svc of services) for (const p of svc.ports) servicePort(svc, p, o, nodeIPs, s);
  const members: string[] = [];
  for (const [name] of IPVS_SETS) for (const e of s.entries.get(name)!) members.push(`add ${name} ${e}`);
  const batches = [
    { command: 'ip -batch -', stdin: s.addrs },
    { command: 'ipvsadm -R', stdin: s.ipvs },
    { command: 'ipset restore -exist', stdin: members },
  ]
    .filter((b) => b.stdin.length > 0)
    .map((b) => ({ command: b.command, stdin: `${b.stdin.join('\n')}\n` }));
  return { commands, batches, restore: iptablesRestore(o, s) };
}

/** createSet: hash types carry family, hashsize and maxelem; bitmap:port its range. */
function createArgs(type: string): string {
  if (type === 'bitmap:port') return ' range 0-65535';
  return ' family inet hashsize 1024 maxelem 65536';
}

function servicePort(
  svc: Service,
  p: Service['ports'][number],
  o: KubeProxyOptions,
  nodeIPs: string[],
  s: Sync,
): void {
  const proto = p.protocol.toLowerCase();
  const flag = proto === 'udp' ? '-u' : '-t';
  const pol = portPolicy(svc, p);
  const eps = endpointsOf(svc, p, o.node);
  const cat = categorizeEndpoints(eps, pol);
  for (const e of eps) if (e.local) add(s, 'KUBE-LOOP-BACK', `${e.ip},${proto}:${e.port},${e.ip}`);
  // syncService binds the VIP to kube-ipvs0, then adds the virtual server; syncEndpoint adds the reals.
  const virtualServer = (vip: string, port: number, bind: boolean, local: boolean): void => {
    if (bind) {
      s.bound.add(vip);
      s.addrs.push(`addr add ${vip}/32 dev kube-ipvs0`);
      add(s, 'KUBE-IPVS-IPS', vip);
    }
    s.ipvs.push(`-A ${flag} ${vip}:${port} -s rr`);
    for (const e of local ? cat.local : cat.cluster)
      s.ipvs.push(`-a ${flag} ${vip}:${port} -r ${e.key} -m -w 1`);
  };
  add(s, 'KUBE-CLUSTER-IP', `${svc.clusterIP},${proto}:${p.port}`);
  virtualServer(svc.clusterIP, p.port, !s.bound.has(svc.clusterIP), pol.internalPolicyLocal);
  const onNode = (ip: string): boolean => nodeIPs.includes(ip);
  for (const ip of pol.externalIPs) {
    add(
      s,
      pol.externalPolicyLocal ? 'KUBE-EXTERNAL-IP-LOCAL' : 'KUBE-EXTERNAL-IP',
      `${ip},${proto}:${p.port}`,
    );
    virtualServer(ip, p.port, !onNode(ip), pol.externalPolicyLocal);
  }
  for (const ip of pol.loadBalancerIPs) {
    const entry = `${ip},${proto}:${p.port}`;
    add(s, 'KUBE-LOAD-BALANCER', entry);
    if (pol.externalPolicyLocal) add(s, 'KUBE-LOAD-BALANCER-LOCAL', entry);
    const ranges = (svc.loadBalancerSourceRanges ?? []).map((r) => r.trim());
    if (ranges.length > 0) {
      add(s, 'KUBE-LOAD-BALANCER-FW', entry);
      for (const r of ranges) add(s, 'KUBE-LOAD-BALANCER-SOURCE-CIDR', `${entry},${r}`);
      if (ranges.some((r) => inCidr(o.nodeIP, r))) add(s, 'KUBE-LOAD-BALANCER-SOURCE-IP', `${entry},${ip}`);
      else s.lbNoNodeAccess.push({ ip, proto, port: p.port });
    }
    virtualServer(ip, p.port, !onNode(ip), pol.externalPolicyLocal);
  }
  if (pol.nodePort !== 0 && nodeIPs.length > 0 && proto !== 'sctp') {
    const P = proto.toUpperCase();
    add(s, `KUBE-NODE-PORT-${P}`, String(pol.nodePort));
    if (pol.externalPolicyLocal) add(s, `KUBE-NODE-PORT-LOCAL-${P}`, String(pol.nodePort));
    for (const ip of nodeIPs) virtualServer(ip, pol.nodePort, false, pol.externalPolicyLocal);
  }
  if (svc.healthCheckNodePort && svc.type === 'LoadBalancer' && pol.externalPolicyLocal)
    add(s, 'KUBE-HEALTH-CHECK-NODE-PORT', String(svc.healthCheckNodePort));
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, len] = cidr.split('/');
  const n = (a: string): number => a.split('.').reduce((v, x) => v * 256 + Number(x), 0);
  const size = 2 ** (32 - Number(len ?? 32));
  return Math.floor(n(ip) / size) === Math.floor(n(net ?? '') / size);
}

/** writeIptablesRules: the restore batch (nat first, then filter, as the IPVS proxier writes it). */
function iptablesRestore(o: KubeProxyOptions, s: Sync): string {
  const nat: string[] = ['-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN'];
  const filter: string[] = [];
  const empty = (set: string): boolean => s.entries.get(set)!.size === 0;
  const match = (set: string): string =>
    `-m comment --comment ${q(COMMENT.get(set)!)} -m set --match-set ${set}`;
  for (const [set, table, from, to, flags, proto] of SET_JUMPS) {
    if (empty(set)) continue;
    (table === 'nat' ? nat : filter).push(
      `-A ${from}${proto ? ` -p ${proto}` : ''} ${match(set)} ${flags} -j ${to}`,
    );
  }
  if (!empty('KUBE-CLUSTER-IP')) {
    const det = localDetector(o);
    const head = `-A KUBE-SERVICES ${match('KUBE-CLUSTER-IP')}`;
    if (o.masqueradeAll) nat.push(`${head} dst,dst -j KUBE-MARK-MASQ`);
    else if (det) nat.push(`${head} dst,dst ${det.ifNotLocal} -j KUBE-MARK-MASQ`);
    // Without a local detector, masquerade the node's own connections that picked a VIP as source.
    else nat.push(`${head} src,dst -j KUBE-MARK-MASQ`);
  }
  const externalIPRules = (head: string): void => {
    nat.push(`${head} -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT`);
    nat.push(`${head} -m addrtype --dst-type LOCAL -j ACCEPT`);
  };
  if (!empty('KUBE-EXTERNAL-IP')) {
    const head = `-A KUBE-SERVICES ${match('KUBE-EXTERNAL-IP')} dst,dst`;
    nat.push(`${head} -j KUBE-MARK-MASQ`);
    externalIPRules(head);
  }
  if (!empty('KUBE-EXTERNAL-IP-LOCAL'))
    externalIPRules(`-A KUBE-SERVICES ${match('KUBE-EXTERNAL-IP-LOCAL')} dst,dst`);
  nat.push('-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT');
  nat.push('-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ');
  filter.push('-A KUBE-SOURCE-RANGES-FIREWALL -j DROP');
  for (const e of s.lbNoNodeAccess)
    filter.push(
      `-A KUBE-IPVS-OUT-FILTER -s ${e.ip} -m ipvs --vaddr ${e.ip} --vproto ${e.proto} --vport ${e.port} -j DROP`,
    );
  // acceptIPVSTraffic: whatever IPVS owns must not be caught by later rules.
  for (const set of ['KUBE-CLUSTER-IP', 'KUBE-LOAD-BALANCER'])
    if (!empty(set)) nat.push(`-A KUBE-SERVICES -m set --match-set ${set} dst,dst -j ACCEPT`);
  filter.push(
    `-A KUBE-FORWARD -m comment --comment ${q('kubernetes forwarding rules')} -m mark --mark ${MASQ_MARK}/${MASQ_MARK} -j ACCEPT`,
    `-A KUBE-FORWARD -m comment --comment ${q('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    `-A KUBE-NODE-PORT ${match('KUBE-HEALTH-CHECK-NODE-PORT')} dst -j ACCEPT`,
  );
  // KUBE-IPVS-FILTER: a VIP on kube-ipvs0 answers only on its Service ports (issue 72236).
  for (const set of ['KUBE-LOAD-BALANCER', 'KUBE-CLUSTER-IP', 'KUBE-EXTERNAL-IP', 'KUBE-EXTERNAL-IP-LOCAL'])
    filter.push(`-A KUBE-IPVS-FILTER -m set --match-set ${set} dst,dst -j RETURN`);
  filter.push('-A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN');
  filter.push(
    '-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT',
  );
  nat.push(
    `-A KUBE-POSTROUTING -m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark ${MASQ_MARK}`,
    `-A KUBE-POSTROUTING -m comment --comment ${q('kubernetes service traffic requiring SNAT')} -j MASQUERADE${o.randomFully !== false ? ' --random-fully' : ''}`,
    `-A KUBE-MARK-MASQ -j MARK --or-mark ${MASQ_MARK}`,
  );
  const chains = (t: 'nat' | 'filter'): string[] =>
    CHAINS.filter(([table]) => table === t).map(([, c]) => `:${c} - [0:0]`);
  return [
    '*nat',
    ...chains('nat'),
    ...nat,
    'COMMIT',
    '*filter',
    ...chains('filter'),
    ...filter,
    'COMMIT',
    '',
  ].join('\n');
}
