/**
 * ICMPv6 (net/ipv6/icmp.c): echo replies, the errors the kernel sends (icmp6_send) and
 * handing replies and errors to the ping socket that owns them. NS/NA go to ndisc.
 */
import { formatIp6, isLinkLocal6, isMulticast6, parseIp6 } from '../../net/ipv6';
import {
  IPPROTO_ICMPV6,
  type EthLayer,
  type Icmpv6Layer,
  type Ipv6Layer,
  type Layer,
  type TcpLayer,
  type UdpLayer,
} from '../../net/layers';
import { isLocal6 } from '../addrconf';
import { icmpv6Errno } from '../errno';
import type { Device } from '../device';
import type { Netns } from '../netns';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { flowLabelOf } from './flowlabel';
import { ip6LocalOut, ip6RouteOutput } from './ip6';
import { ndiscRcv } from './ndisc';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'ipv6' | 'icmp'> = emitEvent;

const NAMES: Record<number, string> = {
  1: 'destination unreachable',
  2: 'packet too big',
  3: 'time exceeded',
};

function addr(s: string): bigint {
  return parseIp6(s) ?? 0n;
}

export function icmpv6Rcv(dev: Device, skb: Skb, eth?: EthLayer): void {
  const m = skb.layers[1];
  if (m?.proto !== 'icmpv6') return;
  const ns = dev.netns;
  if (m.type === 135 || m.type === 136) {
    ndiscRcv(dev, skb, eth);
    return;
  }
  if (m.type === 128) {
    echoReply(dev, skb, m);
    return;
  }
  const q = skb.layers[3];
  if (m.type < 128 && (q?.proto === 'tcp' || q?.proto === 'udp')) {
    transportErr(dev, skb, m, q);
    return;
  }
  const owner = socketFor(skb);
  if (owner === undefined) return;
  const sock = ns.ping6.get(owner);
  if (m.type === 129) sock?.receive(skb);
  else if (m.type < 128) sock?.error(skb);
}

/**
 * icmpv6_notify -> tcp_v6_err / __udp6_lib_err: the socket of the quoted segment hears the
 * error. As for IPv4, a UDP socket without IPV6_RECVERR hears only fatal ones
 * (icmpv6_err_convert), and packet too big only lowers the path MTU.
 */
function transportErr(dev: Device, skb: Skb, m: Icmpv6Layer, q: TcpLayer | UdpLayer): void {
  const ns = dev.netns;
  const qip = skb.layers[2];
  if (qip?.proto !== 'ipv6') return;
  const ep = ns.sockets.findEndpoint(q.proto, addr(qip.src), q.sport, addr(qip.dst), q.dport);
  const err = icmpv6Errno(m);
  const code =
    !ep || !err
      ? 'icmp.error-no-socket'
      : m.type === 2
        ? 'icmp6.pmtu'
        : q.proto === 'udp' && !err.hard
          ? 'icmp.soft-error-ignored'
          : undefined;
  if (code) {
    emit(ns, {
      kind: 'deliver',
      dev,
      skb,
      code,
      args: { type: m.type, code: m.code, errno: err?.errno ?? '', mtu: m.mtu ?? 0 },
    });
    return;
  }
  ep!.error(skb);
}

/** The ping socket a reply or error belongs to: the echo id, quoted in an error. */
function socketFor(skb: Skb): number | undefined {
  const m = skb.layers[1] as Icmpv6Layer;
  if (m.type === 129) return m.id;
  const q = skb.layers[3];
  return q?.proto === 'icmpv6' && q.type === 128 ? q.id : undefined;
}

/** icmpv6_echo_reply: from the address the request was sent to, with the default hop limit. */
function echoReply(dev: Device, req: Skb, m: Icmpv6Layer): void {
  const ns = dev.netns;
  const ip = req.layers[0] as Ipv6Layer;
  const to = addr(ip.src);
  const dst = addr(ip.dst);
  const src = isMulticast6(dst) ? undefined : dst;
  const res = ip6RouteOutput(ns, to, {
    ...(isLinkLocal6(to) ? { oif: dev } : {}),
    ...(src !== undefined ? { src } : {}),
  });
  if (!res.ok) return;
  const reply: Skb = {
    id: ns.world.nextPacketId(),
    layers: [
      header6(ns, formatIp6(res.src), ip.src, ns.sysctl.get('net.ipv6.conf.default.hop_limit')),
      { proto: 'icmpv6', type: 129, code: 0, id: m.id ?? 0, seq: m.seq ?? 0 },
    ],
    payload: req.payload,
    mark: 0,
  };
  // As icmp_echo: the request is delivered to the kernel, which answers; no error.
  emit(ns, { kind: 'deliver', skb: req, code: 'icmp6.echo-reply', args: { dst: ip.dst, src: ip.src } });
  ip6LocalOut(ns, reply, res, 'the kernel');
}

/** icmpv6_echo_reply and icmp6_send build through ip6_append_data: the flow label is automatic too. */
function header6(ns: Netns, src: string, dst: string, hlim: number): Ipv6Layer {
  return {
    proto: 'ipv6',
    src,
    dst,
    hlim,
    next: IPPROTO_ICMPV6,
    tc: 0,
    flow: flowLabelOf(ns, addr(src), addr(dst)),
  };
}

/**
 * icmp6_send: never about an ICMPv6 error, nor to an unspecified or multicast source; about a
 * multicast destination only packet too big. The source is the packet's destination when
 * that is ours, else the address the route back selects.
 */
export function icmpv6Send(
  ns: Netns,
  orig: Skb,
  type: number,
  code: number,
  info: { mtu?: number },
  inDev?: Device,
): void {
  const ip = orig.layers[0];
  if (ip?.proto !== 'ipv6') return;
  const l4 = orig.layers[1];
  if (l4?.proto === 'icmpv6' && (l4.type < 128 || l4.type === 137)) return;
  const to = addr(ip.src);
  const dst = addr(ip.dst);
  if (to === 0n || isMulticast6(to)) return;
  if (isMulticast6(dst) && type !== 2) return;
  const local = isLocal6(ns, dst);
  const oif = isLinkLocal6(to) ? inDev : undefined;
  const res = ip6RouteOutput(ns, to, { ...(local ? { src: dst } : {}), ...(oif ? { oif } : {}) });
  if (!res.ok) return;
  const err: Icmpv6Layer = { proto: 'icmpv6', type, code, ...(type === 2 ? { mtu: info.mtu ?? 0 } : {}) };
  const layers: Layer[] = [header6(ns, formatIp6(res.src), ip.src, 64), err, ...orig.layers];
  const skb: Skb = { id: ns.world.nextPacketId(), layers, payload: orig.payload, mark: 0 };
  emit(ns, {
    kind: 'icmp-error',
    skb,
    code: 'icmp6.send-error',
    args: { what: NAMES[type] ?? `type ${type}`, to: ip.src, src: formatIp6(res.src) },
  });
  ip6LocalOut(ns, skb, res, 'the kernel');
}
