/**
 * udp_rcv / udpv6_rcv: an encapsulation socket (VXLAN's), a connected socket or a listener,
 * else port unreachable (ICMP or ICMPv6 by the family); a listening process may answer from
 * the address it was reached on.
 */
import type { UdpLayer } from '../../net/layers';
import { isLinkLocal6 } from '../../net/ipv6';
import { formatEndpoint, l3Addrs } from '../addr';
import type { Device } from '../device';
import type { Listener } from '../sockets';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { ICMP, icmpSendError } from './icmp';
import { icmpv6Send } from './icmpv6';
import { sendL4 } from './transport';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'transport'> = emitEvent;

/** encap_rcv: a UDP tunnel's receive path, given a datagram before the sockets; true when it took it. */
export type UdpEncapRcv = (dev: Device, skb: Skb) => boolean;

/** The tunnel drivers' receive paths by family (setup_udp_tunnel_sock sets a socket's encap_rcv). */
const ENCAP_RCV = { ipv4: new Map<string, UdpEncapRcv>(), ipv6: new Map<string, UdpEncapRcv>() };

/**
 * A tunnel driver (VXLAN) takes the datagrams to its sockets of one family: in Linux each of its
 * UDP sockets has `rcv` as encap_rcv; here the driver finds its own sockets by the datagram.
 */
export function udpTunnelRegister(family: 'ipv4' | 'ipv6', driver: string, rcv: UdpEncapRcv): void {
  ENCAP_RCV[family].set(driver, rcv);
}

/** udp_queue_rcv_one_skb's encap_rcv: whether a tunnel socket took the datagram. */
export function udpEncapRcv(family: 'ipv4' | 'ipv6', dev: Device, skb: Skb): boolean {
  for (const rcv of ENCAP_RCV[family].values()) if (rcv(dev, skb)) return true;
  return false;
}

export function udpListenerInput(dev: Device, skb: Skb, l: Listener): void {
  const ns = dev.netns;
  const a = l3Addrs(skb.layers[0]);
  const udp = skb.layers[1] as UdpLayer;
  if (l.onDatagram) {
    l.onDatagram(skb);
    return;
  }
  emit(ns, {
    kind: 'userspace',
    dev,
    skb,
    code: 'app.read',
    args: { process: l.process, bytes: skb.payload, from: formatEndpoint(a.src, udp.sport) },
  });
  if (l.reply > 0) {
    const t = {
      local: a.dst,
      lport: udp.dport,
      remote: a.src,
      rport: udp.sport,
      ...(typeof a.src === 'bigint' && isLinkLocal6(a.src) ? { scope: dev } : {}),
    };
    emit(ns, { kind: 'userspace', code: 'app.write', args: { process: l.process, bytes: l.reply } });
    sendL4(ns, t, { proto: 'udp', sport: t.lport, dport: t.rport }, l.reply, l.process);
  }
}

export function udpRcv(dev: Device, skb: Skb): void {
  const ns = dev.netns;
  const ip = skb.layers[0] as { dst: string };
  const { src, dst } = l3Addrs(skb.layers[0]);
  const udp = skb.layers[1] as UdpLayer;
  // A tunnel socket (VXLAN over IPv4) takes its datagrams first; ip6Input asked the IPv6 ones.
  if (typeof src === 'number' && udpEncapRcv('ipv4', dev, skb)) return;
  const ep = ns.sockets.findEndpoint('udp', dst, udp.dport, src, udp.sport);
  if (ep) {
    ep.receive(skb);
    return;
  }
  const l = ns.sockets.findListener('udp', dst, udp.dport);
  if (l) {
    udpListenerInput(dev, skb, l);
    return;
  }
  emit(ns, {
    kind: 'drop',
    dev,
    skb,
    reason: 'NO_SOCKET',
    code: 'drop.udp-closed',
    args: { port: udp.dport, dst: ip.dst },
  });
  if (typeof src === 'bigint') icmpv6Send(ns, skb, 1, 4, {}, dev);
  else icmpSendError(ns, skb, ICMP.DEST_UNREACH, ICMP.PORT_UNREACH, {});
}
