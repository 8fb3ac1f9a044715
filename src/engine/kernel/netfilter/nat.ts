/**
 * NAT bindings (nf_nat_setup_info) and the per-packet rewrite (nf_nat_packet,
 * nf_nat_manip_pkt, nf_nat_icmp_reply_translation), done on tuples as the kernel does.
 */
import { formatIp } from '../../net/ipv4';
import { formatIp6 } from '../../net/ipv6';
import {
  IPPROTO_ICMP,
  type IcmpLayer,
  type Ipv4Layer,
  type Layer,
  type TcpLayer,
  type UdpLayer,
} from '../../net/layers';
import { invert, type Conntrack, type CtEntry, type Dir, type Tuple } from './conntrack';
import type { NatRange, PortRange } from './types';

export type Manip = 'SRC' | 'DST';

/** Does this connection need the manip at this hook, for a packet in this direction? */
export function needsManip(e: CtEntry, manip: Manip, dir: Dir): boolean {
  const src = manip === 'SRC';
  // In the reply direction the roles swap (statusbit ^= IPS_NAT_MASK).
  const bit = dir === 'orig' ? (src ? e.srcNat : e.dstNat) : src ? e.dstNat : e.srcNat;
  return bit;
}

/** The IP header with the manip's address from `t` (nf_nat_ipv4_manip_pkt, nf_nat_ipv6_manip_pkt). */
function manipIp(ip: Layer, t: Tuple, manip: Manip): Layer {
  if (ip.proto === 'ipv6' && t.v6)
    return manip === 'SRC' ? { ...ip, src: formatIp6(t.v6.src) } : { ...ip, dst: formatIp6(t.v6.dst) };
  const v4 = ip as Ipv4Layer;
  return manip === 'SRC' ? { ...v4, src: formatIp(t.src) } : { ...v4, dst: formatIp(t.dst) };
}

/** Rewrite the IP header and ports (or ICMP id) of `layers[at..]` toward `t`. */
export function manipLayers(layers: Layer[], at: number, t: Tuple, manip: Manip): Layer[] {
  const out = layers.slice();
  out[at] = manipIp(out[at]!, t, manip);
  const l4 = out[at + 1];
  if (l4?.proto === 'tcp' || l4?.proto === 'udp') {
    const p = l4 as TcpLayer | UdpLayer;
    out[at + 1] = manip === 'SRC' ? { ...p, sport: t.sport } : { ...p, dport: t.dport };
  } else if (l4?.proto === 'icmp' && t.proto === IPPROTO_ICMP) {
    const icmp = l4 as IcmpLayer;
    if (icmp.type === 8 || icmp.type === 0) out[at + 1] = { ...icmp, id: t.sport };
  } else if (l4?.proto === 'icmpv6' && (l4.type === 128 || l4.type === 129)) {
    // icmpv6_manip_pkt: the echo id is the tuple's "port".
    out[at + 1] = { ...l4, id: t.sport };
  }
  return out;
}

/** The packet as it leaves this hook: the other direction's tuple, inverted (nf_nat_manip_pkt's target). */
export function natPacket(layers: Layer[], e: CtEntry, manip: Manip, dir: Dir): Layer[] {
  const target = invert(dir === 'orig' ? e.reply : e.orig);
  return manipLayers(layers, 0, target, manip);
}

/** An ICMP error about a NATed connection: outer header as usual, the quoted packet the opposite way. */
export function natIcmpError(layers: Layer[], e: CtEntry, manip: Manip, dir: Dir): Layer[] {
  const other = dir === 'orig' ? e.reply : e.orig;
  const inner = manipLayers(layers, 2, other, manip === 'SRC' ? 'DST' : 'SRC');
  const target = invert(other);
  const outer = inner.slice();
  outer[0] = manipIp(outer[0]!, target, manip);
  return outer;
}

function hash(t: Tuple, salt: number): number {
  let h = 2166136261 ^ salt;
  for (const v of [t.src, t.dst, t.proto, t.sport, t.dport]) h = Math.imul(h ^ (v >>> 0), 16777619) >>> 0;
  return h >>> 0;
}

/**
 * get_unique_tuple: bind the connection to `want` (a reply-side tuple), changing the port
 * inside `ports` (or the default range) when another connection already holds it.
 * With `random`, the port is chosen at random even without a clash (--random-fully).
 */
export function uniqueReply(
  ct: Conntrack,
  e: CtEntry,
  want: Tuple,
  manip: Manip,
  ports: PortRange | undefined,
  random: boolean,
): Tuple {
  const isPort = want.proto === 6 || want.proto === 17;
  const portOf = (t: Tuple): number => (manip === 'SRC' ? t.dport : t.sport);
  const withPort = (t: Tuple, p: number): Tuple =>
    manip === 'SRC' ? { ...t, dport: p } : { ...t, sport: p };
  const inRange = (p: number): boolean => !ports || (p >= ports.from && p <= ports.to);
  if (!random && inRange(portOf(want)) && !ct.inUse(want, e)) return want;
  if (!isPort) return want;
  // nf_nat_l4proto_unique_tuple: a port below 512 stays below 512, one in 512-1023 moves
  // within 600-1023 (the "credential passing" convention); others search 1024-65535.
  const cur = portOf(want);
  const lo = ports ? ports.from : cur < 512 ? 1 : cur < 1024 ? 600 : 1024;
  const hi = ports ? ports.to : cur < 512 ? 511 : cur < 1024 ? 1023 : 65535;
  const size = hi - lo + 1;
  const off = hash(want, e.id) % size;
  for (let i = 0; i < size; i++) {
    const cand = withPort(want, lo + ((off + i) % size));
    if (!ct.inUse(cand, e)) return cand;
  }
  return want;
}

