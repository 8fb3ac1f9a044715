/**
 * The CNI bridge plugin (with host-local IPAM), as the container runtime calls it for
 * each pod: make sure the bridge exists with the gateway address, then give the pod a
 * netns, a veth pair with one end on the bridge, an address and a default route.
 * Everything is done with the commands a learner could type.
 */
import { formatIp, parseCidr } from '../net/ipv4';
import { formatIp6, networkOf6, parseCidr6 } from '../net/ipv6';
import { UserError } from '../util/errors';

export interface CniBridgeOptions {
  bridge: string;
  /** The node's pod subnet; the bridge gets its first address as the pods' gateway. */
  subnet: string;
  /** Dual-stack: the node's IPv6 pod subnet, a second host-local range (gateway ::1, pods from ::2). */
  subnet6?: string;
  mtu?: number;
  /** hairpinMode: a pod may reach itself through a Service (its frames may come back out its own port). */
  hairpin?: boolean;
  pods: { name: string; ip?: string }[];
}

export type Exec = (line: string, origin: string) => { ok: boolean; output: string };

/** The host-side name the plugin gives a pod's veth: "veth" and 8 hex digits, stable per pod. */
export function vethName(pod: string): string {
  let h = 2166136261;
  for (const c of pod) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return `veth${h.toString(16).padStart(8, '0')}`;
}

/** A locally administered MAC, stable per machine and bridge (FNV-1a of the two names). */
function bridgeMac(machine: string, bridge: string): string {
  let h = 2166136261;
  for (const c of `${machine}/${bridge}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  const b = [0x0a, 0x58, h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

export class CniError extends UserError {
  constructor(message: string) {
    super('scenario', message);
    this.name = 'CniError';
  }
}

export function runCniBridge(machine: string, o: CniBridgeOptions, exec: Exec): void {
  const net = parseCidr(o.subnet);
  if (!net) throw new CniError(`invalid subnet ${o.subnet}`);
  const base = (net.addr & ~((1 << (32 - net.len)) - 1)) >>> 0;
  const gw = formatIp(base + 1);
  const len = net.len;
  const origin = (what: string): string => `bridge CNI on ${machine}, ${what}`;
  const must = (line: string, why: string): void => {
    const r = exec(line, origin(why));
    if (!r.ok) throw new CniError(`${line}: ${r.output}`);
  };
  const bridgeWhy = `for bridge ${o.bridge}`;
  must(`ip link add ${o.bridge} type bridge`, bridgeWhy);
  if (o.mtu) must(`ip link set ${o.bridge} mtu ${o.mtu}`, bridgeWhy);
  must(`ip addr add ${gw}/${len} dev ${o.bridge}`, bridgeWhy);
  const v6 = o.subnet6 === undefined ? undefined : range6(o.subnet6);
  if (v6) {
    must(`ip -6 addr add ${formatIp6(v6.base + 1n)}/${v6.len} dev ${o.bridge}`, bridgeWhy);
    // The gateway forwards IPv6 too: the plugin's enableIPForward writes conf/all/forwarding.
    must('sysctl -w net.ipv6.conf.all.forwarding=1', bridgeWhy);
    // ensureAddr sets the bridge's MAC to itself ("otherwise, the bridge will take the
    // lowest-numbered mac on the bridge, and will change as ifs churn"). The plugin's bridge
    // drew that MAC at random; here it is a stable one, set before the bridge comes up, so the
    // link-local address the kernel derives from it at NETDEV_UP is the same on every run.
    must(`ip link set ${o.bridge} address ${bridgeMac(machine, o.bridge)}`, bridgeWhy);
  }
  must(`ip link set ${o.bridge} up`, bridgeWhy);
  // host-local IPAM hands out addresses in order from the subnet's .2.
  let next = base + 2;
  for (const p of o.pods) {
    const ip = p.ip ?? formatIp(next);
    if (!p.ip) next++;
    const why = `for pod ${p.name}`;
    const veth = vethName(p.name);
    must(`ip netns add ${p.name}`, `container runtime, for pod ${p.name}`);
    must(`ip link add ${veth} type veth peer name eth0 netns ${p.name}`, why);
    if (o.mtu) {
      must(`ip link set ${veth} mtu ${o.mtu}`, why);
      must(`ip netns exec ${p.name} ip link set eth0 mtu ${o.mtu}`, why);
    }
    must(`ip link set ${veth} master ${o.bridge}`, why);
    if (o.hairpin) must(`bridge link set dev ${veth} hairpin on`, why);
    must(`ip link set ${veth} up`, why);
    must(`ip netns exec ${p.name} ip link set lo up`, why);
    must(`ip netns exec ${p.name} ip addr add ${ip}/${len} dev eth0`, why);
    if (v6)
      must(
        `ip netns exec ${p.name} ip -6 addr add ${formatIp6(v6.base + v6.next++)}/${v6.len} dev eth0`,
        why,
      );
    must(`ip netns exec ${p.name} ip link set eth0 up`, why);
    must(`ip netns exec ${p.name} ip route add default via ${gw}`, why);
    if (v6) must(`ip netns exec ${p.name} ip -6 route add default via ${formatIp6(v6.base + 1n)}`, why);
  }
}

/** host-local's IPv6 range: the subnet's network address, and the next address to hand out (::2). */
function range6(subnet: string): { base: bigint; len: number; next: bigint } {
  const net = parseCidr6(subnet, true);
  if (!net) throw new CniError(`invalid subnet ${subnet}`);
  return { base: networkOf6(net.addr, net.len), len: net.len, next: 2n };
}
