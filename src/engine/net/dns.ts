/**
 * DNS messages (RFC 1035 section 4) with their real wire form, so a capture of a lookup
 * dissects in Wireshark/tshark and reads in tcpdump as a real one does.
 *
 * Names are kept fully qualified with the trailing dot, as dig and tcpdump print them.
 * Encoding writes every name in full (no compression pointers): CoreDNS packs its replies
 * uncompressed unless they would exceed the UDP size limit (request.Scrub), and glibc's
 * res_mkquery has a single name to write. Decoding follows pointers (RFC 1035 4.1.4), as
 * other servers compress.
 */
import { formatIp, parseIp } from './ipv4';
import { formatIp6, ip6FromBytes, parseIp6 } from './ipv6';

export const DNS_PORT = 53;
export const DNS_HEADER_LEN = 12;

/** RR types this model speaks, by their RFC 1035 / RFC 3596 numbers. */
export const DNS_TYPES = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, AAAA: 28 } as const;
export type DnsType = keyof typeof DNS_TYPES;

/** The OPT pseudo-record's type (RFC 6891 6.1.1): it lives in the additional section. */
export const DNS_TYPE_OPT = 41;

/** EDNS option codes this model names (IANA's registry): COOKIE is RFC 7873's. */
export const EDNS_OPTION = { NSID: 3, EXPIRE: 9, COOKIE: 10, TCP_KEEPALIVE: 11, PADDING: 12 } as const;

/**
 * The EDNS(0) OPT record (RFC 6891 6.1.2), kept apart from the other additional records
 * because its fields mean something else: CLASS is the sender's UDP payload size, TTL holds
 * the extended RCODE, the version and the flags (DO is 0x8000), RDATA a list of options.
 * It is written after the other additional records and counted in ARCOUNT.
 */
export interface DnsOpt {
  udpSize: number;
  /** The upper eight bits of the 12-bit RCODE. */
  extRcode: number;
  version: number;
  /** The 16-bit flags word: DO (DNSSEC OK) is 0x8000, the rest is Z. */
  flags: number;
  /** The options in order: code and data as lower-case hex. */
  options: { code: number; data: string }[];
}
/** RCODEs (RFC 1035 4.1.1). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface DnsQuestion {
  name: string;
  type: DnsType;
}

export interface DnsSoa {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/** A resource record, class IN. `data`: an address (A, AAAA), a name (CNAME, NS, PTR) or an SOA. */
export type DnsRecord =
  | { name: string; type: 'A' | 'AAAA' | 'CNAME' | 'NS' | 'PTR'; ttl: number; data: string }
  | { name: string; type: 'SOA'; ttl: number; data: DnsSoa };

export interface DnsLayer {
  proto: 'dns';
  id: number;
  /** QR: this is a response. */
  qr: boolean;
  /** Authoritative answer. */
  aa: boolean;
  /** Truncated. */
  tc: boolean;
  /** Recursion desired. */
  rd: boolean;
  /** Recursion available. */
  ra: boolean;
  /** Authentic data (RFC 4035 3.2.3): dig sets it in its queries; absent means clear. */
  ad?: boolean;
  /** Checking disabled (RFC 4035 3.2.2); absent means clear. */
  cd?: boolean;
  rcode: number;
  question: DnsQuestion[];
  answer: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
  /** The EDNS OPT record, when the message has one. */
  opt?: DnsOpt;
}

/** A standard query for one name and type, recursion desired, as a stub resolver sends it. */
export function dnsQuery(id: number, name: string, type: DnsType): DnsLayer {
  return {
    proto: 'dns',
    id,
    qr: false,
    aa: false,
    tc: false,
    rd: true,
    ra: false,
    rcode: 0,
    question: [{ name, type }],
    answer: [],
    authority: [],
    additional: [],
  };
}

/** A name with its trailing dot (the root is "."). */
export function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

function labels(name: string): string[] {
  const n = fqdn(name);
  return n === '.' ? [] : n.slice(0, -1).split('.');
}

function nameLength(name: string): number {
  return labels(name).reduce((s, l) => s + 1 + l.length, 1);
}

