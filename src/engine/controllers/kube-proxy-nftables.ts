/**
 * kube-proxy's nftables mode as text: the `ip kube-proxy` table that pkg/proxy/nftables
 * (Kubernetes 1.33) builds with knftables (setupNFTables, then syncProxyRules and
 * writeServiceToEndpointRules), written as the `nft -f` input that creates it from nothing.
 * knftables hands that text to `nft -f -` as one transaction. A dual-stack kube-proxy runs a
 * second proxier (NewDualStackProxier) whose knftables is of family IPv6: the same objects in
 * table `ip6 kube-proxy`, with "ip6" for "ip", ipv6_addr keys and `ip6 daddr != ::1`.
 */
import { categorizeEndpoints, endpointsOf, portPolicy, type Endpoint } from './kube-proxy-endpoints';
import { inPrefix6, parseCidr6, parseIp6 } from '../net/ipv6';
import {
  detectLocalOf,
  familyOf,
  servicePortName,
  type KubeProxyOptions,
  type ProxyWrites,
  type Service,
  hashName,
  namesToHash,
  reserveHashes,
} from './kube-proxy';

/** The words setupNFTables and syncProxyRules pick by the proxier's family (ipX, ipvX_addr, noLocalhost). */
interface Family {
  /** The table as nft names it: family and name. */
  T: string;
  ipX: 'ip' | 'ip6';
  addr: 'ipv4_addr' | 'ipv6_addr';
  noLocalhost: string;
}

const V4: Family = {
  T: 'ip kube-proxy',
  ipX: 'ip',
  addr: 'ipv4_addr',
  noLocalhost: 'ip daddr != 127.0.0.0/8',
};
const V6: Family = { T: 'ip6 kube-proxy', ipX: 'ip6', addr: 'ipv6_addr', noLocalhost: 'ip6 daddr != ::1' };
const familyWords = (o: KubeProxyOptions): Family => (o.ipFamily === 6 ? V6 : V4);

const q = (s: string): string => `"${s}"`;

/** hashAndTruncate: eight base32 characters of the name's SHA-256 (remembered), a hyphen, the name. */
const hashed = (name: string): string => `${hashName(name).slice(0, 8)}-${name}`;

/** servicePortChainNameBase: "HASH-namespace/name/protocol/port". */
const portBase = (s: Service, port: string, proto: string): string =>
  hashed(`${s.namespace}/${s.name}/${proto}/${port}`);
/**
 * servicePortEndpointChainNameBase: "HASH-namespace/name/protocol/port__ip/port". A colon may not
 * be in a chain name, so an IPv6 endpoint's colons become dots before hashing.
 */
const endpointBase = (s: Service, port: string, proto: string, e: Endpoint): string =>
  hashed(`${s.namespace}/${s.name}/${proto}/${port}__${e.ip.replaceAll(':', '.')}/${e.port}`);

/** nftablesBaseChains: name, type, hook, priority. */
const BASE_CHAINS: [string, string, string, number][] = [
  ['filter-prerouting-pre-dnat', 'filter', 'prerouting', -110],
  ['filter-output-pre-dnat', 'filter', 'output', -110],
  ['filter-forward', 'filter', 'forward', 0],
  ['filter-input', 'filter', 'input', 0],
  ['filter-output', 'filter', 'output', 0],
  ['nat-output', 'nat', 'output', -100],
  ['nat-postrouting', 'nat', 'postrouting', 100],
  ['nat-prerouting', 'nat', 'prerouting', -100],
];

/** nftablesJumpChains: source chain, destination chain, extra match. */
const JUMPS: [string, string, string][] = [
  ['filter-prerouting-pre-dnat', 'firewall-check', 'ct state new'],
  ['filter-output-pre-dnat', 'firewall-check', 'ct state new'],
  ['filter-forward', 'service-endpoints-check', 'ct state new'],
  ['filter-input', 'nodeport-endpoints-check', 'ct state new'],
  ['filter-input', 'service-endpoints-check', 'ct state new'],
  ['filter-output', 'service-endpoints-check', 'ct state new'],
  ['filter-forward', 'cluster-ips-check', 'ct state new'],
  ['filter-output', 'cluster-ips-check', 'ct state new'],
  ['nat-output', 'services', ''],
  ['nat-postrouting', 'masquerading', ''],
  ['nat-prerouting', 'services', ''],
];

