/** UDP delivery to a listening process, which may answer from the address it was reached on. */
import type { Ipv4Layer, UdpLayer } from '../../net/layers';
import { ipOf } from '../addr';
import type { Device } from '../device';
import type { Listener } from '../sockets';
import type { Skb } from '../skb';
import { emit } from './emit';
import { sendL4 } from './transport';

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
