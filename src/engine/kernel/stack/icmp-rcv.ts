/**
 * icmp_rcv: the kernel answers an echo request itself; an echo reply goes to the ping socket
 * that sent the request; an error goes to the socket of the datagram it quotes.
 */
import type { IcmpLayer, Ipv4Layer, TcpLayer, UdpLayer } from '../../net/layers';
import { ipOf } from '../addr';
import type { Device } from '../device';
import { icmpErrno } from '../errno';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { icmpEchoReply, ICMP } from './icmp';
import { ipDoRedirect } from './redirect';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'icmp'> = emitEvent;

export function icmpRcv(dev: Device, skb: Skb): void {
  const ns = dev.netns;
  const src = ipOf((skb.layers[0] as Ipv4Layer).src);
  const icmp = skb.layers[1] as IcmpLayer;
  if (icmp.type === ICMP.ECHO) {
    icmpEchoReply(ns, skb);
    return;
  }
  if (icmp.type === ICMP.ECHO_REPLY) {
    const ep = ns.sockets.endpoints.find(
      (e) => e.proto === 'icmp' && e.lport === icmp.id && e.remote === src,
    );
    if (ep) ep.receive(skb);
    else
      emit(ns, {
        kind: 'drop',
        dev,
        skb,
        reason: 'NO_SOCKET',
        code: 'drop.no-socket-icmp',
        args: { id: icmp.id ?? 0 },
      });
    return;
  }
  // An error quotes the offending datagram: find its socket by the quoted headers.
  const qip = skb.layers[2] as Ipv4Layer | undefined;
  const ql4 = skb.layers[3];
  if (!qip || qip.proto !== 'ipv4' || !ql4) return;
  const qsrc = ipOf(qip.src);
  const qdst = ipOf(qip.dst);
  const ep =
    ql4.proto === 'icmp'
      ? ns.sockets.endpoints.find(
          (e) => e.proto === 'icmp' && e.lport === (ql4 as IcmpLayer).id && e.remote === qdst,
        )
      : ql4.proto === 'tcp' || ql4.proto === 'udp'
        ? ns.sockets.findEndpoint(
            ql4.proto,
            qsrc,
            (ql4 as TcpLayer | UdpLayer).sport,
            qdst,
            (ql4 as TcpLayer | UdpLayer).dport,
          )
        : undefined;
  const err = icmpErrno(icmp);
  if (ep && err && ql4.proto === 'udp' && !err.hard) {
    // __udp4_lib_err: without IP_RECVERR a UDP socket hears only hard errors (port
    // unreachable, administratively prohibited...); net or host unreachable is dropped.
    emit(ns, {
      kind: 'deliver',
      dev,
      skb,
      code: 'icmp.soft-error-ignored',
      args: { type: icmp.type, code: icmp.code, errno: err.errno },
    });
    return;
  }
  if (ep && icmp.type === ICMP.REDIRECT) ipDoRedirect(dev, skb);
  if (ep) ep.error(skb);
  else
    emit(ns, {
      kind: 'deliver',
      dev,
      skb,
      code: 'icmp.error-no-socket',
      args: { type: icmp.type, code: icmp.code },
    });
}
