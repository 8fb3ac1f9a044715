/**
 * Wire bytes -> Packet: the inverse of encode.ts, used for round-trip tests and for
 * reading real kernel captures.
 *
 * Lengths: each level knows a *declared* end (IPv4 total length, UDP length) and the
 * bytes actually present. The payload is taken from the declared end, which
 *  - ignores Ethernet minimum-size padding on received frames, and
 *  - for an ICMP error recovers the original datagram's payload from the quoted IPv4
 *    total length even though the quote was truncated (so the round trip of an ICMP
 *    error is exact as long as the quoted headers fit, which they always do in 548 bytes).
 * If a header does not fit in the bytes present (e.g. a router quoting only 8 bytes of
 * a TCP header), decoding stops there and the rest of the declared length, that
 * partial header included, is counted as opaque payload.
 *
 * Not represented, hence lost: IPv4 options and fragment offset/MF, TCP options (the
 * header length is honoured, the options skipped), ICMP rest-of-header for types other
 * than echo/frag-needed/redirect, checksum values (not verified), ARP trailing bytes.
 */
import {
  ETH_P_ARP,
  ETH_P_IP,
  IPPROTO_GRE,
  ETH_P_IPV6,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_IPIP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  type Layer,
  type Packet,
} from './layers';
import { formatIp } from './ipv4';
import { macFromBytes } from './mac';
import { decodeDns, DNS_PORT } from './dns';
import { GRE_KEY, isIcmpError } from './encode';
import { flagsToString } from './tcpflags';
import { formatIp6, ip6FromBytes } from './ipv6';
import { ICMPV6, isIcmpv6Error } from './encode6';

export const DEFAULT_VXLAN_PORTS: readonly number[] = [4789, 8472, 6784];

export interface DecodeOptions {
  /** UDP destination ports decoded as VXLAN: IANA 4789, Linux's legacy 8472, and 6784. */
  vxlanPorts?: number[];
}

type Kind = 'eth' | 'arp' | 'ipv4' | 'ipv6' | 'icmp' | 'icmpv6' | 'udp' | 'tcp' | 'vxlan' | 'gre';

interface Ctx {
  b: Uint8Array;
  v: DataView;
  layers: Layer[];
  vxlanPorts: readonly number[];
}

export function decodePacket(bytes: Uint8Array, first: 'eth' | 'ipv4', opts?: DecodeOptions): Packet {
  const ctx: Ctx = {
    b: bytes,
    v: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    layers: [],
    vxlanPorts: opts?.vxlanPorts ?? DEFAULT_VXLAN_PORTS,
  };
  const payload = decodeFrom(ctx, first, 0, bytes.length);
  return { layers: ctx.layers, payload };
}

/** What remains of a level's declared length from `from` on, as opaque payload. */
function rest(end: number, from: number): number {
  return Math.max(0, end - from);
}

/** An Ethernet header, then what its EtherType names. */
function decodeEth(ctx: Ctx, off: number, end: number): number {
  const { b, v, layers } = ctx;
  const avail = b.length;
  if (off + 14 > avail) return rest(end, off);
  const type = v.getUint16(off + 12);
  layers.push({ proto: 'eth', dst: macFromBytes(b, off), src: macFromBytes(b, off + 6), type });
  if (type === ETH_P_IP) return decodeFrom(ctx, 'ipv4', off + 14, end);
  if (type === ETH_P_ARP) return decodeFrom(ctx, 'arp', off + 14, end);
  if (type === ETH_P_IPV6) return decodeFrom(ctx, 'ipv6', off + 14, end);
  return rest(end, off + 14);
}

/** An Ethernet/IPv4 ARP packet; any other ARP stays opaque. */
function decodeArp(ctx: Ctx, off: number, end: number): number {
  const { b, v, layers } = ctx;
  const avail = b.length;
  if (
    off + 28 > avail ||
    v.getUint16(off) !== 1 ||
    v.getUint16(off + 2) !== ETH_P_IP ||
    v.getUint8(off + 4) !== 6 ||
    v.getUint8(off + 5) !== 4
  ) {
    return rest(end, off);
  }
  const op = v.getUint16(off + 6);
  if (op !== 1 && op !== 2) return rest(end, off);
  layers.push({
    proto: 'arp',
    op,
    sha: macFromBytes(b, off + 8),
    spa: formatIp(v.getUint32(off + 14)),
    tha: macFromBytes(b, off + 18),
    tpa: formatIp(v.getUint32(off + 24)),
  });
  return 0; // ARP has no length field: whatever follows is padding
}