/** IfLocalNFT / IfNotLocalNFT of the LocalTrafficDetector. */
function detector(o: KubeProxyOptions): { local: string; notLocal: string } | null {
  const d = detectLocalOf(o);
  if (!d) return null;
  if (d.mode === 'ClusterCIDR' || d.mode === 'NodeCIDR') {
    // NewDetectLocalByCIDR: "ip6" when the CIDR is IPv6.
    const ipX = familyOf(d.cidr.split('/')[0]!) === 6 ? 'ip6' : 'ip';
    return { local: `${ipX} saddr ${d.cidr}`, notLocal: `${ipX} saddr != ${d.cidr}` };
  }
  const name = d.mode === 'BridgeInterface' ? d.bridge : `${d.prefix}*`;
  return { local: `iifname ${name}`, notLocal: `iifname != ${name}` };
}

export interface NftablesOptions {
  /** --service-cluster-ip-range (ServiceCIDRs): traffic to an unallocated ClusterIP is dropped. */
  serviceCIDRs?: string;
}

/** setupNFTables: the table, its sets and maps, the base chains and the fixed rules. */
function baseRules(o: KubeProxyOptions, n: NftablesOptions): string[] {
  const cidrs = nodePortCIDRs(o);
  const matchAll = cidrs.length === 0;
  return [
    ...baseSetsAndMaps(o, matchAll),
    ...baseChains(o),
    ...fixedRules(o, n, matchAll),
    ...(matchAll ? [] : nodePortIPElements(o, cidrs)),
  ];
}

/** The table, the cluster-ips (and, with --nodeport-addresses, nodeport-ips) sets and the verdict maps. */
function baseSetsAndMaps(o: KubeProxyOptions, matchAll: boolean): string[] {
  const { T, addr } = familyWords(o);
  const out = [`add table ${T} { comment "rules for kube-proxy" ; }`];
  out.push(`add set ${T} cluster-ips { type ${addr} ; comment "Active ClusterIPs" ; }`);
  if (!matchAll)
    out.push(`add set ${T} nodeport-ips { type ${addr} ; comment "IPs that accept NodePort traffic" ; }`);
  const vmap = (name: string, key: string, comment: string): string =>
    `add map ${T} ${name} { type ${key} : verdict ; comment ${q(comment)} ; }`;
  out.push(
    vmap(
      'firewall-ips',
      `${addr} . inet_proto . inet_service`,
      'destinations that are subject to LoadBalancerSourceRanges',
    ),
    vmap(
      'no-endpoint-nodeports',
      'inet_proto . inet_service',
      'vmap to drop or reject packets to service nodeports with no endpoints',
    ),
    vmap(
      'no-endpoint-services',
      `${addr} . inet_proto . inet_service`,
      'vmap to drop or reject packets to services with no endpoints',
    ),
    vmap(
      'service-ips',
      `${addr} . inet_proto . inet_service`,
      'ClusterIP, ExternalIP and LoadBalancer IP traffic',
    ),
    vmap('service-nodeports', 'inet_proto . inet_service', 'NodePort traffic'),
  );
  return out;
}

/** The hooked base chains, then the regular chains the fixed rules jump to. */
function baseChains(o: KubeProxyOptions): string[] {
  const { T } = familyWords(o);
  const out: string[] = [];
  for (const [name, type, hook, prio] of BASE_CHAINS)
    out.push(`add chain ${T} ${name} { type ${type} hook ${hook} priority ${prio} ; }`);
  for (const c of [
    'cluster-ips-check',
    'firewall-check',
    'mark-for-masquerade',
    'masquerading',
    'nodeport-endpoints-check',
    'services',
    'service-endpoints-check',
  ])
    out.push(`add chain ${T} ${c}`);
  out.push(
    `add chain ${T} reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }`,
  );
  return out;
}

