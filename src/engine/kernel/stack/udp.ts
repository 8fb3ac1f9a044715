/**
 * udp_rcv: an encapsulation socket (VXLAN's), a connected socket or a listener, else port
 * unreachable; a listening process may answer from the address it was reached on.
 */
import type { Ipv4Layer, UdpLayer } from '../../net/layers';
import { ipOf } from '../addr';
import type { Device } from '../device';
import type { Listener } from '../sockets';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from './emit';
import { ICMP, icmpSendError } from './icmp';
import { sendL4 } from './transport';
import { vxlanFor, vxlanRcv } from './vxlan';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'transport'> = emitEvent;

export function udpListenerInput(dev: Device, skb: Skb, l: Listener): void {
  const ns = dev.netns;
  const ip = skb.layers[0] as Ipv4Layer;
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
    args: { process: l.process, bytes: skb.payload, from: `${ip.src}:${udp.sport}` },
  });
  if (l.reply > 0) {
    const t = { local: ipOf(ip.dst), lport: udp.dport, remote: ipOf(ip.src), rport: udp.sport };
    emit(ns, { kind: 'userspace', code: 'app.write', args: { process: l.process, bytes: l.reply } });
    sendL4(ns, t, { proto: 'udp', sport: t.lport, dport: t.rport }, l.reply, l.process);
  }
}

export function udpRcv(dev: Device, skb: Skb): void {
  const ns = dev.netns;
  const ip = skb.layers[0] as Ipv4Layer;
  const src = ipOf(ip.src);
  const dst = ipOf(ip.dst);
  const udp = skb.layers[1] as UdpLayer;
  const vx = vxlanFor(ns, udp.dport);
  if (vx.length > 0) {
    vxlanRcv(dev, skb, vx);
    return;
  }
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
  icmpSendError(ns, skb, ICMP.DEST_UNREACH, ICMP.PORT_UNREACH, {});
}
