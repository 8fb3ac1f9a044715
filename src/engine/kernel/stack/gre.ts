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
import { emit as emitEvent, type Emit } from './emit';
import { ICMP, icmpSendError } from './icmp';
import { ipTunnelLookup, ipTunnelXmit } from './ip-tunnel';
import { ipLocalOut } from './output';
import { netifReceive } from './receive';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'gre'> = emitEvent;

/** ipgre_xmit: the GRE header (with its key, RFC 2890) under ip_tunnel_xmit's outer header. */
export function greXmit(dev: Gre, skb: Skb): void {
  const p = dev.params;
  const gre: GreLayer =
    p.okey !== undefined
      ? { proto: 'gre', protocol: ETH_P_IP, key: p.okey }
      : { proto: 'gre', protocol: ETH_P_IP };
  const t = ipTunnelXmit(dev, skb, IPPROTO_GRE, [gre]);
  if (!t) return;
  emit(dev.netns, {
    kind: 'encap',
    dev,
    skb: t.outer,
    code: 'gre.encap',
    args: {
      dev: dev.name,
      remote: formatIp(t.dst),
      src: formatIp(t.route.src),
      key: p.okey !== undefined ? `, key ${p.okey}` : '',
      len: p.okey !== undefined ? 8 : 4,
    },
  });
  ipLocalOut(dev.netns, t.outer, t.route, dev.name);
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
  const inner = skbWith(skb, {
    layers: skb.layers.slice(2),
    ct: undefined,
    brnf: undefined,
    physIn: undefined,
  });
  emit(ns, { kind: 'decap', dev, skb: inner, code: 'gre.decap', args: { dev: dev.name, from: ip.src } });
  ns.world.sched.deliver(LINK_DELAY_US, () => netifReceive(dev, inner));
}
