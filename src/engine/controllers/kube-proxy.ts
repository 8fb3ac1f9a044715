/**
 * kube-proxy as a controller: it turns Services and their endpoints into kernel state,
 * in one of its three modes, through the commands a learner could type:
 * - iptables: the KUBE-SERVICES / KUBE-SVC-* / KUBE-SEP-* chains as kube-proxy writes them,
 *   with `-m statistic --mode random` odds and hash-derived chain names;
 * - ipvs: the ClusterIPs on the dummy kube-ipvs0, a virtual server per port with its real
 *   servers, and the ipset-based iptables rules IPVS mode still needs for masquerade;
 * - nftables: one `ip kube-proxy` table of sets, verdict maps and chains, loaded with `nft -f -`;
 * - userspace: REDIRECT/DNAT rules to a port kube-proxy itself listens on, and a proxy
 *   process that opens its own connection to an endpoint.
 */
import { formatIp, maskOf, parseCidr } from '../net/ipv4';
import { base32, sha256 } from '../util/sha256';

export type ProxyMode = 'iptables' | 'ipvs' | 'nftables' | 'userspace';

export interface ServicePort {
  name: string;
  port: number;
  targetPort: number;
  protocol: 'TCP' | 'UDP';
  nodePort?: number;
  /** userspace mode: the port kube-proxy listens on for this service port. */
  proxyPort?: number;
}

/**
 * One endpoint of an EndpointSlice. The conditions default as the API does: ready unset
 * means ready, serving unset means "same as ready", terminating unset means false.
 */
