/**
 * ip_local_deliver: the INPUT hook, then the protocol handlers and sockets. ICMP echo is
 * answered by the kernel; ICMP errors go to the socket of the packet they quote; TCP and
 * UDP find a connected socket or a listener, else answer with RST or port unreachable.
 */
import type { IcmpLayer, Ipv4Layer, TcpLayer, UdpLayer } from '../../net/layers';
import { ipOf } from '../addr';
import type { Device } from '../device';
import type { Skb } from '../skb';
import { icmpErrno } from '../errno';
import { emit } from './emit';
import { nfHook } from './hooks';
import { icmpEchoReply, icmpSendError, ICMP } from './icmp';
import { ipDoRedirect } from './redirect';
import { tcpListenerInput, tcpSendReset } from './tcp';
import { udpListenerInput } from './udp';
import { ipipRcv } from './ipip';
import { greRcv } from './gre';
import { ipvsIn } from '../ipvs';
import { vxlanFor, vxlanRcv } from './vxlan';

export function ipLocalDeliver(dev: Device, skb0: Skb): void {
  const ns = dev.netns;
  const skb = nfHook(ns, 'INPUT', skb0, { in: dev });
  if (!skb) return;
  const ip = skb.layers[0] as Ipv4Layer;
  const l4 = skb.layers[1];
  const src = ipOf(ip.src);
  const dst = ipOf(ip.dst);
  if (!l4) return;
  // IPVS hooks LOCAL_IN after the filter table: a virtual service takes the packet away.
  if (ipvsIn(dev, skb)) return;

  if (l4.proto === 'icmp') {
    const icmp = l4 as IcmpLayer;
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
    return;
  }
  if (l4.proto === 'tcp') {
    const tcp = l4 as TcpLayer;
    const ep = ns.sockets.findEndpoint('tcp', dst, tcp.dport, src, tcp.sport);
    if (ep) {
      ep.receive(skb);
      return;
    }
    if (tcp.flags.includes('S') && !tcp.flags.includes('.')) {
      const l = ns.sockets.findListener('tcp', dst, tcp.dport);
      if (l) {
        tcpListenerInput(dev, skb, l);
        return;
      }
    }
    if (!tcp.flags.includes('R')) {
      emit(ns, {
        kind: 'drop',
        dev,
        skb,
        reason: 'NO_SOCKET',
        code: 'drop.tcp-closed',
        args: { port: tcp.dport, dst: ip.dst },
      });
      tcpSendReset(ns, skb);
    }
    return;
  }
  if (l4.proto === 'ipv4') {
    if (ipipRcv(dev, skb)) return;
    emit(ns, {
      kind: 'drop',
      dev,
      skb,
      reason: 'IPIP_NO_TUNNEL',
      code: 'drop.ipip-no-tunnel',
      args: { src: ip.src },
    });
    icmpSendError(ns, skb, ICMP.DEST_UNREACH, 2, {});
    return;
  }
  if (l4.proto === 'gre') {
    greRcv(dev, skb);
    return;
  }
  if (l4.proto === 'udp') {
    const udp = l4 as UdpLayer;
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
    return;
  }
  emit(ns, {
    kind: 'drop',
    dev,
    skb,
    reason: 'IP_NOPROTO',
    code: 'drop.no-protocol',
    args: { protocol: ip.protocol },
  });
}
