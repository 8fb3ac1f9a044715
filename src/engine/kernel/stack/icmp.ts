/**
 * icmp_send and icmp_reply: the ICMP the kernel generates on its own, with the source
 * address, TOS and quoting rules of net/ipv4/icmp.c.
 */
import { formatIp, isMulticastIp } from '../../net/ipv4';
import { IPPROTO_ICMP, type IcmpLayer, type Ipv4Layer, type Layer } from '../../net/layers';
import { ipOf } from '../addr';
import type { Netns } from '../netns';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { nfCtAttach } from '../nf-hook';
import { ipLocalOut, routeOutput } from './output';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'icmp'> = emitEvent;

export const ICMP = {
  ECHO_REPLY: 0,
  DEST_UNREACH: 3,
  REDIRECT: 5,
  ECHO: 8,
  TIME_EXCEEDED: 11,
  NET_UNREACH: 0,
  HOST_UNREACH: 1,
  PROT_UNREACH: 2,
  PORT_UNREACH: 3,
  FRAG_NEEDED: 4,
  PKT_FILTERED: 13,
  REDIR_HOST: 1,
} as const;

function isError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/**
 * Sends an ICMP error about `orig` (whose layers start at its IPv4 header) back to its
 * source. Like the kernel: never about an ICMP error, a broadcast/multicast or a source
 * of 0.0.0.0; TOS gets IPTOS_PREC_INTERNETCONTROL; TTL is ip_default_ttl; the source is
 * the packet's own destination when that is a local address, else chosen by the route back
 * (icmp_errors_use_inbound_ifaddr = 0).
 */
export function icmpSendError(
  ns: Netns,
  orig: Skb,
  type: number,
  code: number,
  extra: { mtu?: number; gateway?: string },
): void {
  const ip = orig.layers[0] as Ipv4Layer;
  if (!ip || ip.proto !== 'ipv4') return;
  const l4 = orig.layers[1];
  if (ip.protocol === IPPROTO_ICMP && l4?.proto === 'icmp' && isError((l4 as IcmpLayer).type)) return;
  const src = ipOf(ip.src);
  const dst = ipOf(ip.dst);
  if (src === 0 || isMulticastIp(dst) || dst === 0xffffffff) return;
  // __icmp_send: about a packet addressed to this host (its route is RTCF_LOCAL) the error
  // comes from the address the packet was sent to, whichever interface holds it; otherwise
  // the route back chooses (saddr 0, icmp_errors_use_inbound_ifaddr off).
  const local = ns.routes.lookup(dst)?.type === 'local';
  const res = routeOutput(ns, src, local ? { src: dst } : {});
  if (!res.ok) {
    emit(ns, { kind: 'icmp-error', skb: orig, code: 'icmp.no-route-back', args: { type, code, to: ip.src } });
    return;
  }
  const icmp: IcmpLayer = { proto: 'icmp', type, code };
  if (extra.mtu !== undefined) icmp.mtu = extra.mtu;
  if (extra.gateway !== undefined) icmp.gateway = extra.gateway;
  const outer: Ipv4Layer = {
    proto: 'ipv4',
    src: formatIp(res.src),
    dst: ip.src,
    ttl: ns.sysctl.get('net.ipv4.ip_default_ttl'),
    protocol: IPPROTO_ICMP,
    id: ns.nextIpId(),
    df: false,
    tos: (ip.tos & 0x1e) | 0xc0,
  };
  const layers: Layer[] = [outer, icmp, ...orig.layers];
  // icmp_glue_bits: an error inherits the offending packet's conntrack entry (nf_ct_attach),
  // so it is RELATED even when that entry is not yet confirmed (a packet still being forwarded).
  const skb: Skb = { id: ns.world.nextPacketId(), layers, payload: orig.payload, mark: 0 };
  const ct = nfCtAttach(ns, orig);
  if (ct) skb.ct = ct;
  emit(ns, {
    kind: 'icmp-error',
    skb,
    code: 'icmp.send-error',
    args: { type, code, to: ip.src, about: ip.dst, what: icmpName(type, code, extra.mtu) },
  });
  ipLocalOut(ns, skb, res, 'the kernel');
}

/** icmp_echo: answer an echo request addressed to us; the reply keeps id, seq, data and TOS. */
export function icmpEchoReply(ns: Netns, req: Skb): void {
  const ip = req.layers[0] as Ipv4Layer;
  const echo = req.layers[1] as IcmpLayer;
  if (ns.sysctl.get('net.ipv4.icmp_echo_ignore_all')) return;
  const res = routeOutput(ns, ipOf(ip.src), { src: ipOf(ip.dst) });
  if (!res.ok) return;
  const layers: Layer[] = [
    {
      proto: 'ipv4',
      src: ip.dst,
      dst: ip.src,
      ttl: ns.sysctl.get('net.ipv4.ip_default_ttl'),
      protocol: IPPROTO_ICMP,
      id: ns.nextIpId(),
      // The kernel's ICMP socket uses IP_PMTUDISC_DONT: replies go out with DF clear.
      df: false,
      tos: ip.tos,
    },
    { proto: 'icmp', type: ICMP.ECHO_REPLY, code: 0, id: echo.id, seq: echo.seq },
  ];
  const skb: Skb = { id: ns.world.nextPacketId(), layers, payload: req.payload, mark: 0 };
  emit(ns, {
    kind: 'deliver',
    skb: req,
    code: 'icmp.echo-reply',
    args: { to: ip.src, from: ip.dst, seq: echo.seq ?? 0 },
  });
  ipLocalOut(ns, skb, res, 'the kernel');
}

/** The name tcpdump gives an ICMP error, for explanations. */
export function icmpName(type: number, code: number, mtu?: number): string {
  if (type === 11) return '"time exceeded in-transit" (type 11)';
  if (type === 5) return '"redirect" (type 5)';
  if (type === 3) {
    const names: Record<number, string> = {
      0: 'net unreachable',
      1: 'host unreachable',
      3: 'port unreachable',
      4: `fragmentation needed, mtu ${mtu ?? 0}`,
      13: 'administratively prohibited',
    };
    return `"${names[code] ?? `unreachable code ${code}`}" (type 3 code ${code})`;
  }
  return `type ${type} code ${code}`;
}