/** An IPv4 header; its total length bounds what follows. */
function decodeIpv4(ctx: Ctx, off: number, end: number): number {
  const avail = ctx.b.length;
  const { v, layers } = ctx;
  if (off + 20 > avail || v.getUint8(off) >> 4 !== 4) return rest(end, off);
  const ihl = (v.getUint8(off) & 0x0f) * 4;
  if (ihl < 20 || off + ihl > avail) return rest(end, off);
  const total = v.getUint16(off + 2);
  const ipEnd = total >= ihl ? off + total : end; // total 0 (TSO) or bogus: fall back
  const protocol = v.getUint8(off + 9);
  layers.push({
    proto: 'ipv4',
    src: formatIp(v.getUint32(off + 12)),
    dst: formatIp(v.getUint32(off + 16)),
    ttl: v.getUint8(off + 8),
    protocol,
    id: v.getUint16(off + 4),
    df: (v.getUint16(off + 6) & 0x4000) !== 0,
    tos: v.getUint8(off + 1),
  });
  const next = off + ihl;
  if (protocol === IPPROTO_ICMP) return decodeFrom(ctx, 'icmp', next, ipEnd);
  if (protocol === IPPROTO_UDP) return decodeFrom(ctx, 'udp', next, ipEnd);
  if (protocol === IPPROTO_TCP) return decodeFrom(ctx, 'tcp', next, ipEnd);
  if (protocol === IPPROTO_IPIP) return decodeFrom(ctx, 'ipv4', next, ipEnd);
  if (protocol === IPPROTO_GRE) return decodeFrom(ctx, 'gre', next, ipEnd);
  return Math.max(0, ipEnd - next);
}

/** An ICMP header; an error goes on into the IPv4 packet it quotes. */
function decodeIcmp(ctx: Ctx, off: number, end: number): number {
  const avail = ctx.b.length;
  const { v, layers } = ctx;
  if (off + 8 > avail) return rest(end, off);
  const type = v.getUint8(off);
  const code = v.getUint8(off + 1);
  if (type === 0 || type === 8) {
    layers.push({ proto: 'icmp', type, code, id: v.getUint16(off + 4), seq: v.getUint16(off + 6) });
  } else if (type === 3 && code === 4) {
    layers.push({ proto: 'icmp', type, code, mtu: v.getUint16(off + 6) });
  } else if (type === 5) {
    layers.push({ proto: 'icmp', type, code, gateway: formatIp(v.getUint32(off + 4)) });
  } else {
    layers.push({ proto: 'icmp', type, code });
  }
  // The quoted IPv4 header's total length (the original's) bounds the quote's payload,
  // not the truncated ICMP body; `end` is only a fallback if that length is bogus.
  if (isIcmpError(type) && off + 8 + 20 <= avail) return decodeFrom(ctx, 'ipv4', off + 8, end);
  return rest(end, off + 8);
}

/** A UDP header, then VXLAN or DNS by port. */
function decodeUdp(ctx: Ctx, off: number, end: number): number {
  const { b, v, layers } = ctx;
  const avail = b.length;
  if (off + 8 > avail) return rest(end, off);
  const sport = v.getUint16(off);
  const dport = v.getUint16(off + 2);
  const len = v.getUint16(off + 4);
  const udpEnd = len >= 8 ? Math.min(end, off + len) : end;
  layers.push(
    v.getUint16(off + 6) === 0
      ? { proto: 'udp', sport, dport, zeroChecksum: true }
      : { proto: 'udp', sport, dport },
  );
  // Linux's vxlan driver demultiplexes on the destination port only.
  if (ctx.vxlanPorts.includes(dport) && off + 16 <= avail && (v.getUint8(off + 8) & 0x08) !== 0) {
    return decodeFrom(ctx, 'vxlan', off + 8, udpEnd);
  }
  // tcpdump and Wireshark read either port 53 as DNS; bytes that are not a message stay opaque.
  if ((sport === DNS_PORT || dport === DNS_PORT) && udpEnd <= avail) {
    const dns = decodeDns(b, off + 8, udpEnd);
    if (dns) {
      layers.push(dns);
      return 0;
    }
  }
  return Math.max(0, udpEnd - off - 8);
}

/** A TCP header (options skipped by the header length). */
function decodeTcp(ctx: Ctx, off: number, end: number): number {
  const avail = ctx.b.length;
  const { v, layers } = ctx;
  if (off + 20 > avail) return rest(end, off);
  const hlen = (v.getUint8(off + 12) >> 4) * 4;
  if (hlen < 20 || off + hlen > avail) return rest(end, off);
  layers.push({
    proto: 'tcp',
    sport: v.getUint16(off),
    dport: v.getUint16(off + 2),
    flags: flagsToString(v.getUint8(off + 13)),
    seq: v.getUint32(off + 4),
    ack: v.getUint32(off + 8),
    window: v.getUint16(off + 14),
  });
  return rest(end, off + hlen);
}

/** A VXLAN header, then the Ethernet frame it carries. */
function decodeVxlan(ctx: Ctx, off: number, end: number): number {
  const { v, layers } = ctx;
  layers.push({ proto: 'vxlan', vni: v.getUint32(off + 4) >>> 8 });
  return decodeFrom(ctx, 'eth', off + 8, end);
}

