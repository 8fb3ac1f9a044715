/**
 * What IPIP and GRE share (net/ipv4/ip_tunnel.c): finding the tunnel a received packet
 * belongs to. ip_tunnel_lookup tries, in order, a tunnel whose remote and local both match,
 * one with this remote and any local, one with this local and any remote, then a tunnel open
 * at both ends; within each, the key must match (a keyed tunnel takes only packets with its
 * key, an unkeyed one only packets without). Only devices that are up answer. The fallback
 * device (tunl0, gre0) is open at both ends, so it is found last.
 */
import { formatIp } from '../../net/ipv4';
import type { Ipv4Layer, Layer } from '../../net/layers';
import { ipOf } from '../addr';
import type { Device } from '../device';
import type { IpTunnel } from '../devices/ip-tunnel';
import { skbWith, type Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { routeOutput, type RouteResult } from './output';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'ip-tunnel'> = emitEvent;

type RouteOk = Extract<RouteResult, { ok: true }>;

export interface TunnelEnds {
  local?: number;
  remote?: number;
  /** i_key: unset for a tunnel without `key`/`ikey`. */
  ikey?: number;
}

export function ipTunnelLookup<T extends Device & { params: TunnelEnds }>(
  tunnels: readonly T[],
  src: number,
  dst: number,
  key: number | undefined,
): T | undefined {
  const up = tunnels.filter((t) => t.adminUp && t.params.ikey === key);
  return (
    up.find((t) => t.params.remote === src && t.params.local === dst) ??
    up.find((t) => t.params.remote === src && t.params.local === undefined) ??
    up.find((t) => t.params.remote === undefined && t.params.local === dst) ??
    up.find((t) => t.params.remote === undefined && t.params.local === undefined)
  );
}

/**
 * ip_tunnel_xmit, the half IPIP and GRE share: the outer destination is the tunnel's remote or,
 * for a tunnel open at the far end (tunl0, gre0, one made without `remote`: NBMA), rt_nexthop of
 * the route that chose it (its gateway, else the inner destination). The outer route must not
 * lead back into the tunnel (the kernel counts a collision and drops). TTL 0 inherits the inner
 * TTL; the outer DF is the tunnel's (pmtudisc) or the inner packet's.
 */
export function ipTunnelXmit(
  dev: IpTunnel,
  skb: Skb,
  protocol: number,
  encap: readonly Layer[],
): { outer: Skb; dst: number; route: RouteOk } | undefined {
  const ns = dev.netns;
  const inner = skb.layers[0] as Ipv4Layer;
  const p = dev.params;
  const dst = p.remote ?? skb.nexthop ?? ipOf(inner.dst);
  const res = routeOutput(ns, dst, { oif: p.dev, src: p.local });
  if (!res.ok || res.dev === dev) {
    // No route to the far end (tx_carrier_errors), or one back into this tunnel (collisions).
    emit(ns, {
      kind: 'drop',
      dev,
      skb,
      reason: res.ok ? 'NOT_SPECIFIED' : 'IP_OUTNOROUTES',
      code: res.ok ? 'drop.tunnel-loop' : 'drop.tunnel-no-route',
      args: { dev: dev.name, dst: formatIp(dst) },
    });
    return undefined;
  }
  const outer = skbWith(skb, {
    layers: [
      {
        proto: 'ipv4',
        src: formatIp(res.src),
        dst: formatIp(dst),
        ttl: p.ttl || inner.ttl,
        protocol,
        id: ns.nextIpId(),
        df: p.pmtudisc || inner.df,
        tos: inner.tos,
      },
      ...encap,
      ...skb.layers,
    ],
    ct: undefined,
    brnf: undefined,
    physIn: undefined,
    nexthop: undefined,
  });
  return { outer, dst, route: res };
}
