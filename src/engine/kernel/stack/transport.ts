/**
 * Sending TCP segments and UDP datagrams from a socket: build the headers, route, hand to
 * ip_local_out (IPv4) or ip6_xmit / ip6_local_out (IPv6), by the family of the peer's address.
 */
import { formatIp } from '../../net/ipv4';
import { formatIp6, isLinkLocal6 } from '../../net/ipv6';
import { IPPROTO_TCP, IPPROTO_UDP, type Ipv4Layer, type Ipv6Layer, type Layer } from '../../net/layers';
import { ipLength } from '../../net/encode';
import type { SockAddr } from '../addr';
import type { Device } from '../device';
import type { Netns } from '../netns';
import type { Skb } from '../skb';
import { autoFlowLabel } from './flowlabel';
import { ip6LocalOut, ip6RouteOutput } from './ip6';
import { ipLocalOut, routeOutput, type RouteErr } from './output';

export interface FourTuple {
  local: SockAddr;
  lport: number;
  remote: SockAddr;
  rport: number;
  /** The scope of a link-local IPv6 peer: the device it is reached on (sin6_scope_id). */
  scope?: Device;
  /**
   * The kernel chose the source at connect(). An IPv6 socket then keeps the route that
   * lookup found (ip6_dst_store), made before it had a source, so `ip -6 rule from` never
   * sees it; IPv4's ip_route_connect looks again with the source and needs no mark.
   */
  autoSrc?: boolean;
}

/** The route of a socket's next packet, either family: its source address and output device. */
export type L4Route = { ok: true; src: SockAddr; dev: Device } | { ok: false; err: RouteErr };

export function routeL4(ns: Netns, remote: SockAddr, opts: { src?: SockAddr; scope?: Device } = {}): L4Route {
  if (typeof remote === 'bigint') {
    const src = typeof opts.src === 'bigint' && opts.src !== 0n ? opts.src : undefined;
    const oif = isLinkLocal6(remote) ? opts.scope : undefined;
    return ip6RouteOutput(ns, remote, { ...(src !== undefined ? { src } : {}), ...(oif ? { oif } : {}) });
  }
  const src = typeof opts.src === 'number' && opts.src !== 0 ? opts.src : undefined;
  return routeOutput(ns, remote, src !== undefined ? { src } : {});
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
): L4Route {
  if (typeof t.remote === 'bigint') return sendL6(ns, t, l4, payload, who, inner, ct);
  const res = routeOutput(ns, t.remote, {
    src: typeof t.local === 'number' && t.local ? t.local : undefined,
  });
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

/**
 * The IPv6 half (inet6_csk_xmit / ip6_xmit for TCP, udp_v6_send_skb for UDP): the hop limit
 * of the route's device (ip6_dst_hoplimit), the socket's automatic flow label, and the UDP
 * checksum always computed: IPv6 has no header checksum, so RFC 8200 8.1 makes it mandatory.
 */
function sendL6(
  ns: Netns,
  t: FourTuple,
  l4: Layer,
  payload: number,
  who: string,
  inner: Layer[],
  ct: Skb['ct'] | undefined,
): L4Route {
  const remote = t.remote as bigint;
  const res = ip6RouteOutput(ns, remote, {
    ...(typeof t.local === 'bigint' && t.local !== 0n && !t.autoSrc ? { src: t.local } : {}),
    ...(isLinkLocal6(remote) && t.scope ? { oif: t.scope } : {}),
  });
  if (!res.ok) return res;
  const ip: Ipv6Layer = {
    proto: 'ipv6',
    src: formatIp6(res.src),
    dst: formatIp6(remote),
    hlim: ns.sysctl.get('net.ipv6.conf.default.hop_limit'),
    next: l4.proto === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP,
    tc: 0,
    flow: autoFlowLabel(ns, { ...t, local: res.src }),
  };
  const skb: Skb = {
    id: ns.world.nextPacketId(),
    layers: [ip, l4, ...inner],
    payload,
    mark: 0,
    ...(ct ? { ct } : {}),
  };
  ip6LocalOut(ns, skb, res, who);
  return res;
}