function rdataLength(r: DnsRecord): number {
  switch (r.type) {
    case 'A':
      return 4;
    case 'AAAA':
      return 16;
    case 'SOA':
      return nameLength(r.data.mname) + nameLength(r.data.rname) + 20;
    default:
      return nameLength(r.data);
  }
}

function optRdataLength(o: DnsOpt): number {
  return o.options.reduce((s, x) => s + 4 + x.data.length / 2, 0);
}

/** Bytes of the whole message, as encodeDns writes it. */
export function dnsLength(m: DnsLayer): number {
  let n = DNS_HEADER_LEN;
  for (const q of m.question) n += nameLength(q.name) + 4;
  for (const r of [...m.answer, ...m.authority, ...m.additional])
    n += nameLength(r.name) + 10 + rdataLength(r);
  // The OPT record: the root name (one byte), type, class, TTL, RDLENGTH, the options.
  if (m.opt) n += 11 + optRdataLength(m.opt);
  return n;
}

/** ARCOUNT: the additional records and the OPT record. */
export function additionalCount(m: DnsLayer): number {
  return m.additional.length + (m.opt ? 1 : 0);
}

class Writer {
  readonly out: Uint8Array;
  readonly v: DataView;
  off = 0;
  constructor(size: number) {
    this.out = new Uint8Array(size);
    this.v = new DataView(this.out.buffer);
  }
  u8(x: number): void {
    this.out[this.off++] = x;
  }
  u16(x: number): void {
    this.v.setUint16(this.off, x);
    this.off += 2;
  }
  u32(x: number): void {
    this.v.setUint32(this.off, x >>> 0);
    this.off += 4;
  }
  name(name: string): void {
    for (const l of labels(name)) {
      if (l.length === 0 || l.length > 63)
        throw new Error(`encode: bad DNS label in ${JSON.stringify(name)}`);
      this.u8(l.length);
      for (let i = 0; i < l.length; i++) this.u8(l.charCodeAt(i) & 0xff);
    }
    this.u8(0);
  }
}

function writeRecord(w: Writer, r: DnsRecord): void {
  w.name(r.name);
  w.u16(DNS_TYPES[r.type]);
  w.u16(1); // class IN
  w.u32(r.ttl);
  w.u16(rdataLength(r));
  switch (r.type) {
    case 'A': {
      const ip = parseIp(r.data);
      if (ip === null) throw new Error(`encode: bad A record address ${JSON.stringify(r.data)}`);
      w.u32(ip);
      return;
    }
    case 'AAAA': {
      const ip = parseIp6(r.data);
      if (ip === null) throw new Error(`encode: bad AAAA record address ${JSON.stringify(r.data)}`);
      for (let i = 0; i < 8; i++) w.u16(Number((ip >> BigInt(112 - 16 * i)) & 0xffffn));
      return;
    }
    case 'SOA':
      w.name(r.data.mname);
      w.name(r.data.rname);
      for (const x of [r.data.serial, r.data.refresh, r.data.retry, r.data.expire, r.data.minimum]) w.u32(x);
      return;
    default:
      w.name(r.data);
  }
}

function writeOpt(w: Writer, o: DnsOpt): void {
  w.u8(0); // the root name
  w.u16(DNS_TYPE_OPT);
  w.u16(o.udpSize);
  w.u32(((o.extRcode & 0xff) << 24) | ((o.version & 0xff) << 16) | (o.flags & 0xffff));
  w.u16(optRdataLength(o));
  for (const x of o.options) {
    if (!/^([0-9a-f]{2})*$/.test(x.data))
      throw new Error(`encode: bad EDNS option data ${JSON.stringify(x.data)}`);
    w.u16(x.code);
    w.u16(x.data.length / 2);
    for (let i = 0; i < x.data.length; i += 2) w.u8(parseInt(x.data.slice(i, i + 2), 16));
  }
}

