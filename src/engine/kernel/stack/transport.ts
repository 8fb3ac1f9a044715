/** Sending TCP segments and UDP datagrams from a socket: build the headers, route, hand to ip_local_out. */
import { formatIp } from '../../net/ipv4';
import { IPPROTO_TCP, IPPROTO_UDP, type Ipv4Layer, type Layer } from '../../net/layers';
import { ipLength } from '../../net/encode';
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
  /** A conntrack entry the packet starts with (nf_ct_attach: a REJECT's reset). */
  ct?: Skb['ct'],
  /** The socket's IP_MTU_DISCOVER: IP_PMTUDISC_OMIT sends UDP with DF clear (BIND's tools). */
  pmtudisc: 'want' | 'omit' = 'want',
): RouteResult {
  const res = routeOutput(ns, t.remote, { src: t.local || undefined });
  if (!res.ok) return res;
  const protocol = l4.proto === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP;
  const ip: Ipv4Layer = {
    proto: 'ipv4',
    src: formatIp(res.src),
    dst: formatIp(t.remote),
    ttl: ns.sysctl.get('net.ipv4.ip_default_ttl'),
    protocol,
    id: ns.nextIpId(),
    df: true,
    tos: 0,
  };
  // Sockets start with IP_PMTUDISC_WANT (inet_create, ip_no_pmtu_disc = 0): TCP segments always
  // carry DF; a UDP datagram carries it when it fits the route's MTU (__ip_make_skb), else the
  // kernel fragments it and leaves DF clear.
  if (l4.proto === 'udp')
    ip.df = pmtudisc === 'want' && ipLength({ layers: [ip, l4, ...inner], payload }, 0) <= res.dev.mtu;
  const skb: Skb = {
    id: ns.world.nextPacketId(),
    layers: [ip, l4, ...inner],
    payload,
    mark: 0,
    ...(ct ? { ct } : {}),
  };
  ipLocalOut(ns, skb, res, who);
  return res;
}
