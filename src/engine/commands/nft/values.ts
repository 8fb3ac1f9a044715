/**
 * nft's datatypes: a value as typed (an address, prefix or range, a port or service name, a
 * protocol, an interface name, a mark, ct state flags, an ICMP type) parsed into the element
 * the kernel stores, with the text nft prints for it; errors in nft's own words.
 */
import { formatIp, parseIp } from '../../net/ipv4';
import type { NftDatatype, NftElem, NftField } from '../../kernel/netfilter/nft-types';
import { NftError, type Token, type Tokens } from './lex';
import { addr6Elem, ICMPV6_CODES, ICMPV6_TYPES, NFPROTOS } from './values6';

export const FIELD_TYPE: Record<NftField, NftDatatype> = {
  'ip saddr': 'ipv4_addr',
  'ip daddr': 'ipv4_addr',
  'ip protocol': 'inet_proto',
  'ip6 saddr': 'ipv6_addr',
  'ip6 daddr': 'ipv6_addr',
  'ip6 nexthdr': 'inet_proto',
  'ip6 hoplimit': 'uint8',
  'meta nfproto': 'nf_proto',
  'meta l4proto': 'inet_proto',
  'meta iifname': 'ifname',
  'meta oifname': 'ifname',
  'meta iif': 'ifname',
  'meta oif': 'ifname',
  'meta mark': 'mark',
  'ct mark': 'mark',
  'ct state': 'ct_state',
  'ct status': 'ct_status',
  'tcp dport': 'inet_service',
  'tcp sport': 'inet_service',
  'udp dport': 'inet_service',
  'udp sport': 'inet_service',
  'th dport': 'inet_service',
  'th sport': 'inet_service',
  'icmp type': 'icmp_type',
  'icmpv6 type': 'icmpv6_type',
  'icmpv6 code': 'icmpv6_code',
  'fib saddr type': 'fib_addrtype',
  'fib daddr type': 'fib_addrtype',
  numgen: 'integer',
};

const PROTOS: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  // /etc/protocols' name first (nft prints it), then the alias nft also reads.
  'ipv6-icmp': 58,
  icmpv6: 58,
  sctp: 132,
};
const SERVICES: Record<string, number> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  http: 80,
  https: 443,
  ntp: 123,
  bgp: 179,
};
export const CT_STATES: [string, number][] = [
  ['invalid', 1],
  ['established', 2],
  ['related', 4],
  ['new', 8],
  ['untracked', 64],
];
const CT_STATUS: [string, number][] = [
  ['expected', 1],
  ['seen-reply', 2],
  ['assured', 4],
  ['confirmed', 8],
  ['snat', 16],
  ['dnat', 32],
  ['dying', 512],
];
const ICMP_TYPES: [string, number][] = [
  ['echo-reply', 0],
  ['destination-unreachable', 3],
  ['source-quench', 4],
  ['redirect', 5],
  ['echo-request', 8],
  ['router-advertisement', 9],
  ['router-solicitation', 10],
  ['time-exceeded', 11],
  ['parameter-problem', 12],
  ['timestamp-request', 13],
  ['timestamp-reply', 14],
  ['info-request', 15],
  ['info-reply', 16],
  ['address-mask-request', 17],
  ['address-mask-reply', 18],
];

const num = (s: string): number | undefined => (/^(0x[0-9a-f]+|\d+)$/i.test(s) ? Number(s) : undefined);

function addrElem(t: Token): NftElem {
  const s = t.text;
  const bad = (): NftError =>
    new NftError('Could not resolve hostname: Name or service not known', t.at, t.len);
  const range = /^([^-]+)-([^-]+)$/.exec(s);
  if (range) {
    const a = parseIp(range[1]!);
    const b = parseIp(range[2]!);
    if (a === null || b === null) throw bad();
    if (b >>> 0 < a >>> 0) throw new NftError('Range has zero or negative size', t.at, t.len);
    return { lo: a >>> 0, hi: b >>> 0, text: `${formatIp(a)}-${formatIp(b)}` };
  }
  const [ip, len] = s.split('/');
  const a = parseIp(ip!);
  if (a === null) throw bad();
  if (len === undefined) return { lo: a >>> 0, hi: a >>> 0, text: formatIp(a) };
  const n = Number(len);
  if (!/^\d+$/.test(len) || n > 32) throw bad();
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  const lo = (a & mask) >>> 0;
  const hi = (lo | (~mask >>> 0)) >>> 0;
  return { lo, hi, text: n === 32 ? formatIp(lo) : `${formatIp(lo)}/${n}` };
}