/** Apply a NAT target to the connection's reply tuple (first packet only). */
export function bindNat(
  ct: Conntrack,
  e: CtEntry,
  manip: Manip,
  to: { addr: number; ports?: PortRange; addr6?: bigint },
  random: boolean,
): void {
  const v6 = e.reply.v6;
  const want: Tuple =
    manip === 'SRC'
      ? {
          ...e.reply,
          ...(v6 ? { v6: { src: v6.src, dst: to.addr6 ?? v6.dst } } : {}),
          dst: to.addr,
          dport: to.ports && (e.reply.proto === 6 || e.reply.proto === 17) ? to.ports.from : e.reply.dport,
        }
      : {
          ...e.reply,
          ...(v6 ? { v6: { src: to.addr6 ?? v6.src, dst: v6.dst } } : {}),
          src: to.addr,
          sport: to.ports && (e.reply.proto === 6 || e.reply.proto === 17) ? to.ports.from : e.reply.sport,
        };
  const explicitPorts = to.ports && to.ports.from !== to.ports.to ? to.ports : undefined;
  e.reply = uniqueReply(ct, e, want, manip, explicitPorts ?? to.ports, random);
  const r6 = e.reply.v6;
  const o6 = e.orig.v6;
  if (manip === 'SRC')
    e.srcNat = (r6 && o6 ? r6.dst !== o6.src : e.reply.dst !== e.orig.src) || e.reply.dport !== e.orig.sport;
  else
    e.dstNat = (r6 && o6 ? r6.src !== o6.dst : e.reply.src !== e.orig.dst) || e.reply.sport !== e.orig.dport;
}

const rol32 = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** The kernel's jhash2 (include/linux/jhash.h) over 32-bit words. */
export function jhash2(k: number[], initval: number): number {
  let a = (0xdeadbeef + (k.length << 2) + initval) >>> 0;
  let b = a;
  let c = a;
  let i = 0;
  let len = k.length;
  while (len > 3) {
    a = (a + k[i]!) >>> 0;
    b = (b + k[i + 1]!) >>> 0;
    c = (c + k[i + 2]!) >>> 0;
    // __jhash_mix
    a = ((a - c) >>> 0) ^ rol32(c, 4);
    c = (c + b) >>> 0;
    b = ((b - a) >>> 0) ^ rol32(a, 6);
    a = (a + c) >>> 0;
    c = ((c - b) >>> 0) ^ rol32(b, 8);
    b = (b + a) >>> 0;
    a = ((a - c) >>> 0) ^ rol32(c, 16);
    c = (c + b) >>> 0;
    b = ((b - a) >>> 0) ^ rol32(a, 19);
    a = (a + c) >>> 0;
    c = ((c - b) >>> 0) ^ rol32(b, 4);
    b = (b + a) >>> 0;
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    len -= 3;
    i += 3;
  }
  if (len === 0) return c >>> 0;
  if (len >= 3) c = (c + k[i + 2]!) >>> 0;
  if (len >= 2) b = (b + k[i + 1]!) >>> 0;
  a = (a + k[i]!) >>> 0;
  // __jhash_final
  c = ((c ^ b) - rol32(b, 14)) >>> 0;
  a = ((a ^ c) - rol32(c, 11)) >>> 0;
  b = ((b ^ a) - rol32(a, 25)) >>> 0;
  c = ((c ^ b) - rol32(b, 16)) >>> 0;
  a = ((a ^ c) - rol32(c, 4)) >>> 0;
  b = ((b ^ a) - rol32(a, 14)) >>> 0;
  c = ((c ^ b) - rol32(b, 24)) >>> 0;
  return c >>> 0;
}

/** A network-order IPv4 address as a little-endian CPU loads it (the kernel hashes the raw __be32). */
const rawBe32 = (ip: number): number =>
  (((ip & 0xff) << 24) | (((ip >>> 8) & 0xff) << 16) | (((ip >>> 16) & 0xff) << 8) | (ip >>> 24)) >>> 0;

/**
 * The address a NAT range gives this connection; 0.0.0.0 (e.g. `--to-destination :80`) keeps `keep`.
 * find_best_ips_proto: jhash2 of the source address (as a 16-byte nf_inet_addr), seeded with the
 * destination address, scaled into the range, so a client keeps its address toward a server.
 */
export function pickAddr(r: NatRange, t: Tuple, keep: number, persistent = false): number {
  if (r.addrFrom === 0 && r.addrTo === 0) return keep;
  const dist = (r.addrTo >>> 0) - (r.addrFrom >>> 0) + 1;
  if (dist <= 1) return r.addrFrom;
  const j = jhash2([rawBe32(t.src), 0, 0, 0], persistent ? 0 : rawBe32(t.dst));
  // reciprocal_scale(j, dist): (u64)j * dist >> 32
  const scaled = Number((BigInt(j) * BigInt(dist)) >> 32n);
  return ((r.addrFrom >>> 0) + scaled) >>> 0;
}
