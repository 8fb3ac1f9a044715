/**
 * Packet -> real wire bytes, so captures written by the simulator open in
 * Wireshark/tshark exactly like captures from a Linux host.
 *
 * Encoding is inside-out: each layer first encodes everything after it, then prepends
 * its own header, so every length and checksum field is computed from the finished
 * inner bytes. Transport checksums need the enclosing IPv4 addresses, which are passed
 * down as context.
 */
import {
  ETH_P_IP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  type Ipv4Layer,
  type Ipv6Layer,
  type Layer,
  type Packet,
} from './layers';
import { internetChecksum, transportChecksum } from './checksum';
import { parseIp } from './ipv4';
import {
  encodeIcmpv6,
  encodeIpv6,
  icmpv6HeaderLen,
  ICMPV6_ERROR_MAX_QUOTE,
  IPV6_HEADER_LEN,
  isIcmpv6Error,
  transportChecksum6,
} from './encode6';
import { dnsLength, encodeDns } from './dns';
import { macToBytes } from './mac';
import { flagsToBits } from './tcpflags';

/** ICMP types whose body quotes the offending datagram (RFC 792). */
export function isIcmpError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/**
 * Linux icmp_send() caps the whole ICMP error datagram at 576 bytes (RFC 1812 4.3.2.3):
 * 576 - 20 (IPv4 header) - 8 (ICMP header) = 548 bytes of quote.
 */
export const ICMP_ERROR_MAX_DATAGRAM = 576;
export const ICMP_ERROR_MAX_QUOTE = ICMP_ERROR_MAX_DATAGRAM - 20 - 8;

export const IPV4_HEADER_LEN = 20;
export const ETH_HEADER_LEN = 14;
export const ARP_LEN = 28;
export const ICMP_HEADER_LEN = 8;
export const UDP_HEADER_LEN = 8;
export const TCP_HEADER_LEN = 20;
export const VXLAN_HEADER_LEN = 8;
/** GRE's base header (flags and version, protocol type); a key adds 4 bytes. */
export const GRE_HEADER_LEN = 4;
/** The K bit of GRE's first word (RFC 2890). */
export const GRE_KEY = 0x2000;

function ipBytes(s: string): number {
  const n = parseIp(s);
  if (n === null) throw new Error(`encode: bad IPv4 address ${JSON.stringify(s)}`);
  return n;
}

function macBytesChecked(s: string): number[] {
  const b = macToBytes(s);
  if (b.length !== 6 || b.some((x) => !(x >= 0 && x <= 255)))
    throw new Error(`encode: bad MAC ${JSON.stringify(s)}`);
  return b;
}

function headerLen(l: Layer): number {
  switch (l.proto) {
    case 'eth':
      return ETH_HEADER_LEN;
    case 'arp':
      return ARP_LEN;
    case 'ipv4':
      return IPV4_HEADER_LEN;
    case 'icmp':
      return ICMP_HEADER_LEN;
    case 'udp':
      return UDP_HEADER_LEN;
    case 'tcp':
      return TCP_HEADER_LEN;
    case 'vxlan':
      return VXLAN_HEADER_LEN;
    case 'gre':
      return GRE_HEADER_LEN + (l.key !== undefined ? 4 : 0);
    case 'ipv6':
      return IPV6_HEADER_LEN;
    case 'icmpv6':
      return icmpv6HeaderLen(l);
    case 'dns':
      return dnsLength(l);
  }
}

/**
 * Bytes from layers[from] to the end, payload included, as they appear on the wire
 * (ICMP error quotes truncated). Applied to an ipv4 layer this is its total length.
 * Mirrors encodeFrom() without building bytes.
 */
export function ipLength(pkt: Packet, fromLayerIndex: number): number {
  return lengthFrom(pkt.layers, fromLayerIndex, pkt.payload);
}

function lengthFrom(layers: readonly Layer[], i: number, payload: number): number {
  const l = layers[i];
  if (l === undefined) return payload;
  const inner = lengthFrom(layers, i + 1, payload);
  if (l.proto === 'icmp' && isIcmpError(l.type))
    return ICMP_HEADER_LEN + Math.min(inner, ICMP_ERROR_MAX_QUOTE);
  if (l.proto === 'icmpv6' && isIcmpv6Error(l.type)) return 8 + Math.min(inner, ICMPV6_ERROR_MAX_QUOTE);
  return headerLen(l) + inner;
}

