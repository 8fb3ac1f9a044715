/**
 * What an IPIP and a GRE device share (net/ipv4/ip_tunnel.c): no link layer, no ARP, the ends
 * and TTL of the outer header, the device it is bound to, whether it is the module's fallback
 * device (tunl0, gre0), and half of each path. ip_tunnel_lookup finds the tunnel a received
 * packet belongs to: in order, a tunnel whose remote and local both match, one with this remote
 * and any local, one with this local and any remote, then a tunnel open at both ends; within
 * each, the key must match (a keyed tunnel takes only packets with its key, an unkeyed one only
 * packets without). Only devices that are up answer. The fallback device (tunl0, gre0) is open
 * at both ends, so it is found last.
 */
import { formatIp } from '../../net/ipv4';
import type { Ipv4Layer, Layer } from '../../net/layers';
import { ipOf } from '../addr';
import { Device } from '../device';
import { emit as emitEvent, type Emit } from '../emit';
import { netifReceive } from '../receive';
import { skbWith, type Skb } from '../skb';
import { routeOutput, type RouteResult } from '../stack/output';
import { LINK_DELAY_US } from '../timing';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'ip-tunnel'> = emitEvent;

export interface IpTunnelParams {
  local?: number;
  remote?: number;
  /** 0: inherit the inner packet's TTL. */
  ttl: number;
  /** The outer header always sets DF. */
  pmtudisc: boolean;
  /** The underlying device the tunnel is bound to (`dev D`). */
  dev?: Device;
}

export abstract class IpTunnel<P extends IpTunnelParams = IpTunnelParams> extends Device {
  readonly params: P;
  /** The module's own fallback device: `ip tunnel del` refuses it (EPERM), as ip_tunnel_ctl does. */
  declare fallback: boolean;

  constructor(...args: [...ConstructorParameters<typeof Device>, P]) {
    const [ns, name, ifindex, mac, mtu, params] = args;
    super(ns, name, ifindex, mac, mtu);
    this.params = params;
    this.noarp = true;
    this.fallback = false;
  }

  override get linkType(): 'eth' | 'raw' {
    return 'raw';
  }

  /** ip_tunnel_bind_dev: a point-to-point device once it has a fixed remote. */
  override linkFlags(): string[] {
    return super.linkFlags().filter((f) => f !== 'POINTOPOINT' || this.params.remote !== undefined);
  }

  /** iflink is the bound device (parms.link); 0 shows as `@NONE`. */
  override iflink(): number {
    return this.params.dev?.ifindex ?? 0;
  }

  /** `remote A local B [dev D] ttl T`, as iproute2's print_opt functions start. */
  protected endsText(): string {
    const p = this.params;
    const dev = p.dev ? ` dev ${p.dev.name}` : '';
    const end = (a: number | undefined): string => (a !== undefined ? formatIp(a) : 'any');
    return `remote ${end(p.remote)} local ${end(p.local)}${dev} ttl ${p.ttl || 'inherit'}`;
  }
}

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

/**
 * ip_tunnel_rcv's first half: the outer headers go and skb_scrub_packet forgets what belonged
 * to the outer packet (its conntrack entry, bridge netfilter state, the physical way in).
 */
export function ipTunnelDecap(skb: Skb, outerHeaders: number): Skb {
  return skbWith(skb, {
    layers: skb.layers.slice(outerHeaders),
    ct: undefined,
    brnf: undefined,
    physIn: undefined,
  });
}

/** ip_tunnel_rcv's second half: the inner packet is received on the tunnel device (gro_cells_receive). */
export function ipTunnelRcv(dev: Device, inner: Skb): void {
  dev.netns.world.sched.deliver(LINK_DELAY_US, () => netifReceive(dev, inner));
}
