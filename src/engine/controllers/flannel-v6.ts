/**
 * flannel's IPv6 half (EnableIPv6, dual-stack): the IPv6Network config (pkg/subnet/config.go),
 * a second lease subnet kept in the same etcd key (`10.244.1.0-24&fd00:10:244:1::-64`,
 * pkg/subnet/subnet.go MakeSubnetKey), and what each backend programs for it: the vxlan
 * backend's second device flannel-v6.<VNI>, whose underlay is IPv6 between the nodes'
 * PublicIPv6 addresses (pkg/backend/vxlan/vxlan.go createVXLANDevice, device.go,
 * vxlan_network.go handleSubnetEvents), and host-gw's routes via the peer's PublicIPv6.
 */
import { formatIp6, inPrefix6, maskOf6, networkOf6, parseCidr6, parseIp6 } from '../net/ipv6';
import type { Device } from '../kernel/device';
import { ConfigError } from './flanneld';

export interface Net6 {
  addr: bigint;
  len: number;
}

export interface Network6Config {
  network: Net6;
  subnetLen: number;
  subnetMin: bigint;
  subnetMax: bigint;
}

/** The IPv6 part of a lease: its subnet, the node's PublicIPv6 and flannel-v6.N's MAC. */
export interface Lease6 {
  subnet: Net6;
  publicIp: bigint;
  vtepMac?: string;
}

export const subnet6Text = (s: Net6): string => `${formatIp6(s.addr)}/${s.len}`;
/** IP6Net.StringSep(":", "-"): the key's IPv6 half. */
export const subnet6KeyPart = (s: Net6): string => `${formatIp6(s.addr)}-${s.len}`;

/**
 * CheckNetworkConfig's IPv6 branch: IPv6SubnetLen defaults to 64 when the network is a /62 or
 * larger, else to its prefix + 2; IPv6SubnetMin skips the first subnet, IPv6SubnetMax is the
 * last. Undefined when EnableIPv6 is not set. Messages are flannel's.
 */
export function parseNetwork6Config(j: Record<string, unknown>): Network6Config | undefined {
  if (j.EnableIPv6 !== true) return undefined;
  const net = typeof j.IPv6Network === 'string' ? parseCidr6(j.IPv6Network, true) : null;
  if (!net) throw new ConfigError('please define a correct IPv6Network parameter in the flannel config');
  const network = { addr: networkOf6(net.addr, net.len), len: net.len };
  const subnetLen = subnet6Len(j.IPv6SubnetLen, network.len);
  const size = 1n << BigInt(128 - subnetLen);
  const bound = (k: string): bigint | undefined => {
    const v = j[k];
    if (v === undefined) return undefined;
    const a = typeof v === 'string' ? parseIp6(v) : null;
    if (a === null || !inPrefix6(a, network.addr, network.len))
      throw new ConfigError(`${k} is not in the range of the IPv6Network`);
    if ((a & maskOf6(subnetLen)) !== a)
      throw new ConfigError(`${k} is not on a SubnetLen boundary: ${formatIp6(a)}`);
    return a;
  };
  const next = network.addr + (1n << BigInt(128 - network.len));
  return {
    network,
    subnetLen,
    subnetMin: bound('IPv6SubnetMin') ?? network.addr + size,
    subnetMax: bound('IPv6SubnetMax') ?? next - size,
  };
}