/** The rules that do not depend on any Service: the jumps, masquerading and the map lookups. */
function fixedRules(o: KubeProxyOptions, n: NftablesOptions, matchAll: boolean): string[] {
  const { T, ipX, noLocalhost } = familyWords(o);
  const out: string[] = [];
  const rule = (chain: string, r: string): string => `add rule ${T} ${chain} ${r}`;
  for (const [src, dst, extra] of JUMPS) out.push(rule(src, `${extra ? `${extra} ` : ''}jump ${dst}`));
  out.push(
    rule('mark-for-masquerade', 'mark set mark or 0x4000'),
    rule('masquerading', 'mark and 0x4000 == 0 return'),
    rule('masquerading', 'mark set mark xor 0x4000'),
    rule('masquerading', 'masquerade fully-random'),
    rule(
      'cluster-ips-check',
      `${ipX} daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"`,
    ),
  );
  if (n.serviceCIDRs)
    out.push(
      rule(
        'cluster-ips-check',
        `${ipX} daddr { ${n.serviceCIDRs} } drop comment "Drop traffic to unallocated ClusterIPs"`,
      ),
    );
  const nodePorts = matchAll ? noLocalhost : `${ipX} daddr @nodeport-ips`;
  out.push(
    rule('nodeport-endpoints-check', `${nodePorts} meta l4proto . th dport vmap @no-endpoint-nodeports`),
    rule('reject-chain', 'reject'),
    rule('service-endpoints-check', `${ipX} daddr . meta l4proto . th dport vmap @no-endpoint-services`),
    rule('firewall-check', `${ipX} daddr . meta l4proto . th dport vmap @firewall-ips`),
    rule('services', `${ipX} daddr . meta l4proto . th dport vmap @service-ips`),
    rule(
      'services',
      `${matchAll ? `fib daddr type local ${noLocalhost}` : `${ipX} daddr @nodeport-ips`} meta l4proto . th dport vmap @service-nodeports`,
    ),
  );
  return out;
}

/** The node's own addresses within --nodeport-addresses, as nodeport-ips elements (never loopback). */
function nodePortIPElements(o: KubeProxyOptions, cidrs: string[]): string[] {
  const { T } = familyWords(o);
  const out: string[] = [];
  for (const ip of o.nodeIPs ?? [o.nodeIP])
    if (!isLoopback(ip) && cidrs.some((c) => (c === 'primary' ? ip === o.nodeIP : inCidr(ip, c))))
      out.push(`add element ${T} nodeport-ips { ${ip} }`);
  return out;
}

/**
 * NewNodePortAddresses(family, ...): the --nodeport-addresses CIDRs of the proxier's family
 * ("primary" stands for the node IP of each); none left (or none given) means every address,
 * even when CIDRs of the other family were given.
 */
function nodePortCIDRs(o: KubeProxyOptions): string[] {
  const want = o.ipFamily ?? 4;
  return (o.nodePortAddresses ?? []).filter((c) => c === 'primary' || familyOf(c.split('/')[0]!) === want);
}

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1';

function inCidr(ip: string, cidr: string): boolean {
  if (familyOf(ip) !== familyOf(cidr.split('/')[0]!)) return false;
  if (familyOf(ip) === 6) {
    const a = parseIp6(ip);
    const c = parseCidr6(cidr);
    return a !== null && c !== null && inPrefix6(a, c.addr, c.len);
  }
  const [net, len] = cidr.split('/');
  const n = (a: string): number => a.split('.').reduce((v, x) => v * 256 + Number(x), 0);
  const size = 2 ** (32 - Number(len ?? 32));
  return Math.floor(n(ip) / size) === Math.floor(n(net ?? '') / size);
}

/** The `nft -f` text kube-proxy's nftables mode loads on node `o.node`. */
export function nftablesModeRuleset(
  services: Service[],
  o: KubeProxyOptions,
  n: NftablesOptions = {},
): string {
  reserveHashes(namesToHash(services));
  const out = baseRules(o, n);
  for (const s of services) for (const p of s.ports) out.push(...servicePort(s, p, o));
  return out.join('\n') + '\n';
}

/** What kube-proxy's nftables mode runs on a node: one `nft -f -` transaction. */
export function nftablesModeWrites(
  services: Service[],
  o: KubeProxyOptions,
  n: NftablesOptions = {},
): ProxyWrites {
  return { commands: [], restore: nftablesModeRuleset(services, o, n), restoreCommand: 'nft -f -' };
}

/** The body of syncProxyRules' loop for one Service port: chains, their rules, then map elements. */
function servicePort(s: Service, p: Service['ports'][number], o: KubeProxyOptions): string[] {
  const x = portPlan(s, p, o);
  return [...portChains(x), ...portRules(x), ...portElements(x)];
}

/** Everything servicePort's three steps derive from one Service port, computed once. */
interface PortPlan {
  s: Service;
  p: Service['ports'][number];
  o: KubeProxyOptions;
  fam: ReturnType<typeof familyWords>;
  proto: string;
  spn: string;
  pol: ReturnType<typeof portPolicy>;
  cat: ReturnType<typeof categorizeEndpoints>;
  svc: string;
  local: string;
  ext: string;
  fw: string;
  epChain: (e: Endpoint) => string;
  affinity: (e: Endpoint) => string;
  rule: (chain: string, r: string) => string;
  elem: (m: string, key: string, verdict?: string, comment?: string) => string;
  internalChain: string;
  hasInternal: boolean;
  externalPolicyChain: string;
  hasExternal: boolean;
  noEps: string;
  usesFw: boolean;
  key: (ip: string) => string;
  affine: boolean;
  usesCluster: boolean;
  usesLocal: boolean;
}

