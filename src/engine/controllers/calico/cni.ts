/**
 * The Calico CNI plugin, as the runtime calls it for one pod: a netns, a veth whose host
 * side (caliXXXXXXXXXXX) has no address and the MAC ee:ee:ee:ee:ee:ee, proxy ARP on it, and
 * inside the pod a /32 address with a default route via 169.254.1.1, an address that
 * exists nowhere: the host side answers the ARP for it by proxy, so the pod's gateway MAC is
 * ee:ee:ee:ee:ee:ee while the pod's own MAC stays its own.
 *
 * With an IPv6 address too (dual-stack, cni-plugin/pkg/dataplane/linux/dataplane_linux.go):
 * no DAD on either end (a point-to-point link), proxy_ndp and IPv6 forwarding on the host
 * side, router advertisements ignored there, and the pod's IPv6 default route via the host
 * side's own link-local address, fe80::ecee:eeff:feee:eeee, which the kernel derives from
 * ee:ee:ee:ee:ee:ee (EUI-64) once the veth is up. That address is real, so the host answers
 * the pod's neighbour solicitation for it itself; proxy_ndp has no proxy entry to act on.
 */
import { formatIp } from '../../net/ipv4';
import { formatIp6, linkLocalFromMac } from '../../net/ipv6';
import { CalicoError } from './errors';
import { caliName } from './names';

export const HOST_VETH_MAC = 'ee:ee:ee:ee:ee:ee';
export const GATEWAY = '169.254.1.1';
/** hostSideMACAsIPv6LL: the pod's IPv6 gateway, the host side's EUI-64 link-local address. */
export const GATEWAY6 = formatIp6(linkLocalFromMac(HOST_VETH_MAC));

export type CalicoExec = (line: string, origin: string, by: string) => { ok: boolean; output: string };

export { CalicoError };

export interface CniPod {
  name: string;
  namespace: string;
  ip: number;
  /** The pod's IPv6 address, when the world is dual-stack. */
  ip6?: bigint;
  mtu?: number;
}

/** Runs the plugin's ADD for one pod; returns the host-side veth name. */
export function calicoCniAdd(machine: string, pod: CniPod, exec: CalicoExec): string {
  const veth = caliName(pod.name, pod.namespace);
  const origin = `calico CNI on ${machine}, for pod ${pod.name}`;
  const must = (line: string, who = origin, by = 'calico-cni'): void => {
    const r = exec(line, who, by);
    if (!r.ok) throw new CalicoError(`${line}: ${r.output}`);
  };
  must(`ip netns add ${pod.name}`, `container runtime, for pod ${pod.name}`, 'container runtime');
  must(`ip link add ${veth} address ${HOST_VETH_MAC} type veth peer name eth0 netns ${pod.name}`);
  if (pod.mtu) {
    must(`ip link set ${veth} mtu ${pod.mtu}`);
    must(`ip netns exec ${pod.name} ip link set eth0 mtu ${pod.mtu}`);
  }
  // disableDAD: before the links come up, or the pod's addresses would wait for DAD.
  if (pod.ip6 !== undefined) must(`ip netns exec ${pod.name} sysctl -w net.ipv6.conf.eth0.accept_dad=0`);
  must(`sysctl -w net.ipv4.conf.${veth}.proxy_arp=1`);
  must(`sysctl -w net.ipv4.neigh.${veth}.proxy_delay=0`);
  must(`sysctl -w net.ipv4.conf.${veth}.forwarding=1`);
  if (pod.ip6 !== undefined) {
    must(`sysctl -w net.ipv6.conf.${veth}.accept_dad=0`);
    must(`sysctl -w net.ipv6.conf.${veth}.disable_ipv6=0`);
    must(`sysctl -w net.ipv6.conf.${veth}.proxy_ndp=1`);
    must(`sysctl -w net.ipv6.conf.${veth}.forwarding=1`);
    must(`sysctl -w net.ipv6.conf.${veth}.accept_ra=0`);
  }
  must(`ip link set ${veth} up`);
  must(`ip netns exec ${pod.name} ip link set lo up`);
  must(`ip netns exec ${pod.name} ip addr add ${formatIp(pod.ip)}/32 dev eth0`);
  must(`ip netns exec ${pod.name} ip link set eth0 up`);
  must(`ip netns exec ${pod.name} ip route add ${GATEWAY} dev eth0 scope link`);
  must(`ip netns exec ${pod.name} ip route add default via ${GATEWAY} dev eth0`);
  if (pod.ip6 !== undefined) {
    must(`ip netns exec ${pod.name} ip -6 route add default via ${GATEWAY6} dev eth0`);
    must(`ip netns exec ${pod.name} ip -6 addr add ${formatIp6(pod.ip6)}/128 dev eth0`);
  }
  return veth;
}