function subnet6Len(v: unknown, netLen: number): number {
  if (v === undefined || v === 0) {
    if (netLen > 124)
      throw new ConfigError('IPv6Network is too small. Minimum useful network prefix is /124');
    return netLen <= 62 ? 64 : netLen + 2;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ConfigError('IPv6SubnetLen is not a number');
  if (v > 126) throw new ConfigError('SubnetLen must be less than /127');
  if (v < netLen + 2) throw new ConfigError('network must be able to accommodate at least four subnets');
  return v;
}

/**
 * allocateSubnet's IPv6 half: the first 100 free subnets from IPv6SubnetMin, then one of them
 * (`pick` stands in for flannel's randInt). A pinned subnet (subnet.env's FLANNEL_IPV6_SUBNET)
 * is taken when nobody holds it.
 */
export function chooseSubnet6(
  cfg: Network6Config,
  taken: Net6[],
  pinned: string | undefined,
  pick: (n: number) => number,
): Net6 {
  const overlaps = (s: Net6): boolean => taken.some((t) => inPrefix6(s.addr, t.addr, Math.min(s.len, t.len)));
  if (pinned !== undefined) {
    const c = parseCidr6(pinned, true);
    if (!c || c.len !== cfg.subnetLen || !inPrefix6(c.addr, cfg.network.addr, cfg.network.len))
      throw new ConfigError(`subnet6 ${pinned} is not a /${cfg.subnetLen} of ${subnet6Text(cfg.network)}`);
    const s = { addr: networkOf6(c.addr, c.len), len: c.len };
    if (!overlaps(s)) return s;
  }
  const size = 1n << BigInt(128 - cfg.subnetLen);
  const free: bigint[] = [];
  for (let a = cfg.subnetMin; a <= cfg.subnetMax && free.length < 100; a += size)
    if (!overlaps({ addr: a, len: cfg.subnetLen })) free.push(a);
  if (free.length === 0) throw new ConfigError('failed to acquire lease: out of subnets');
  return { addr: free[pick(free.length)]!, len: cfg.subnetLen };
}

/**
 * The address flannel takes as PublicIPv6: GetInterfaceIP6Addrs sorts global addresses before
 * link-local ones and ipmatch takes the first.
 */
export function publicIp6(dev: Device): bigint {
  const a = dev.addrs6.find((x) => x.scope === 'global') ?? dev.addrs6.find((x) => x.scope === 'link');
  if (!a) throw new ConfigError(`failed to find IPv6 address for interface ${dev.name}`);
  return a.addr;
}

/** A lease value's IPv6 fields, parsed from its key's `&` half and PublicIPv6/BackendV6Data. */
export function parseLease6(keyPart: string | undefined, j: Record<string, unknown>): Lease6 | undefined {
  if (!keyPart) return undefined;
  const m = /^([0-9a-f:]+)-(\d+)$/.exec(keyPart);
  const net = m ? parseCidr6(`${m[1]}/${m[2]}`, true) : null;
  const pub = typeof j.PublicIPv6 === 'string' ? parseIp6(j.PublicIPv6) : null;
  if (!net || pub === null) return undefined;
  const data = j.BackendV6Data as { VtepMAC?: string } | undefined;
  return { subnet: net, publicIp: pub, ...(data?.VtepMAC ? { vtepMac: data.VtepMAC } : {}) };
}

/** Runs one command as flanneld; false when it failed (flanneld logs and goes on). */
export type Run6 = (line: string) => boolean;

/**
 * createVXLANDevice's second device and ConfigureIPv6: flannel-v6.N with the extIface's MTU less
 * 50 (the kernel lowers it to its IPv6 cap, the lower MTU less 70) and the lease's first address
 * as a /128. flannel also writes accept_ra=0 for it through /proc; no router advertises here.
 */
export function setupVxlan6(
  run: Run6,
  o: { vni: number; port: number; iface: Device; pub: bigint; subnet: Net6; mac?: string },
): string {
  const name = `flannel-v6.${o.vni}`;
  const mac = o.mac ? ` address ${o.mac}` : '';
  run(
    `ip link add ${name}${mac} mtu ${o.iface.mtu - 50} type vxlan id ${o.vni} local ${formatIp6(o.pub)} dev ${o.iface.name} nolearning dstport ${o.port}`,
  );
  run(`ip -6 addr add ${formatIp6(o.subnet.addr)}/128 dev ${name}`);
  run(`ip link set ${name} up`);
  return name;
}

/**
 * handleSubnetEvents for a peer's IPv6 lease: host-gw (or vxlan with DirectRouting to a
 * gatewayless peer) routes via its PublicIPv6; vxlan writes AddV6ARP, AddV6FDB, then the
 * onlink route, in that order ("the kernel would ARP for the Gw IP address if it hadn't
 * already been set above so make sure this is done last").
 */
export function programPeer6(run: Run6, l: Lease6, o: { direct: boolean; iface: string; vni: number }): void {
  const net = subnet6Text(l.subnet);
  if (o.direct) {
    run(`ip -6 route replace ${net} via ${formatIp6(l.publicIp)} dev ${o.iface}`);
    return;
  }
  if (!l.vtepMac) return;
  const v = `flannel-v6.${o.vni}`;
  const gw = formatIp6(l.subnet.addr);
  run(`ip -6 neigh replace ${gw} lladdr ${l.vtepMac} dev ${v} nud permanent`);
  run(`bridge fdb replace ${l.vtepMac} dev ${v} dst ${formatIp6(l.publicIp)}`);
  run(`ip -6 route replace ${net} via ${gw} dev ${v} onlink`);
}

/** The lease went away: the route, and for vxlan the neighbour and FDB entries. */
export function unprogramPeer6(run: Run6, l: Lease6, o: { direct: boolean; vni: number }): void {
  run(`ip -6 route del ${subnet6Text(l.subnet)}`);
  if (o.direct || !l.vtepMac) return;
  const v = `flannel-v6.${o.vni}`;
  run(`ip -6 neigh del ${formatIp6(l.subnet.addr)} dev ${v}`);
  run(`bridge fdb del ${l.vtepMac} dev ${v} dst ${formatIp6(l.publicIp)}`);
}