/** The chain names, policies and endpoint categories of one Service port. */
function portPlan(s: Service, p: Service['ports'][number], o: KubeProxyOptions): PortPlan {
  const fam = familyWords(o);
  const { T } = fam;
  const proto = p.protocol.toLowerCase();
  const spn = servicePortName(s, p);
  const pol = portPolicy(s, p);
  const cat = categorizeEndpoints(endpointsOf(s, p, o.node), pol);
  const base = portBase(s, p.name, proto);
  const svc = `service-${base}`;
  const local = `local-${base}`;
  const ext = `external-${base}`;
  const fw = `firewall-${base}`;
  const epChain = (e: Endpoint): string => `endpoint-${endpointBase(s, p.name, proto, e)}`;
  const affinity = (e: Endpoint): string => `affinity-${endpointBase(s, p.name, proto, e)}`;
  const rule = (chain: string, r: string): string => `add rule ${T} ${chain} ${r}`;
  const elem = (m: string, key: string, verdict?: string, comment?: string): string =>
    `add element ${T} ${m} { ${key}${comment ? ` comment ${q(comment)}` : ''}${verdict ? ` : ${verdict}` : ''} }`;
  const internalChain = pol.internalPolicyLocal ? local : svc;
  const hasInternal = cat.hasAny && !(pol.internalPolicyLocal && cat.local.length === 0);
  const externalPolicyChain = pol.externalPolicyLocal ? local : svc;
  const hasExternal = cat.hasAny && !(pol.externalPolicyLocal && cat.local.length === 0);
  const noEps = cat.hasAny ? 'drop' : 'goto reject-chain';
  const usesFw = pol.loadBalancerIPs.length > 0 && (s.loadBalancerSourceRanges ?? []).length > 0;
  const key = (ip: string): string => `${ip} . ${proto} . ${p.port}`;
  const affine = s.sessionAffinity === 'ClientIP';
  const usesCluster = cat.cluster.length > 0 && pol.usesClusterEndpoints;
  const usesLocal = cat.local.length > 0 && pol.usesLocalEndpoints;
  return {
    s,
    p,
    o,
    fam,
    proto,
    spn,
    pol,
    cat,
    svc,
    local,
    ext,
    fw,
    epChain,
    affinity,
    rule,
    elem,
    internalChain,
    hasInternal,
    externalPolicyChain,
    hasExternal,
    noEps,
    usesFw,
    key,
    affine,
    usesCluster,
    usesLocal,
  };
}

/** The port's endpoint chains, affinity sets and service/local chains. */
function portChains(x: PortPlan): string[] {
  const { s, fam, cat, svc, local, epChain, affinity, affine, usesCluster, usesLocal } = x;
  const { T } = fam;
  const out: string[] = [];
  // "Note the endpoint chains that will be used": created first, because the kernel resolves a
  // jump or goto when the rule is added, even inside one batch.
  for (const e of cat.reachable) out.push(`add chain ${T} ${epChain(e)}`);
  if (affine)
    for (const e of cat.reachable)
      out.push(
        `add set ${T} ${affinity(e)} { type ${fam.addr} ; flags dynamic,timeout ; timeout ${s.sessionAffinityTimeout ?? 10800}s ; }`,
      );
  if (usesCluster) out.push(`add chain ${T} ${svc}`);
  if (usesLocal) out.push(`add chain ${T} ${local}`);
  return out;
}

