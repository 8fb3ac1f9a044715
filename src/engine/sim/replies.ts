/**
 * Which packets of a Trace are replies, and the end-to-end addresses of a packet: what hops.ts
 * needs to tell a request from its answer through NAT, tunnels and ICMP errors.
 */
import type { Ipv4Layer, Ipv6Layer, Layer } from '../net/layers';
import type { TraceEvent } from '../kernel/trace';

export function isArpTraffic(e: TraceEvent): boolean {
  // IPv6's neighbour discovery (NS 135, NA 136) plays ARP's part.
  const nd = (l: Layer): boolean => l.proto === 'icmpv6' && (l.type === 135 || l.type === 136);
  return e.kind === 'arp' || (e.packet?.some((l) => l.proto === 'arp' || nd(l)) ?? false);
}

/**
 * The end-to-end IP header of a packet (IPv4 or IPv6): inside any tunnel (VXLAN, IPIP,
 * flanneld's UDP), but not the copy an ICMP error quotes. It is the last IP header before the
 * transport header.
 */
export function innerIp(layers: Layer[] | undefined): Ipv4Layer | Ipv6Layer | undefined {
  if (!layers) return undefined;
  let ip: Ipv4Layer | Ipv6Layer | undefined;
  for (const [i, l] of layers.entries()) {
    if (l.proto === 'ipv4' || l.proto === 'ipv6') ip = l;
    else if (l.proto === 'icmp' || l.proto === 'icmpv6' || l.proto === 'tcp') break;
    else if (l.proto === 'udp' && !['vxlan', 'ipv4', 'ipv6', 'eth'].includes(layers[i + 1]?.proto ?? ''))
      break;
  }
  return ip;
}

/** ICMP types that answer something: echo reply, destination unreachable, source quench, redirect, time exceeded, parameter problem. */
const ICMP_ANSWERS = new Set([0, 3, 4, 5, 11, 12]);
/** ICMPv6's: destination unreachable, packet too big, time exceeded, parameter problem, echo reply, redirect. */
const ICMPV6_ANSWERS = new Set([1, 2, 3, 4, 129, 137]);

/** The two ends of a packet as "ip" or "ip:port", from its innermost headers. */
function endsOfPacket(layers: Layer[]): { src: string; dst: string; answer: boolean } | undefined {
  const ip = innerIp(layers);
  if (!ip) return undefined;
  const l4 = layers[layers.indexOf(ip) + 1];
  if (l4?.proto === 'icmp') return { src: ip.src, dst: ip.dst, answer: ICMP_ANSWERS.has(l4.type) };
  if (l4?.proto === 'icmpv6') return { src: ip.src, dst: ip.dst, answer: ICMPV6_ANSWERS.has(l4.type) };
  if (l4?.proto === 'tcp' || l4?.proto === 'udp') {
    return { src: `${ip.src}:${l4.sport}`, dst: `${ip.dst}:${l4.dport}`, answer: false };
  }
  return { src: ip.src, dst: ip.dst, answer: false };
}

/**
 * Which packets are replies (they go back toward whoever started the exchange). ICMP says so
 * itself (echo reply, errors); otherwise a packet is a reply when it is first seen addressed to an
 * endpoint (address and port) that earlier requests came from, before or after NAT, and does not
 * itself come from one. So a proxy's own connection to a backend is a request, the answer a reply,
 * and a pod talking to itself through a Service still has its replies told apart.
 */
export function replyPackets(events: TraceEvent[]): Set<number> {
  const sources = new Set<string>();
  const seen = new Set<number>();
  const replies = new Set<number>();
  for (const e of events) {
    if (e.packetId === undefined || !e.packet || isArpTraffic(e)) continue;
    const ends = endsOfPacket(e.packet);
    if (!ends) continue;
    if (!seen.has(e.packetId)) {
      seen.add(e.packetId);
      if (ends.answer || (sources.has(ends.dst) && !sources.has(ends.src))) replies.add(e.packetId);
    }
    if (!replies.has(e.packetId)) sources.add(ends.src);
  }
  return replies;
}