/** A GRE header, then an IPv4 packet when that is what it carries. */
function decodeGre(ctx: Ctx, off: number, end: number): number {
  const avail = ctx.b.length;
  const { v, layers } = ctx;
  // Version 0 with at most a key: what ip_gre sends. Checksums, sequence numbers, routing
  // and version 1 (PPTP) are not modelled and stay opaque.
  if (off + 4 > avail) return rest(end, off);
  const flags = v.getUint16(off);
  if ((flags & ~GRE_KEY) !== 0) return rest(end, off);
  const keyed = (flags & GRE_KEY) !== 0;
  if (keyed && off + 8 > avail) return rest(end, off);
  const protocol = v.getUint16(off + 2);
  layers.push(keyed ? { proto: 'gre', protocol, key: v.getUint32(off + 4) } : { proto: 'gre', protocol });
  const next = off + (keyed ? 8 : 4);
  if (protocol === ETH_P_IP) return decodeFrom(ctx, 'ipv4', next, end);
  return rest(end, next);
}

const DECODERS: Record<Kind, (ctx: Ctx, off: number, end: number) => number> = {
  eth: decodeEth,
  arp: decodeArp,
  ipv4: decodeIpv4,
  ipv6: decodeIpv6,
  icmp: decodeIcmp,
  icmpv6: decodeIcmpv6,
  udp: decodeUdp,
  tcp: decodeTcp,
  vxlan: decodeVxlan,
  gre: decodeGre,
};

/**
 * Decode a `kind` header at `off`; `end` is the declared end of this level (may exceed
 * the bytes present). Returns the payload length after the innermost header.
 */
function decodeFrom(ctx: Ctx, kind: Kind, off: number, end: number): number {
  return DECODERS[kind](ctx, off, end);
}

/**
 * An IPv6 header; the payload length bounds what follows. Extension headers (the
 * hop-by-hop header of MLD reports) are not modelled: what follows one stays opaque.
 */
function decodeIpv6(ctx: Ctx, off: number, end: number): number {
  const { b, v } = ctx;
  if (off + 40 > b.length || v.getUint8(off) >> 4 !== 6) return Math.max(0, end - off);
  const word = v.getUint32(off);
  const next = v.getUint8(off + 6);
  const ipEnd = off + 40 + v.getUint16(off + 4);
  ctx.layers.push({
    proto: 'ipv6',
    src: formatIp6(ip6FromBytes(b, off + 8)),
    dst: formatIp6(ip6FromBytes(b, off + 24)),
    hlim: v.getUint8(off + 7),
    next,
    tc: (word >>> 20) & 0xff,
    flow: word & 0xfffff,
  });
  if (next === IPPROTO_ICMPV6) return decodeFrom(ctx, 'icmpv6', off + 40, ipEnd);
  if (next === IPPROTO_UDP) return decodeFrom(ctx, 'udp', off + 40, ipEnd);
  if (next === IPPROTO_TCP) return decodeFrom(ctx, 'tcp', off + 40, ipEnd);
  return Math.max(0, ipEnd - off - 40);
}

function decodeIcmpv6(ctx: Ctx, off: number, end: number): number {
  const { b, v, layers } = ctx;
  if (off + 8 > b.length) return Math.max(0, end - off);
  const type = v.getUint8(off);
  const code = v.getUint8(off + 1);
  if (type === ICMPV6.ECHO_REQUEST || type === ICMPV6.ECHO_REPLY) {
    layers.push({ proto: 'icmpv6', type, code, id: v.getUint16(off + 4), seq: v.getUint16(off + 6) });
  } else if (type === ICMPV6.PKT_TOOBIG) {
    layers.push({ proto: 'icmpv6', type, code, mtu: v.getUint32(off + 4) });
  } else if ((type === ICMPV6.NEIGH_SOLICIT || type === ICMPV6.NEIGH_ADVERT) && off + 24 <= b.length) {
    const l: Layer = { proto: 'icmpv6', type, code, target: formatIp6(ip6FromBytes(b, off + 8)) };
    if (type === ICMPV6.NEIGH_ADVERT) l.flags = v.getUint8(off + 4) & 0xe0;
    // The first option, when it is a link-layer address (type 1 or 2, length 1 = 8 bytes).
    if (off + 32 <= Math.min(end, b.length) && v.getUint8(off + 25) === 1 && v.getUint8(off + 24) <= 2)
      l.lladdr = macFromBytes(b, off + 26);
    layers.push(l);
    return Math.max(0, end - off - 24 - (l.lladdr ? 8 : 0));
  } else {
    layers.push({ proto: 'icmpv6', type, code });
  }
  // An error quotes the offending packet; its own payload length says how long it was.
  if (isIcmpv6Error(type) && off + 8 + 40 <= b.length) return decodeFrom(ctx, 'ipv6', off + 8, end);
  return Math.max(0, end - off - 8);
}
