/**
 * GRE over IPv4 (net/ipv4/ip_gre.c on ip_tunnel.c): ipgre_xmit puts a GRE header and an outer
 * IPv4 header (protocol 47) in front of the packet; gre_rcv finds the tunnel by the outer
 * addresses and the key and hands the inner packet to it, or answers with ICMP port
 * unreachable when no tunnel takes it.
 */
import { formatIp } from '../../net/ipv4';
import { ETH_P_IP, IPPROTO_GRE, type GreLayer, type Ipv4Layer } from '../../net/layers';
import { ipOf } from '../addr';
import { Gre } from '../devices/gre';
import type { Device } from '../device';
import { skbWith, type Skb } from '../skb';
import { LINK_DELAY_US } from '../timing';
import { emit } from './emit';
import { ICMP, icmpSendError } from './icmp';
import { ipTunnelLookup } from './ip-tunnel';
import { ipLocalOut, routeOutput } from './output';
import { netifReceive } from './receive';

/**
 * ip_tunnel_xmit: the outer destination is the tunnel's remote or, for a tunnel open at the
 * far end (gre0, or one made without `remote`), the next hop of the route that chose it
 * (rt_nexthop: the gateway, else the inner destination).
 */
export function greXmit(dev: Gre, skb: Skb): void {
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
      code: res.ok ? 'drop.tunnel-loop' : 'drop.vxlan-no-route',
      args: { dev: dev.name, dst: formatIp(dst) },
    });
    return;
  }
  const gre: GreLayer =
    p.okey !== undefined
      ? { proto: 'gre', protocol: ETH_P_IP, key: p.okey }
      : { proto: 'gre', protocol: ETH_P_IP };
  const outer = skbWith(skb, {
    layers: [
      {
        proto: 'ipv4',
        src: formatIp(res.src),
        dst: formatIp(dst),
        // ttl 0 inherits the inner TTL; the outer DF is the tunnel's (pmtudisc) or the inner one's.
        ttl: p.ttl || inner.ttl,
        protocol: IPPROTO_GRE,
        id: ns.nextIpId(),
        df: p.pmtudisc || inner.df,
        tos: inner.tos,
      },
      gre,
      ...skb.layers,
    ],
    ct: undefined,
    brnf: undefined,
    nexthop: undefined,
  });
  const key = p.okey !== undefined ? `, key ${p.okey}` : '';
  emit(ns, {
    kind: 'encap',
    dev,
    skb: outer,
    code: 'gre.encap',
    args: {
      dev: dev.name,
      remote: formatIp(dst),
      src: formatIp(res.src),
      key,
      len: p.okey !== undefined ? 8 : 4,
    },
  });
  ipLocalOut(ns, outer, res, dev.name);
}

/** gre_rcv → ipgre_rcv: the tunnel by outer addresses and key; none answers "port unreachable". */
export function greRcv(inDev: Device, skb: Skb): void {
  const ns = inDev.netns;
  const ip = skb.layers[0] as Ipv4Layer;
  const gre = skb.layers[1] as GreLayer;
  const tunnels = ns.devicesInOrder().filter((d): d is Gre => d instanceof Gre);
  const dev =
    gre.protocol === ETH_P_IP ? ipTunnelLookup(tunnels, ipOf(ip.src), ipOf(ip.dst), gre.key) : undefined;
  if (!dev) {
    emit(ns, {
      kind: 'drop',
      dev: inDev,
      skb,
      reason: 'NOT_SPECIFIED',
      code: 'drop.gre-no-tunnel',
      args: { src: ip.src, key: gre.key !== undefined ? ` key ${gre.key}` : '' },
    });
    icmpSendError(ns, skb, ICMP.DEST_UNREACH, ICMP.PORT_UNREACH, {});
    return;
  }
  const inner = skbWith(skb, { layers: skb.layers.slice(2), ct: undefined, brnf: undefined });
  emit(ns, { kind: 'decap', dev, skb: inner, code: 'gre.decap', args: { dev: dev.name, from: ip.src } });
  ns.world.sched.at(LINK_DELAY_US, () => netifReceive(dev, inner));
}