export function encodeDns(m: DnsLayer): Uint8Array {
  const w = new Writer(dnsLength(m));
  w.u16(m.id & 0xffff);
  w.u16(
    (m.qr ? 0x8000 : 0) |
      (m.aa ? 0x0400 : 0) |
      (m.tc ? 0x0200 : 0) |
      (m.rd ? 0x0100 : 0) |
      (m.ra ? 0x0080 : 0) |
      (m.ad ? 0x0020 : 0) |
      (m.cd ? 0x0010 : 0) |
      (m.rcode & 0xf),
  );
  for (const n of [m.question.length, m.answer.length, m.authority.length, additionalCount(m)]) w.u16(n);
  for (const q of m.question) {
    w.name(q.name);
    w.u16(DNS_TYPES[q.type]);
    w.u16(1);
  }
  for (const r of [...m.answer, ...m.authority, ...m.additional]) writeRecord(w, r);
  if (m.opt) writeOpt(w, m.opt);
  return w.out;
}

class Reader {
  off: number;
  constructor(
    readonly b: Uint8Array,
    readonly v: DataView,
    off: number,
    readonly end: number,
  ) {
    this.off = off;
  }
  need(n: number): void {
    if (this.off + n > this.end) throw new RangeError('short DNS message');
  }
  u8(): number {
    this.need(1);
    return this.b[this.off++]!;
  }
  u16(): number {
    this.need(2);
    const x = this.v.getUint16(this.off);
    this.off += 2;
    return x;
  }
  u32(): number {
    this.need(4);
    const x = this.v.getUint32(this.off);
    this.off += 4;
    return x;
  }
  /** A name at the cursor, following compression pointers (each must point backwards). */
  name(base: number): string {
    const parts: string[] = [];
    let at = this.off;
    let jumped = false;
    for (let hops = 0; hops < 128; hops++) {
      if (at >= this.end) throw new RangeError('short DNS name');
      const len = this.b[at]!;
      if ((len & 0xc0) === 0xc0) {
        if (at + 1 >= this.end) throw new RangeError('short DNS pointer');
        const to = base + (((len & 0x3f) << 8) | this.b[at + 1]!);
        if (!jumped) this.off = at + 2;
        jumped = true;
        if (to >= at) throw new RangeError('DNS pointer forward');
        at = to;
        continue;
      }
      if (len > 63) throw new RangeError('bad DNS label');
      if (len === 0) {
        if (!jumped) this.off = at + 1;
        return parts.length === 0 ? '.' : `${parts.join('.')}.`;
      }
      if (at + 1 + len > this.end) throw new RangeError('short DNS label');
      parts.push(String.fromCharCode(...this.b.subarray(at + 1, at + 1 + len)));
      at += 1 + len;
    }
    throw new RangeError('DNS name loop');
  }
}

const TYPE_NAMES = new Map<number, DnsType>(Object.entries(DNS_TYPES).map(([k, v]) => [v, k as DnsType]));

function readRecord(r: Reader, base: number): DnsRecord {
  const name = r.name(base);
  const type = TYPE_NAMES.get(r.u16());
  if (r.u16() !== 1 || type === undefined) throw new RangeError('unsupported DNS record');
  const ttl = r.u32();
  const rdlen = r.u16();
  const end = r.off + rdlen;
  r.need(rdlen);
  let rec: DnsRecord;
  if (type === 'A') rec = { name, type, ttl, data: formatIp(r.u32()) };
  else if (type === 'AAAA') {
    rec = { name, type, ttl, data: formatIp6(ip6FromBytes(r.b, r.off)) };
    r.off += 16;
  } else if (type === 'SOA') {
    const mname = r.name(base);
    const rname = r.name(base);
    const [serial, refresh, retry, expire, minimum] = [r.u32(), r.u32(), r.u32(), r.u32(), r.u32()];
    rec = { name, type, ttl, data: { mname, rname, serial, refresh, retry, expire, minimum } };
  } else rec = { name, type, ttl, data: r.name(base) };
  if (r.off !== end) throw new RangeError('DNS rdata length');
  return rec;
}

/** The OPT record's fixed part and options, the cursor past its root name and type. */
function readOpt(r: Reader): DnsOpt {
  const udpSize = r.u16();
  const ttl = r.u32();
  const rdlen = r.u16();
  const end = r.off + rdlen;
  r.need(rdlen);
  const options: DnsOpt['options'] = [];
  while (r.off < end) {
    const code = r.u16();
    const len = r.u16();
    if (r.off + len > end) throw new RangeError('EDNS option length');
    const data = [...r.b.subarray(r.off, r.off + len)].map((x) => x.toString(16).padStart(2, '0')).join('');
    r.off += len;
    options.push({ code, data });
  }
  return { udpSize, extRcode: ttl >>> 24, version: (ttl >>> 16) & 0xff, flags: ttl & 0xffff, options };
}