export interface ServiceEndpoint {
  ip: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface Service {
  name: string;
  namespace: string;
  /** "None" for a headless Service (DNS answers with its endpoints; kube-proxy skips it). */
  clusterIP: string;
  /** spec.clusterIPs: the primary (clusterIP) first, then at most one of the other family. */
  clusterIPs?: string[];
  ipFamilies?: ('IPv4' | 'IPv6')[];
  ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  /** spec.externalName of a type ExternalName Service: DNS answers with a CNAME to it. */
  externalName?: string;
  externalTrafficPolicy: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
  externalIPs?: string[];
  /** status.loadBalancer.ingress[].ip */
  loadBalancerIPs?: string[];
  loadBalancerSourceRanges?: string[];
  healthCheckNodePort?: number;
  sessionAffinity?: 'None' | 'ClientIP';
  /** sessionAffinityConfig.clientIP.timeoutSeconds (10800 by default, as the API defaults it). */
  sessionAffinityTimeout?: number;
  ports: ServicePort[];
  endpoints: ServiceEndpoint[];
}

/** --detect-local-mode and what it needs: how kube-proxy tells pod traffic from the rest. */
export type DetectLocal =
  | { mode: 'ClusterCIDR'; cidr: string }
  | { mode: 'NodeCIDR'; cidr: string }
  | { mode: 'BridgeInterface'; bridge: string }
  | { mode: 'InterfaceNamePrefix'; prefix: string };

export interface KubeProxyOptions {
  mode: ProxyMode;
  /** The family this proxier writes rules for (iptables for 4, ip6tables for 6); 4 unless said. */
  ipFamily?: 4 | 6;
  /** --cluster-cidr (detect-local mode ClusterCIDR): one CIDR, or one of each family, comma-separated. */
  clusterCIDR?: string;
  /** --detect-local-mode with its argument; overrides clusterCIDR when set. */
  detectLocal?: DetectLocal;
  /** The node's own address (userspace mode DNATs host traffic to it). */
  nodeIP: string;
  /** Every address of the node (for --nodeport-addresses). */
  nodeIPs?: string[];
  node: string;
  /** --masquerade-all */
  masqueradeAll?: boolean;
  /** --nodeport-addresses: CIDRs; unset or empty means every local address. */
  nodePortAddresses?: string[];
  /** --iptables-localhost-nodeports (default true). */
  localhostNodePorts?: boolean;
  /** Whether iptables supports --random-fully (every iptables since 1.6.2 does). */
  randomFully?: boolean;
  /** Whether nfacct counters could be created (kube-proxy adds -m nfacct matches then). */
  nfacct?: boolean;
  /**
   * --conntrack-tcp-be-liberal: nf_conntrack_tcp_be_liberal is set, so conntrack no longer
   * marks out-of-window TCP packets INVALID and iptables mode writes no INVALID drop.
   */
  conntrackTCPLiberal?: boolean;
}

/** "namespace/name:port" as kube-proxy prints a ServicePortName. */
export function servicePortName(s: Service, p: ServicePort): string {
  return `${s.namespace}/${s.name}${p.name ? `:${p.name}` : ''}`;
}

/**
 * base32(sha256(input))[:16], remembered: every node and every sync hashes the same names
 * again (a pure function). The memory holds what the largest rule set written needs, twice
 * over (two proxy modes, or a sync that renames): a fixed cap smaller than one sync's names
 * would be emptied in every sync and never hit.
 */
const hashes = new Map<string, string>();
let hashCapacity = 50_000;

/** A rule set is about to hash `names` names: keep room for them all. */
export function reserveHashes(names: number): void {
  hashCapacity = Math.max(hashCapacity, 2 * names);
}

/** The names a mode hashes for these Services: one per Service port, one per port's endpoint. */
export function namesToHash(services: readonly Service[]): number {
  let n = 0;
  for (const s of services) n += s.ports.length * (1 + s.endpoints.length);
  return n;
}

export function hashName(input: string): string {
  let h = hashes.get(input);
  if (h === undefined) {
    if (hashes.size >= hashCapacity) hashes.clear();
    h = base32(sha256(input)).slice(0, 16);
    hashes.set(input, h);
  }
  return h;
}

/** kube-proxy's portProtoHash: base32(sha256(servicePortName + protocol))[:16]. */
export function portProtoHash(spn: string, protocol: string): string {
  return hashName(spn + protocol.toLowerCase());
}

export const svcChain = (spn: string, proto: string): string => `KUBE-SVC-${portProtoHash(spn, proto)}`;
export const extChain = (spn: string, proto: string): string => `KUBE-EXT-${portProtoHash(spn, proto)}`;
export const fwChain = (spn: string, proto: string): string => `KUBE-FW-${portProtoHash(spn, proto)}`;
export const svlChain = (spn: string, proto: string): string => `KUBE-SVL-${portProtoHash(spn, proto)}`;
/** servicePortEndpointChainName: base32(sha256(servicePortName + protocol + endpoint))[:16]. */
export const sepChain = (spn: string, proto: string, endpoint: string): string =>
  `KUBE-SEP-${hashName(spn + proto.toLowerCase() + endpoint)}`;

const q = (s: string): string => `"${s}"`;

/**
 * What kube-proxy writes on a node: a few commands, then (when `restore` is set) one
 * `iptables-restore --noflush --counters` batch with that text on its stdin.
 */
export interface ProxyWrites {
  commands: string[];
  /**
   * Batches run after `commands`, each one command reading its lines on stdin (IPVS mode's
   * netlink writes as `ip -batch -` and `ipvsadm -R`, its set members as `ipset restore`):
   * one setup entry however many Services.
   */
  batches?: { command: string; stdin: string }[];
  restore?: string;
  /** The command that reads `restore` on stdin (iptables-restore unless said otherwise). */
  restoreCommand?: string;
}

/** The command that loads `ProxyWrites.restore`, as kube-proxy runs it. */
export const RESTORE_COMMAND = 'iptables-restore --noflush --counters';

/** userspace mode: REDIRECT for traffic from containers, DNAT for the host's own, to kube-proxy's port. */
export function userspaceModeWrites(services: Service[], o: KubeProxyOptions): ProxyWrites {
  const out = ['iptables -t nat -N KUBE-PORTALS-CONTAINER', 'iptables -t nat -N KUBE-PORTALS-HOST'];
  const note = q('handle ClusterIPs; NOTE: this must be before the NodePort rules');
  out.push(`iptables -t nat -A PREROUTING -m comment --comment ${note} -j KUBE-PORTALS-CONTAINER`);
  out.push(`iptables -t nat -A OUTPUT -m comment --comment ${note} -j KUBE-PORTALS-HOST`);
  for (const s of services) {
    for (const p of s.ports) {
      if (p.proxyPort === undefined) continue;
      const proto = p.protocol.toLowerCase();
      const c = q(`${s.namespace}/${s.name}:${p.name === 'default' ? '' : p.name}`);
      out.push(
        `iptables -t nat -A KUBE-PORTALS-CONTAINER -d ${s.clusterIP}/32 -p ${proto} -m comment --comment ${c} -m ${proto} --dport ${p.port} -j REDIRECT --to-ports ${p.proxyPort}`,
      );
      out.push(
        `iptables -t nat -A KUBE-PORTALS-HOST -d ${s.clusterIP}/32 -p ${proto} -m comment --comment ${c} -m ${proto} --dport ${p.port} -j DNAT --to-destination ${o.nodeIP}:${p.proxyPort}`,
      );
    }
  }
  return { commands: out };
}

/**
 * kube-proxy's ShouldSkipService (pkg/proxy/util): a Service without a cluster IP (headless,
 * "None") or of type ExternalName gets no proxy rules; only DNS serves it.
 */
export function proxiedServices(services: readonly Service[]): Service[] {
  return services.filter((s) => s.clusterIP !== 'None' && s.clusterIP !== '' && s.type !== 'ExternalName');
}

export type IpFamily = 4 | 6;

export const familyOf = (ip: string): IpFamily => (ip.includes(':') ? 6 : 4);

/**
 * Is `s` an IPv4 address as Go prints one (four decimal octets up to 255, no leading zeros)?
 * Such text reads back as itself, so the common case needs no split (10,000 Services have
 * 40,000 addresses to read on every node).
 */
function canonicalIp4(s: string): boolean {
  let dots = 0;
  let digits = 0;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return false;
      digits = 0;
      v = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && v === 0) return false;
      v = v * 10 + c - 48;
      if (++digits > 3 || v > 255) return false;
    } else return false;
  }
  return dots === 3 && digits > 0;
}

