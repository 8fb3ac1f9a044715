/**
 * IPv6 and ICMPv6 wire encoding (RFC 8200, RFC 4443, RFC 4861), split from encode.ts.
 * ICMPv6's checksum covers the IPv6 pseudo-header (RFC 8200 8.1), so the encoder is
 * given the enclosing IPv6 header.
 */
import { finishChecksum, onesSum } from './checksum';
import { IPPROTO_ICMPV6, type Icmpv6Layer, type Ipv4Layer, type Ipv6Layer } from './layers';
import { ip6Bytes, parseIp6 } from './ipv6';
import { macToBytes } from './mac';

export const IPV6_HEADER_LEN = 40;
/** RFC 4443 2.4(c): an error is as large as fits in the minimum MTU, 1280 - 40 - 8 bytes of quote. */
export const IPV6_MIN_MTU = 1280;
export const ICMPV6_ERROR_MAX_QUOTE = IPV6_MIN_MTU - IPV6_HEADER_LEN - 8;

export const ICMPV6 = {
  DEST_UNREACH: 1,
  PKT_TOOBIG: 2,
  TIME_EXCEED: 3,
  PARAMPROB: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  ROUTER_SOLICIT: 133,
  ROUTER_ADVERT: 134,
  NEIGH_SOLICIT: 135,
  NEIGH_ADVERT: 136,
} as const;

/** Error messages (types below 128) quote the offending packet. */
export function isIcmpv6Error(type: number): boolean {
  return type < 128;
}

function addrBytes(s: string): number[] {
  const a = parseIp6(s);
  if (a === null) throw new Error(`encode: bad IPv6 address ${JSON.stringify(s)}`);
  return ip6Bytes(a);
}

/** Header bytes of an ICMPv6 message, its NDP target and link-layer address option included. */
export function icmpv6HeaderLen(l: Icmpv6Layer): number {
  if (l.type === ICMPV6.NEIGH_SOLICIT || l.type === ICMPV6.NEIGH_ADVERT) return 24 + (l.lladdr ? 8 : 0);
  if (l.type === ICMPV6.ROUTER_SOLICIT) return 8 + (l.lladdr ? 8 : 0);
  return 8;
}

export function encodeIpv6(l: Ipv6Layer, inner: Uint8Array): Uint8Array {
  const out = new Uint8Array(IPV6_HEADER_LEN + inner.length);
  out.set(inner, IPV6_HEADER_LEN);
  const v = new DataView(out.buffer);
  v.setUint32(0, ((6 << 28) | ((l.tc & 0xff) << 20) | (l.flow & 0xfffff)) >>> 0);
  v.setUint16(4, inner.length);
  out[6] = l.next & 0xff;
  out[7] = l.hlim & 0xff;
  out.set(addrBytes(l.src), 8);
  out.set(addrBytes(l.dst), 24);
  return out;
}

/** The IPv6 pseudo-header sum: source, destination, upper-layer length, next header. */
function pseudoSum6(ip: Ipv6Layer, length: number, next: number): number {
  const b = new Uint8Array(40);
  b.set(addrBytes(ip.src), 0);
  b.set(addrBytes(ip.dst), 16);
  new DataView(b.buffer).setUint32(32, length);
  b[39] = next;
  return onesSum(b);
}

export function transportChecksum6(seg: Uint8Array, ip: Ipv6Layer, next: number): number {
  return finishChecksum(onesSum(seg, 0, seg.length, pseudoSum6(ip, seg.length, next)));
}

export function encodeIcmpv6(
  l: Icmpv6Layer,
  inner0: Uint8Array,
  ip: Ipv4Layer | Ipv6Layer | undefined,
): Uint8Array {
  // The quoted packet is encoded whole, then cut as icmp6_send copies the start of the skb.
  const inner =
    isIcmpv6Error(l.type) && inner0.length > ICMPV6_ERROR_MAX_QUOTE
      ? inner0.subarray(0, ICMPV6_ERROR_MAX_QUOTE)
      : inner0;
  const hlen = icmpv6HeaderLen(l);
  const out = new Uint8Array(hlen + inner.length);
  out.set(inner, hlen);
  const v = new DataView(out.buffer);
  out[0] = l.type;
  out[1] = l.code;
  if (l.type === ICMPV6.ECHO_REQUEST || l.type === ICMPV6.ECHO_REPLY) {
    v.setUint16(4, (l.id ?? 0) & 0xffff);
    v.setUint16(6, (l.seq ?? 0) & 0xffff);
  } else if (l.type === ICMPV6.PKT_TOOBIG) {
    v.setUint32(4, (l.mtu ?? 0) >>> 0);
  } else if (l.type === ICMPV6.NEIGH_SOLICIT || l.type === ICMPV6.NEIGH_ADVERT) {
    out[4] = l.type === ICMPV6.NEIGH_ADVERT ? (l.flags ?? 0) & 0xe0 : 0;
    out.set(addrBytes(l.target ?? '::'), 8);
  }
  if (l.lladdr) {
    // Source link-layer address option (1) in solicitations, target (2) in advertisements; 8 bytes.
    const at = hlen - 8;
    out[at] = l.type === ICMPV6.NEIGH_ADVERT ? 2 : 1;
    out[at + 1] = 1;
    out.set(macToBytes(l.lladdr), at + 2);
  }
  if (ip?.proto === 'ipv6')
    v.setUint16(2, finishChecksum(onesSum(out, 0, out.length, pseudoSum6(ip, out.length, IPPROTO_ICMPV6))));
  return out;
}