/** The rules of the port's chains: masquerade marks, endpoint picks, external, endpoint and firewall chains. */
function portRules(x: PortPlan): string[] {
  const { s, o, fam, proto, pol, cat, svc, local, ext, fw, epChain, affinity, rule } = x;
  const { internalChain, hasInternal, externalPolicyChain, hasExternal, usesFw, affine } = x;
  const { T, ipX } = fam;
  const out: string[] = [];
  if (hasInternal) {
    const det = detector(o);
    if (o.masqueradeAll)
      out.push(rule(internalChain, `${ipX} daddr ${s.clusterIP} jump mark-for-masquerade`));
    else if (det)
      out.push(rule(internalChain, `${ipX} daddr ${s.clusterIP} ${det.notLocal} jump mark-for-masquerade`));
  }
  if (x.usesCluster) out.push(...toEndpoints(fam, svc, cat.cluster, affine, epChain, affinity));
  if (x.usesLocal) out.push(...toEndpoints(fam, local, cat.local, affine, epChain, affinity));
  if (cat.hasAny && pol.externallyAccessible)
    out.push(
      ...externalChain(fam, o, ext, svc, pol.externalPolicyLocal, hasExternal ? externalPolicyChain : null),
    );
  for (const e of cat.reachable) {
    out.push(rule(epChain(e), `${ipX} saddr ${e.ip} jump mark-for-masquerade`));
    if (affine) out.push(rule(epChain(e), `update @${affinity(e)} { ${ipX} saddr }`));
    out.push(rule(epChain(e), `meta l4proto ${proto} dnat to ${e.key}`));
  }
  if (usesFw) {
    const ranges = (s.loadBalancerSourceRanges ?? []).map((r) => r.trim());
    const sources = [...ranges, ...(ranges.some((r) => inCidr(o.nodeIP, r)) ? pol.loadBalancerIPs : [])];
    out.push(`add chain ${T} ${fw}`, rule(fw, `${ipX} saddr != { ${sources.join(', ')} } drop`));
  }
  return out;
}

/** The port's elements in the shared sets and verdict maps (cluster-ips, service-ips, ...). */
function portElements(x: PortPlan): string[] {
  const {
    s,
    proto,
    spn,
    pol,
    cat,
    ext,
    fw,
    elem,
    internalChain,
    hasInternal,
    hasExternal,
    noEps,
    usesFw,
    key,
  } = x;
  const out: string[] = [];
  out.push(elem('cluster-ips', s.clusterIP));
  if (hasInternal) out.push(elem('service-ips', key(s.clusterIP), `goto ${internalChain}`));
  else
    out.push(elem('no-endpoint-services', key(s.clusterIP), cat.hasAny ? 'drop' : 'goto reject-chain', spn));
  for (const ip of pol.externalIPs) {
    if (cat.hasAny) out.push(elem('service-ips', key(ip), `goto ${ext}`));
    if (!hasExternal) out.push(elem('no-endpoint-services', key(ip), noEps, spn));
  }
  for (const ip of pol.loadBalancerIPs) {
    if (cat.hasAny) out.push(elem('service-ips', key(ip), `goto ${ext}`));
    if (usesFw) out.push(elem('firewall-ips', key(ip), `goto ${fw}`));
  }
  if (!hasExternal)
    for (const ip of pol.loadBalancerIPs) out.push(elem('no-endpoint-services', key(ip), noEps, spn));
  if (pol.nodePort !== 0) {
    if (cat.hasAny) out.push(elem('service-nodeports', `${proto} . ${pol.nodePort}`, `goto ${ext}`));
    if (!hasExternal) out.push(elem('no-endpoint-nodeports', `${proto} . ${pol.nodePort}`, noEps, spn));
  }
  return out;
}

/**
 * The Service's external chain (NodePort, external and load-balancer IPs): masquerade all, or
 * with Local policy short-circuit pod and host traffic to the cluster chain; then the policy
 * chain when it has endpoints (`to`).
 */
function externalChain(
  { T }: Family,
  o: KubeProxyOptions,
  ext: string,
  svc: string,
  policyLocal: boolean,
  to: string | null,
): string[] {
  const rule = (r: string): string => `add rule ${T} ${ext} ${r}`;
  const out = [`add chain ${T} ${ext}`];
  if (!policyLocal) out.push(rule('jump mark-for-masquerade'));
  else {
    const det = detector(o);
    if (det) out.push(rule(`${det.local} goto ${svc} comment "short-circuit pod traffic"`));
    out.push(rule('fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"'));
    out.push(rule(`fib saddr type local goto ${svc} comment "short-circuit local traffic"`));
  }
  if (to) out.push(rule(`goto ${to}`));
  return out;
}

/** writeServiceToEndpointRules: affinity lookups first, then one numgen vmap over the endpoints. */
function toEndpoints(
  { T, ipX }: Family,
  chain: string,
  eps: Endpoint[],
  affine: boolean,
  epChain: (e: Endpoint) => string,
  affinity: (e: Endpoint) => string,
): string[] {
  const out: string[] = [];
  if (affine)
    for (const e of eps) out.push(`add rule ${T} ${chain} ${ipX} saddr @${affinity(e)} goto ${epChain(e)}`);
  const vmap = eps.map((e, i) => `${i} : goto ${epChain(e)}`).join(' , ');
  out.push(`add rule ${T} ${chain} numgen random mod ${eps.length} vmap { ${vmap} }`);
  return out;
}
