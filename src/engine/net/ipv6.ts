/**
 * IPv6 addresses (RFC 4291) as 128-bit bigints for prefix maths, printed in the canonical
 * text form of RFC 5952 (what inet_ntop, iproute2 and tcpdump print): lower-case hex,
 * leading zeros dropped, the longest run of two or more zero groups (the first of equal
 * runs) compressed to "::", and, as glibc prints them, ::ffff:0:0/96 and ::0.0.1.0 and above
 * ending in a dotted quad.
 */
import { formatIp, parseIp } from './ipv4';
import { macToBytes } from './mac';

const ALL = (1n << 128n) - 1n;

/** One group: 1-4 hex digits. */
function parseGroup(s: string): number | null {
  return /^[0-9a-fA-F]{1,4}$/.test(s) ? parseInt(s, 16) : null;
}

/** The groups of one side of "::"; a dotted quad may end the address (two groups). */
function parseGroups(s: string, last: boolean): number[] | null {
  if (s === '') return [];
  const parts = s.split(':');
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (last && i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIp(p);
      if (v4 === null) return null;
      out.push(v4 >>> 16, v4 & 0xffff);
      continue;
    }
    const g = parseGroup(p);
    if (g === null) return null;
    out.push(g);
  }
  return out;
}

/** inet_pton(AF_INET6): null for anything that is not an IPv6 address. */
export function parseIp6(s: string): bigint | null {
  if (s.length < 2 || s.length > 45 || !s.includes(':')) return null;
  const dbl = s.indexOf('::');
  let groups: number[];
  if (dbl < 0) {
    const g = parseGroups(s, true);
    if (!g || g.length !== 8) return null;
    groups = g;
  } else {
    if (s.indexOf('::', dbl + 1) >= 0) return null;
    const head = parseGroups(s.slice(0, dbl), false);
    const tail = parseGroups(s.slice(dbl + 2), true);
    // "::" stands for at least one zero group.
    if (!head || !tail || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

export function groupsOf(a: bigint): number[] {
  const out: number[] = [];
  for (let i = 7; i >= 0; i--) out.push(Number((a >> BigInt(i * 16)) & 0xffffn));
  return out;
}

const printed = new Map<bigint, string>();

/** RFC 5952 section 4 canonical text. */
export function formatIp6(a: bigint): string {
  let s = printed.get(a);
  if (s !== undefined) return s;
  const g = groupsOf(a);
  // glibc's inet_ntop: the first 96 bits zero (the zero run 6 groups long) or ::ffff:0:0/96 end in a dotted quad.
  const v4 = formatIp(Number(a & 0xffffffffn));
  if (a >> 32n === 0xffffn) s = `::ffff:${v4}`;
  else if (a >> 32n === 0n && g[6] !== 0) s = `::${v4}`;
  else {
    // The longest run of zero groups, at least two long; the first wins a tie.
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8;) {
      let j = i;
      while (j < 8 && g[j] === 0) j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j === i ? i + 1 : j;
    }
    const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
    s = best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
  }
  if (printed.size >= 65536) printed.clear();
  printed.set(a, s);
  return s;
}

/** "2001:db8::1/64" -> {addr, len}; the length is optional (128) as `ip -6 addr add` takes it. */
export function parseCidr6(s: string, lenRequired = false): { addr: bigint; len: number } | null {
  const slash = s.indexOf('/');
  if (slash < 0) {
    const addr = lenRequired ? null : parseIp6(s);
    return addr === null ? null : { addr, len: 128 };
  }
  const addr = parseIp6(s.slice(0, slash));
  const lenStr = s.slice(slash + 1);
  if (addr === null || !/^(0|[1-9]\d{0,2})$/.test(lenStr)) return null;
  const len = Number(lenStr);
  return len > 128 ? null : { addr, len };
}

export function maskOf6(len: number): bigint {
  return len <= 0 ? 0n : (ALL << BigInt(128 - Math.min(len, 128))) & ALL;
}

export function networkOf6(a: bigint, len: number): bigint {
  return a & maskOf6(len);
}

export function inPrefix6(a: bigint, net: bigint, len: number): boolean {
  return networkOf6(a, len) === networkOf6(net, len);
}

/** The prefix as `ip -6 route` prints it ("default" is the caller's business). */
export function prefix6ToString(a: bigint, len: number): string {
  return `${formatIp6(networkOf6(a, len))}/${len}`;
}

/** ff00::/8. */
export function isMulticast6(a: bigint): boolean {
  return a >> 120n === 0xffn;
}

/** fe80::/10. */
export function isLinkLocal6(a: bigint): boolean {
  return a >> 118n === 0x3fan;
}

export const LOOPBACK6 = 1n;
export const ALL_NODES6 = parseIp6('ff02::1')!;
export const ALL_ROUTERS6 = parseIp6('ff02::2')!;

/** The scope `ip -6 addr` prints for a unicast address (ipv6_addr_scope): host, link or global. */
export function scopeOf6(a: bigint): 'host' | 'link' | 'global' {
  if (a === LOOPBACK6) return 'host';
  if (isLinkLocal6(a)) return 'link';
  if (isMulticast6(a)) {
    const sc = Number((a >> 112n) & 0xfn);
    return sc === 1 ? 'host' : sc === 2 ? 'link' : 'global';
  }
  return 'global';
}

/**
 * The modified EUI-64 interface identifier of a 48-bit MAC (RFC 4291 appendix A,
 * addrconf_ifid_eui48): ff:fe in the middle and the universal/local bit flipped.
 */
export function eui64(mac: string): bigint {
  const b = macToBytes(mac);
  const id = [b[0]! ^ 0x02, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!];
  let v = 0n;
  for (const x of id) v = (v << 8n) | BigInt(x);
  return v;
}

/** fe80::/64 plus the EUI-64 identifier: the link-local address addrconf gives a device. */
export function linkLocalFromMac(mac: string): bigint {
  return (0xfe80n << 112n) | eui64(mac);
}

/** ff02::1:ffXX:XXXX, the solicited-node group of `a` (RFC 4291 2.7.1, addrconf_addr_solict_mult). */
export function solicitedNode(a: bigint): bigint {
  return parseIp6('ff02::1:ff00:0')! | (a & 0xffffffn);
}

/** 33:33 and the group's low 32 bits (RFC 2464 section 7, ipv6_eth_mc_map). */
export function multicastMac6(a: bigint): string {
  const low = Number(a & 0xffffffffn);
  const bytes = [0x33, 0x33, low >>> 24, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff];
  return bytes.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** The 16 bytes of an address, for encoding. */
export function ip6Bytes(a: bigint): number[] {
  const out: number[] = [];
  for (let i = 15; i >= 0; i--) out.push(Number((a >> BigInt(i * 8)) & 0xffn));
  return out;
}

export function ip6FromBytes(b: Uint8Array, off: number): bigint {
  let v = 0n;
  for (let i = 0; i < 16; i++) v = (v << 8n) | BigInt(b[off + i]!);
  return v;
}