function serviceElem(t: Token): NftElem {
  const one = (s: string): number => {
    const n = num(s) ?? SERVICES[s];
    if (n === undefined)
      throw new NftError('Could not resolve service: Servname not supported for ai_socktype', t.at, t.len);
    if (n > 65535) throw new NftError('Service out of range', t.at, t.len);
    return n;
  };
  const [a, b] = t.text.split('-');
  const lo = one(a!);
  const hi = b === undefined ? lo : one(b);
  if (hi <= lo && b !== undefined) throw new NftError('Range has zero or negative size', t.at, t.len);
  return { lo, hi, text: lo === hi ? `${lo}` : `${lo}-${hi}` };
}

function namedElem(t: Token, table: [string, number][], what: string): NftElem {
  const hit = table.find(([n]) => n === t.text);
  const n = hit ? hit[1] : num(t.text);
  if (n === undefined) throw new NftError(`Could not parse ${what}`, t.at, t.len);
  const name = table.find(([, v]) => v === n)?.[0] ?? String(n);
  return { lo: n, hi: n, text: name };
}

/** A protocol by /etc/protocols name or number (getprotobyname's failure in nft's words). */
function protoElem(t: Token): NftElem {
  if (num(t.text) === undefined && PROTOS[t.text] === undefined)
    throw new NftError('Could not resolve protocol name', t.at, t.len);
  return namedElem(t, Object.entries(PROTOS), 'protocol');
}

/** RTN_* as nft's fib_addr_type names them (rtnetlink.h order). */
export const FIB_ADDR_TYPES: [string, number][] = [
  ['unspec', 0],
  ['unicast', 1],
  ['local', 2],
  ['broadcast', 3],
  ['anycast', 4],
  ['multicast', 5],
  ['blackhole', 6],
  ['unreachable', 7],
  ['prohibit', 8],
  ['throw', 9],
  ['nat', 10],
  ['xresolve', 11],
];

/** A single value of a datatype, as typed in one token. */
export function parseElem(type: NftDatatype, t: Token): NftElem {
  switch (type) {
    case 'ipv4_addr':
      return addrElem(t);
    case 'ipv6_addr':
      return addr6Elem(t);
    case 'nf_proto':
      return namedElem(t, NFPROTOS, 'netfilter protocol');
    case 'icmpv6_type':
      return namedElem(t, ICMPV6_TYPES, 'ICMPv6 type');
    case 'icmpv6_code':
      return namedElem(t, ICMPV6_CODES, 'icmpv6 code');
    case 'inet_service':
      return serviceElem(t);
    case 'inet_proto':
      return protoElem(t);
    case 'icmp_type':
      return namedElem(t, ICMP_TYPES, 'ICMP type');
    case 'ct_state':
      return namedElem(t, CT_STATES, 'conntrack state');
    case 'ct_status':
      return namedElem(t, CT_STATUS, 'conntrack status');
    case 'ifname':
      return { lo: 0, hi: 0, s: t.text, text: `"${t.text}"` };
    case 'fib_addrtype': {
      const hit = FIB_ADDR_TYPES.find(([n]) => n === t.text);
      if (!hit) throw new NftError('Could not parse fib address type', t.at, t.len);
      return { lo: hit[1], hi: hit[1], text: hit[0] };
    }
    case 'mark': {
      const n = num(t.text);
      if (n === undefined || n > 0xffffffff) throw new NftError('Could not parse mark', t.at, t.len);
      return { lo: n, hi: n, text: `0x${n.toString(16).padStart(8, '0')}` };
    }
    case 'uint8': {
      const n = num(t.text);
      if (n === undefined) throw new NftError('Could not parse integer', t.at, t.len);
      if (n > 255) throw new NftError(`Value ${n} exceeds valid range 0-255`, t.at, t.len);
      return { lo: n, hi: n, text: String(n) };
    }
    case 'integer': {
      const n = num(t.text);
      if (n === undefined) throw new NftError('Could not parse integer', t.at, t.len);
      return { lo: n, hi: n, text: String(n) };
    }
    case 'verdict':
      throw new NftError('syntax error, unexpected verdict', t.at, t.len);
  }
}