/** Frame length in bytes; always equals encodePacket(pkt).length. */
export function packetLength(pkt: Packet): number {
  return lengthFrom(pkt.layers, 0, pkt.payload);
}

/** Deterministic payload: byte i = i & 0xff, so captures are reproducible. */
function payloadBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = i & 0xff;
  return b;
}

function prepend(headerSize: number, inner: Uint8Array): { out: Uint8Array; v: DataView } {
  const out = new Uint8Array(headerSize + inner.length);
  out.set(inner, headerSize);
  return { out, v: new DataView(out.buffer) };
}

export function encodePacket(pkt: Packet): Uint8Array {
  if (!Number.isInteger(pkt.payload) || pkt.payload < 0)
    throw new Error(`encode: bad payload ${pkt.payload}`);
  return encodeFrom(pkt.layers, 0, pkt.payload, undefined);
}

type LayerOf<P extends Layer['proto']> = Extract<Layer, { proto: P }>;

function encodeEth(l: LayerOf<'eth'>, inner: Uint8Array): Uint8Array {
  const { out, v } = prepend(ETH_HEADER_LEN, inner);
  out.set(macBytesChecked(l.dst), 0);
  out.set(macBytesChecked(l.src), 6);
  v.setUint16(12, l.type);
  return out;
}

function encodeArp(l: LayerOf<'arp'>, inner: Uint8Array): Uint8Array {
  const { out, v } = prepend(ARP_LEN, inner);
  v.setUint16(0, 1); // htype Ethernet
  v.setUint16(2, ETH_P_IP); // ptype IPv4
  out[4] = 6;
  out[5] = 4;
  v.setUint16(6, l.op);
  out.set(macBytesChecked(l.sha), 8);
  v.setUint32(14, ipBytes(l.spa));
  out.set(macBytesChecked(l.tha), 18);
  v.setUint32(24, ipBytes(l.tpa));
  return out;
}

function encodeIpv4(l: Ipv4Layer, inner: Uint8Array): Uint8Array {
  const { out, v } = prepend(IPV4_HEADER_LEN, inner);
  out[0] = 0x45; // version 4, IHL 5 (no options)
  out[1] = l.tos & 0xff;
  v.setUint16(2, out.length);
  v.setUint16(4, l.id & 0xffff);
  v.setUint16(6, l.df ? 0x4000 : 0); // flags + fragment offset: never fragmented here
  out[8] = l.ttl & 0xff;
  out[9] = l.protocol & 0xff;
  v.setUint32(12, ipBytes(l.src));
  v.setUint32(16, ipBytes(l.dst));
  v.setUint16(10, internetChecksum(out, 0, IPV4_HEADER_LEN));
  return out;
}

function encodeIcmp(l: LayerOf<'icmp'>, inner: Uint8Array): Uint8Array {
  // The quoted datagram is encoded whole (its length and checksum fields describe
  // the original) and only then cut, as the kernel copies the start of the skb.
  const quote =
    isIcmpError(l.type) && inner.length > ICMP_ERROR_MAX_QUOTE
      ? inner.subarray(0, ICMP_ERROR_MAX_QUOTE)
      : inner;
  const { out, v } = prepend(ICMP_HEADER_LEN, quote);
  out[0] = l.type;
  out[1] = l.code;
  if (l.type === 0 || l.type === 8) {
    v.setUint16(4, (l.id ?? 0) & 0xffff);
    v.setUint16(6, (l.seq ?? 0) & 0xffff);
  } else if (l.type === 3 && l.code === 4) {
    v.setUint16(6, (l.mtu ?? 0) & 0xffff); // RFC 1191: bytes 4-5 unused, 6-7 next-hop MTU
  } else if (l.type === 5) {
    v.setUint32(4, ipBytes(l.gateway ?? '0.0.0.0'));
  }
  v.setUint16(2, internetChecksum(out));
  return out;
}

