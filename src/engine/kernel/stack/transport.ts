/** Sending TCP segments and UDP datagrams from a socket: build the headers, route, hand to ip_local_out. */
import { formatIp } from '../../net/ipv4';
import { IPPROTO_TCP, IPPROTO_UDP, type Layer } from '../../net/layers';
import type { Netns } from '../netns';
import type { Skb } from '../skb';
import { ipLocalOut, routeOutput, type RouteResult } from './output';

export interface FourTuple {
  local: number;
  lport: number;
  remote: number;
  rport: number;
}

export function sendL4(
  ns: Netns,
  t: FourTuple,
  l4: Layer,
  payload: number,
  who: string,
  /** Headers carried inside the datagram (a tunnelled packet, e.g. flannel's UDP backend). */
  inner: Layer[] = [],
): RouteResult {
  const res = routeOutput(ns, t.remote, { src: t.local || undefined });
  if (!res.ok) return res;
  const protocol = l4.proto === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP;
  const skb: Skb = {
    id: ns.world.nextPacketId(),
    layers: [
      {
        proto: 'ipv4',
        src: formatIp(res.src),
        dst: formatIp(t.remote),
        ttl: ns.sysctl.get('net.ipv4.ip_default_ttl'),
        protocol,
        id: ns.nextIpId(),
        // TCP sockets do path-MTU discovery (IP_PMTUDISC_WANT): DF is set.
        df: l4.proto === 'tcp',
        tos: 0,
      },
      l4,
      ...inner,
    ],
    payload,
    mark: 0,
  };
  ipLocalOut(ns, skb, res, who);
  return res;
}
