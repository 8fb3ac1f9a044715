/**
 * A GRE tunnel (net/ipv4/ip_gre.c on ip_tunnel.c, "gre" link kind): IPv4 carried behind an
 * outer IPv4 header (protocol 47) and a 4-byte GRE header, 8 with a key. gre0 is the fallback
 * device the ip_gre module creates in every namespace, as ipip's tunl0 is; the module also
 * creates gretap0 and erspan0, Ethernet-over-GRE devices this model does not carry (it models
 * GRE for IPv4 only). ipgre_xmit puts the GRE header and the outer header in front of the
 * packet; gre_rcv finds the tunnel by the outer addresses and the key and hands the inner
 * packet to it, or answers with ICMP port unreachable when no tunnel takes it.
 */
import { formatIp } from '../../net/ipv4';
import { ETH_P_IP, IPPROTO_GRE, type GreLayer, type Ipv4Layer } from '../../net/layers';
import { ipOf } from '../addr';
import type { Device, DeviceKind } from '../device';
import { emit as emitEvent, type Emit } from '../emit';
import type { Skb } from '../skb';
import { ICMP, icmpSendError } from '../stack/icmp';
import { inetAddProtocol } from '../stack/local';
import { ipLocalOut } from '../stack/output';
import {
  IpTunnel,
  ipTunnelDecap,
  ipTunnelLookup,
  ipTunnelRcv,
  ipTunnelXmit,
  type IpTunnelParams,
} from './ip-tunnel';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'gre'> = emitEvent;

// gre_init (gre_demux.c) with ipgre_init: GRE's handler, once the ip_gre module is loaded.
inetAddProtocol(IPPROTO_GRE, greRcv, 'ip_gre');

export interface GreParams extends IpTunnelParams {
  /** i_key: the key a received packet must carry to be this tunnel's (`key`/`ikey`). */
  ikey?: number;
  /** o_key: the key sent packets carry (`key`/`okey`). */
  okey?: number;
}

/** GRE's header: 4 bytes, plus 4 for the key. */
export function greHeaderLen(p: GreParams): number {
  return p.okey !== undefined ? 8 : 4;
}

/** A key as iproute2 prints it (`ikey 0.0.0.42`): the 32 bits as a dotted quad. */
export const formatKey = (k: number): string => formatIp(k >>> 0);

export class Gre extends IpTunnel<GreParams> {
  readonly kind: DeviceKind = 'gre';

  transmit(skb: Skb): void {
    greXmit(this, skb);
  }

  /** The words `ip -d link` prints after "gre" (iproute2's gre_print_opt). */
  override detail(): string {
    const p = this.params;
    const w = [this.endsText()];
    if (!p.pmtudisc) w.push('nopmtudisc');
    if (p.ikey !== undefined) w.push(`ikey ${formatKey(p.ikey)}`);
    if (p.okey !== undefined) w.push(`okey ${formatKey(p.okey)}`);
    return w.join(' ');
  }
}

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
  const inner = ipTunnelDecap(skb, 2);
  emit(ns, { kind: 'decap', dev, skb: inner, code: 'gre.decap', args: { dev: dev.name, from: ip.src } });
  ipTunnelRcv(dev, inner);
}