/** Flag types (ct state a,b): several names make one bitmask, printed in bit order with commas. */
export function flagsElem(type: 'ct_state' | 'ct_status', elems: NftElem[]): NftElem {
  const table = type === 'ct_state' ? CT_STATES : CT_STATUS;
  const mask = elems.reduce((m, e) => m | e.lo, 0);
  const text = table
    .filter(([, b]) => mask & b)
    .map(([n]) => n)
    .join(',');
  return { lo: mask, hi: mask, text };
}

/** Bytes a datatype takes in a concatenation, and whether they are in network order. */
const WIDTH: Partial<Record<NftDatatype, [number, boolean]>> = {
  ipv4_addr: [4, true],
  ipv6_addr: [16, true],
  inet_proto: [1, true],
  inet_service: [2, true],
  mark: [4, false],
  integer: [4, false],
};

/**
 * concat_expr_msort_value: the parts' bytes one after another, read as one host-endian
 * (little-endian) number, so the last byte weighs most. The key compares by it.
 */
function concatKey(e: NftElem, types: NftDatatype[]): number[] {
  const bytes: number[] = [];
  const parts = e.parts ?? [e];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const [n, be] = WIDTH[types[i]!] ?? [4, true];
    const a6 = p.a6?.lo;
    // Byte k of the value, least significant first; network-order types go in most significant first.
    const byte = (k: number): number =>
      a6 !== undefined ? Number((a6 >> BigInt(8 * k)) & 0xffn) : Math.floor(p.lo / 256 ** k) % 256;
    for (let k = 0; k < n; k++) bytes.push(byte(be ? n - 1 - k : k));
  }
  return bytes.reverse();
}

/**
 * nft lists set elements sorted (expr_msort_cmp): values in key order, interface names as
 * strings, concatenations by their bytes read little-endian.
 */
export function sortElems<T extends { lo: number; s?: string; a6?: NftElem['a6']; parts?: NftElem[] }>(
  xs: T[],
  types?: NftDatatype[],
): T[] {
  return sortBy(xs, (x) => x, types);
}

type SortKey = { lo: number; s?: string; a6?: NftElem['a6']; parts?: NftElem[]; text?: string };

/**
 * expr_msort_cmp on two keys. A concatenation's byte key is computed once per key object
 * (a set of 10,000 Services sorts and searches by it over and over).
 */
export function keyCmp(types?: NftDatatype[]): (x: SortKey, y: SortKey) => number {
  const bytes = new WeakMap<SortKey, number[]>();
  const bytesOf = (e: SortKey): number[] => {
    let k = bytes.get(e);
    if (!k) bytes.set(e, (k = concatKey(e as NftElem, types!)));
    return k;
  };
  return (x, y) => {
    if (x.s !== undefined && y.s !== undefined) return x.s.localeCompare(y.s);
    if (x.a6 && y.a6) return x.a6.lo < y.a6.lo ? -1 : x.a6.lo > y.a6.lo ? 1 : 0;
    if (x.parts && y.parts && types) {
      const kx = bytesOf(x);
      const ky = bytesOf(y);
      for (let i = 0; i < kx.length; i++) if (kx[i] !== ky[i]) return kx[i]! - ky[i]!;
      return 0;
    }
    return x.lo - y.lo;
  };
}

export function sortBy<T>(xs: T[], key: (x: T) => SortKey, types?: NftDatatype[]): T[] {
  // One element (kube-proxy's `add element` statements) is in order already.
  if (xs.length < 2) return xs.slice();
  const cmp = keyCmp(types);
  return [...xs].sort((a, b) => cmp(key(a), key(b)));
}

export const TYPE_NAMES: NftDatatype[] = [
  'ipv4_addr',
  'ipv6_addr',
  'inet_proto',
  'ifname',
  'mark',
  'inet_service',
  'ct_state',
  'ct_status',
  'icmp_type',
  'icmpv6_type',
  'verdict',
];

/**
 * One element of a key of these datatypes: a single value, or a concatenation whose parts
 * are separated by `.` tokens. A concatenation orders by its first part.
 */
export function parseKeyElem(types: NftDatatype[], ts: Tokens): NftElem {
  const first = parseElem(types[0]!, ts.next());
  if (types.length === 1) return first;
  const parts = [first];
  for (const type of types.slice(1)) {
    if (!ts.accept('.')) throw ts.unexpected();
    parts.push(parseElem(type, ts.next()));
  }
  return { lo: first.lo, hi: first.hi, text: parts.map((p) => p.text).join(' . '), parts };
}