/** The additional section: its records, and the OPT record (one at most, owned by the root). */
function readAdditional(r: Reader, base: number, n: number): { additional: DnsRecord[]; opt?: DnsOpt } {
  const additional: DnsRecord[] = [];
  let opt: DnsOpt | undefined;
  for (let i = 0; i < n; i++) {
    const start = r.off;
    const name = r.name(base);
    if (r.u16() === DNS_TYPE_OPT) {
      if (opt !== undefined || name !== '.') throw new RangeError('bad OPT record');
      opt = readOpt(r);
      continue;
    }
    r.off = start;
    additional.push(readRecord(r, base));
  }
  return opt ? { additional, opt } : { additional };
}

/**
 * The DNS message in b[off, end), or null when it is not one this model speaks (an opaque
 * payload sent to port 53 stays opaque).
 */
export function decodeDns(b: Uint8Array, off: number, end: number): DnsLayer | null {
  try {
    const r = new Reader(b, new DataView(b.buffer, b.byteOffset, b.byteLength), off, end);
    const id = r.u16();
    const flags = r.u16();
    const [qd, an, ns, ar] = [r.u16(), r.u16(), r.u16(), r.u16()];
    if ((flags & 0x7800) !== 0) return null; // opcode other than QUERY
    const question: DnsQuestion[] = [];
    for (let i = 0; i < qd; i++) {
      const name = r.name(off);
      const type = TYPE_NAMES.get(r.u16());
      if (r.u16() !== 1 || type === undefined) return null;
      question.push({ name, type });
    }
    const section = (n: number): DnsRecord[] => Array.from({ length: n }, () => readRecord(r, off));
    const answer = section(an);
    const authority = section(ns);
    const extra = readAdditional(r, off, ar);
    if (r.off !== end) return null;
    return {
      proto: 'dns',
      id,
      qr: (flags & 0x8000) !== 0,
      aa: (flags & 0x0400) !== 0,
      tc: (flags & 0x0200) !== 0,
      rd: (flags & 0x0100) !== 0,
      ra: (flags & 0x0080) !== 0,
      // AD and CD appear only when set, so a message without them reads back as it was built.
      ...((flags & 0x0020) !== 0 ? { ad: true } : {}),
      ...((flags & 0x0010) !== 0 ? { cd: true } : {}),
      rcode: flags & 0xf,
      question,
      answer,
      authority,
      ...extra,
    };
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

const RCODE_WORDS = ['', ' FormErr', ' ServFail', ' NXDomain', ' NotImp', ' Refused'];

/**
 * tcpdump's domain_print without -v: a query is `ID+ TYPE? NAME.`, a response
 * `ID[ RCODE][*][-][|] an/ns/ar` then each answer's type and data, then the length.
 */
export function tcpdumpDns(m: DnsLayer, length: number): string {
  if (!m.qr) {
    const q = m.question.map((x) => ` ${x.type}? ${fqdn(x.name)}`).join('');
    const extra =
      (m.answer.length ? ` [${m.answer.length}a]` : '') +
      (m.question.length !== 1 ? ` [${m.question.length}q]` : '') +
      (m.authority.length ? ` [${m.authority.length}n]` : '') +
      (additionalCount(m) ? ` [${additionalCount(m)}au]` : '');
    return `${m.id}${m.rd ? '+' : ''}${extra}${q} (${length})`;
  }
  const flags =
    (RCODE_WORDS[m.rcode] ?? ` Resp${m.rcode}`) + (m.aa ? '*' : '') + (m.ra ? '' : '-') + (m.tc ? '|' : '');
  const qd = m.question.length !== 1 ? ` [${m.question.length}q]` : '';
  const an = m.answer
    .map(
      (r) =>
        ` ${r.type}${r.type === 'SOA' ? '' : ` ${r.type === 'A' || r.type === 'AAAA' ? r.data : fqdn(r.data)}`}`,
    )
    .join(',');
  return `${m.id}${flags}${qd} ${m.answer.length}/${m.authority.length}/${additionalCount(m)}${an} (${length})`;
}