function encodeUdp(l: LayerOf<'udp'>, inner: Uint8Array, ip: Ipv4Layer | Ipv6Layer | undefined): Uint8Array {
  const { out, v } = prepend(UDP_HEADER_LEN, inner);
  v.setUint16(0, l.sport);
  v.setUint16(2, l.dport);
  v.setUint16(4, out.length);
  // Linux fills it in, VXLAN's outer header included (udpcsum is on by default: see the lab
  // capture in encode.test.ts), unless the device says noudpcsum.
  if (ip !== undefined && !l.zeroChecksum) {
    const c = l4Checksum(out, ip, IPPROTO_UDP);
    v.setUint16(6, c === 0 ? 0xffff : c); // RFC 768: a computed 0 is sent as all ones
  }
  return out;
}

function encodeTcp(l: LayerOf<'tcp'>, inner: Uint8Array, ip: Ipv4Layer | Ipv6Layer | undefined): Uint8Array {
  const { out, v } = prepend(TCP_HEADER_LEN, inner);
  v.setUint16(0, l.sport);
  v.setUint16(2, l.dport);
  v.setUint32(4, l.seq >>> 0);
  v.setUint32(8, l.ack >>> 0);
  out[12] = 5 << 4; // data offset 5 words: no options
  out[13] = flagsToBits(l.flags);
  v.setUint16(14, l.window & 0xffff);
  if (ip !== undefined) v.setUint16(16, l4Checksum(out, ip, IPPROTO_TCP));
  return out;
}

function encodeVxlan(l: LayerOf<'vxlan'>, inner: Uint8Array): Uint8Array {
  const { out, v } = prepend(VXLAN_HEADER_LEN, inner);
  out[0] = 0x08; // I flag: VNI valid (RFC 7348 section 5)
  v.setUint32(4, ((l.vni & 0xffffff) << 8) >>> 0); // 24-bit VNI then a reserved byte
  return out;
}

function encodeDnsLayer(l: LayerOf<'dns'>, inner: Uint8Array): Uint8Array {
  const msg = encodeDns(l);
  const { out } = prepend(msg.length, inner);
  out.set(msg, 0);
  return out;
}

function encodeGre(l: LayerOf<'gre'>, inner: Uint8Array): Uint8Array {
  const { out, v } = prepend(headerLen(l), inner);
  v.setUint16(0, l.key !== undefined ? GRE_KEY : 0); // no C, R or S bit; version 0
  v.setUint16(2, l.protocol);
  if (l.key !== undefined) v.setUint32(4, l.key >>> 0);
  return out;
}

type HeaderWriter = (l: Layer, inner: Uint8Array, ip: Ipv4Layer | Ipv6Layer | undefined) => Uint8Array;

/** Each header in front of the bytes it carries (`ip`: the enclosing IP header, for checksums). */
const ENCODERS: {
  [P in Layer['proto']]: (
    l: LayerOf<P>,
    inner: Uint8Array,
    ip: Ipv4Layer | Ipv6Layer | undefined,
  ) => Uint8Array;
} = {
  eth: encodeEth,
  arp: encodeArp,
  ipv4: encodeIpv4,
  ipv6: encodeIpv6,
  icmp: encodeIcmp,
  icmpv6: encodeIcmpv6,
  udp: encodeUdp,
  tcp: encodeTcp,
  vxlan: encodeVxlan,
  dns: encodeDnsLayer,
  gre: encodeGre,
};

/** The bytes from layer `i` inward: the inner layers first, then this header in front. */
function encodeFrom(
  layers: readonly Layer[],
  i: number,
  payload: number,
  ip: Ipv4Layer | Ipv6Layer | undefined,
): Uint8Array {
  const l = layers[i];
  if (l === undefined) return payloadBytes(payload);
  const inner = encodeFrom(layers, i + 1, payload, l.proto === 'ipv4' || l.proto === 'ipv6' ? l : undefined);
  return (ENCODERS[l.proto] as HeaderWriter)(l, inner, ip);
}

/** A UDP/TCP segment's checksum under its enclosing IPv4 or IPv6 pseudo-header. */
function l4Checksum(seg: Uint8Array, ip: Ipv4Layer | Ipv6Layer, protocol: number): number {
  if (ip.proto === 'ipv6') return transportChecksum6(seg, ip, protocol);
  return transportChecksum(seg, 0, seg.length, ipBytes(ip.src), ipBytes(ip.dst), protocol);
}
