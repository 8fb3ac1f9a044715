/**
 * An IPIP tunnel (net/ipv4/ipip.c): IPv4 carried in IPv4 (protocol 4), no Ethernet
 * inside. tunl0 is the fallback device the ipip module creates in every namespace: with
 * no fixed remote, the route's gateway (`via X dev tunl0 onlink`) is the tunnel's far end
 * (ip_tunnel_xmit, shared with GRE).
 */
import { formatIp } from '../../net/ipv4';
import { IPPROTO_IPIP, type Ipv4Layer } from '../../net/layers';
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
const emit: Emit<'ipip'> = emitEvent;

// ipip_init: tunnel4 takes IPPROTO_IPIP (xfrm4_tunnel_register), once the ipip module is loaded.
inetAddProtocol(IPPROTO_IPIP, ipipDeliver, 'ipip');

export type IpipParams = IpTunnelParams;

export class Ipip extends IpTunnel {
  readonly kind: DeviceKind = 'ipip';

  transmit(skb: Skb): void {
    ipipXmit(this, skb);
  }

  /** The words `ip -d link` prints after "ipip" (iproute2's iptunnel_print_opt, proto first). */
  override detail(): string {
    return `ipip ${this.endsText()} ${this.params.pmtudisc ? 'pmtudisc' : 'nopmtudisc'}`;
  }
}

export function ipipXmit(dev: Ipip, skb: Skb): void {
  const t = ipTunnelXmit(dev, skb, IPPROTO_IPIP, []);
  if (!t) return;
  emit(dev.netns, {
    kind: 'encap',
    dev,
    skb: t.outer,
    code: 'ipip.encap',
    args: { dev: dev.name, remote: formatIp(t.dst), src: formatIp(t.route.src) },
  });
  ipLocalOut(dev.netns, t.outer, t.route, dev.name);
}

/** ipip_rcv: the tunnel by its endpoints (ip_tunnel_lookup), tunl0 last; hand it the inner packet. */
export function ipipRcv(inDev: Device, skb: Skb): boolean {
  const ns = inDev.netns;
  const ip = skb.layers[0] as Ipv4Layer;
  const tunnels = ns.devicesInOrder().filter((d): d is Ipip => d instanceof Ipip);
  const dev = ipTunnelLookup(tunnels, ipOf(ip.src), ipOf(ip.dst), undefined);
  if (!dev) return false;
  const inner = ipTunnelDecap(skb, 1);
  emit(ns, { kind: 'decap', dev, skb: inner, code: 'ipip.decap', args: { dev: dev.name, from: ip.src } });
  ipTunnelRcv(dev, inner);
  return true;
}

/**
 * tunnel4_rcv, IPPROTO_IPIP's handler once the ipip module is loaded: ipip_rcv takes the packet
 * when a tunnel matches; otherwise tunnel4 answers ICMP port unreachable and frees it.
 */
export function ipipDeliver(dev: Device, skb: Skb): void {
  const ns = dev.netns;
  const ip = skb.layers[0] as Ipv4Layer;
  if (ipipRcv(dev, skb)) return;
  emit(ns, {
    kind: 'drop',
    dev,
    skb,
    reason: 'IPIP_NO_TUNNEL',
    code: 'drop.ipip-no-tunnel',
    args: { src: ip.src },
  });
  icmpSendError(ns, skb, ICMP.DEST_UNREACH, ICMP.PORT_UNREACH, {});
}
