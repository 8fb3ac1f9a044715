/**
 * The Calico CNI plugin, as the runtime calls it for one pod: a netns, a veth whose host
 * side (caliXXXXXXXXXXX) has no address and the MAC ee:ee:ee:ee:ee:ee, proxy ARP on it, and
 * inside the pod a /32 address with a default route via 169.254.1.1, an address that
 * exists nowhere: the host side answers the ARP for it by proxy, so the pod's gateway MAC is
 * ee:ee:ee:ee:ee:ee while the pod's own MAC stays its own.
 */
import { formatIp } from '../../net/ipv4';
import { CalicoError } from './errors';
import { caliName } from './names';

export const HOST_VETH_MAC = 'ee:ee:ee:ee:ee:ee';
export const GATEWAY = '169.254.1.1';

export type CalicoExec = (line: string, origin: string, by: string) => { ok: boolean; output: string };

export { CalicoError };

export interface CniPod {
  name: string;
  namespace: string;
  ip: number;
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
  must(`sysctl -w net.ipv4.conf.${veth}.proxy_arp=1`);
  must(`sysctl -w net.ipv4.neigh.${veth}.proxy_delay=0`);
  must(`sysctl -w net.ipv4.conf.${veth}.forwarding=1`);
  must(`ip link set ${veth} up`);
  must(`ip netns exec ${pod.name} ip link set lo up`);
  must(`ip netns exec ${pod.name} ip addr add ${formatIp(pod.ip)}/32 dev eth0`);
  must(`ip netns exec ${pod.name} ip link set eth0 up`);
  must(`ip netns exec ${pod.name} ip route add ${GATEWAY} dev eth0 scope link`);
  must(`ip netns exec ${pod.name} ip route add default via ${GATEWAY} dev eth0`);
  return veth;
}