/**
 * netutils.ParseIPSloppy(s).String() for an IPv4 address: the parser Go had before 1.17,
 * which reads an octet with leading zeros as decimal ("172.30.0.041" is 172.30.0.41); null
 * when it is no address. IPv6 text is passed through as written.
 */
export function sloppyIp(s: string): string | null {
  if (canonicalIp4(s)) return s;
  if (s.includes(':')) return s;
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d+$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number).join('.');
}

/**
 * MapCIDRsByIPFamily's reading of a loadBalancerSourceRanges entry: spaces trimmed,
 * ParseCIDRSloppy, and the network printed back (IPNet.String() clears the host bits); null
 * when it is no CIDR.
 */
export function sloppyCidr(raw: string): string | null {
  const s = raw.trim();
  if (s.includes(':')) return s;
  const [ip, len, extra] = s.split('/');
  const addr = sloppyIp(ip ?? '');
  if (addr === null || extra !== undefined || !/^\d+$/.test(len ?? '') || Number(len) > 32) return null;
  const net = parseCidr(`${addr}/32`)!.addr & maskOf(Number(len));
  return `${formatIp(net)}/${Number(len)}`;
}

/**
 * What one family's proxier sees of the Services (kube-proxy runs an IPv4 and an IPv6
 * proxier side by side): ServiceChangeTracker keeps a Service only when it has a clusterIP of
 * the family (GetClusterIPByFamily) and drops external and load-balancer IPs of the other
 * family; the EndpointsChangeTracker reads only the EndpointSlices whose addressType is the
 * family's. Both parse what they keep (ParseIPSloppy, ParseCIDRSloppy) and the rules print the
 * parsed value, so "10.180.00.001" is written 10.180.0.1; an external or load-balancer IP or a
 * source range that does not parse is skipped (MapIPsByIPFamily, MapCIDRsByIPFamily).
 */
export function familyView(services: readonly Service[], family: IpFamily): Service[] {
  const mine = (ip: string): boolean => familyOf(ip) === family;
  const ips = (list: string[]): string[] => list.filter(mine).flatMap((ip) => sloppyIp(ip) ?? []);
  const out: Service[] = [];
  for (const s of services) {
    const clusterIP = (s.clusterIPs ?? [s.clusterIP]).find(mine);
    if (clusterIP === undefined) continue;
    out.push({
      ...s,
      clusterIP: sloppyIp(clusterIP) ?? clusterIP,
      ...(s.externalIPs ? { externalIPs: ips(s.externalIPs) } : {}),
      ...(s.loadBalancerIPs ? { loadBalancerIPs: ips(s.loadBalancerIPs) } : {}),
      ...(s.loadBalancerSourceRanges
        ? {
            loadBalancerSourceRanges: s.loadBalancerSourceRanges
              .filter((c) => mine(c.trim().split('/')[0]!))
              .flatMap((c) => sloppyCidr(c) ?? []),
          }
        : {}),
      endpoints: s.endpoints.filter((e) => mine(e.ip)).map((e) => ({ ...e, ip: sloppyIp(e.ip) ?? e.ip })),
    });
  }
  return out;
}

/**
 * The detector of one family's proxier (getLocalDetectors): --cluster-cidr and the node's
 * podCIDRs may hold one CIDR of each family, and each proxier takes its own; none when its
 * family has no CIDR.
 */
export function detectLocalOf(o: KubeProxyOptions): DetectLocal | undefined {
  const want = o.ipFamily ?? 4;
  const ofFamily = (list: string): string | undefined =>
    list
      .split(',')
      .map((c) => c.trim())
      .find((c) => c !== '' && familyOf(c.split('/')[0]!) === want);
  const d: DetectLocal | undefined =
    o.detectLocal ?? (o.clusterCIDR ? { mode: 'ClusterCIDR', cidr: o.clusterCIDR } : undefined);
  if (d?.mode !== 'ClusterCIDR' && d?.mode !== 'NodeCIDR') return d;
  const cidr = ofFamily(d.cidr);
  return cidr === undefined ? undefined : { mode: d.mode, cidr };
}

/** net.JoinHostPort: an IPv6 address goes in brackets (Endpoint.String(), the DNAT target). */
export const joinHostPort = (ip: string, port: number): string =>
  ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;

export function validIp(s: string): boolean {
  return parseCidr(`${s}/32`) !== null;
}
