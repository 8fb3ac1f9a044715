/**
 * dig's output as BIND 9.18 prints it (bin/dig/dig.c printmessage, lib/dns/message.c and
 * masterdump.c), checked against bind9-dnsutils 9.18.49 run in a namespace:
 *
 *   ;; Got answer:
 *   ;; WARNING: .local is reserved for Multicast DNS
 *   ;; You are currently testing what happens when an mDNS query is leaked to DNS
 *   ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 31588
 *   ;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
 *   ;; WARNING: recursion requested but not available
 *
 *   ;; OPT PSEUDOSECTION:
 *   ; EDNS: version: 0, flags:; udp: 1232
 *   ; COOKIE: 3fc137853335a903 (echoed)
 *   ;; QUESTION SECTION:
 *   ;web.default.svc.cluster.local.	IN	A
 *
 *   ;; ANSWER SECTION:
 *   web.default.svc.cluster.local. 30 IN	A	10.96.0.100
 *
 * Records line up on dig's columns (TTL 24, class 32, type 40, data 48, tabs of 8) the way
 * masterdump.c's indent() reaches them: tabs while a tab stop lies before the column, one
 * space when the text already passed it. The question line's leading ";" is not counted.
 */
import { EDNS_OPTION, fqdn, type DnsLayer, type DnsOpt, type DnsRecord } from '../net/dns';

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
const TAB = 8;
const COL = { ttl: 24, class: 32, type: 40, rdata: 48 };

/** masterdump.c indent(): from column `from` to column `to` (at least one character). */
function indent(from: number, to: number): string {
  const target = Math.max(to, from + 1);
  const tabs = Math.floor(target / TAB) - Math.floor(from / TAB);
  return tabs > 0 ? '\t'.repeat(tabs) + ' '.repeat(target % TAB) : ' '.repeat(target - from);
}

/** Text laid out in columns: each piece starts at its column, or one space after the last. */
function columns(pieces: [string, number][]): string {
  let line = '';
  let at = 0;
  for (const [text, col] of pieces) {
    if (line !== '') {
      line += indent(at, col);
      at = Math.max(col, at + 1);
    }
    line += text;
    at += text.length;
  }
  return line;
}

/** A record's data as dig prints it: addresses bare, names absolute, SOA on one line. */
export function rdataText(r: DnsRecord): string {
  if (r.type === 'SOA') {
    const d = r.data;
    return `${fqdn(d.mname)} ${fqdn(d.rname)} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
  }
  return r.type === 'A' || r.type === 'AAAA' ? r.data : fqdn(r.data);
}

export function recordLine(r: DnsRecord): string {
  return columns([
    [fqdn(r.name), 0],
    [String(r.ttl), COL.ttl],
    ['IN', COL.class],
    [r.type, COL.type],
    [rdataText(r), COL.rdata],
  ]);
}

function questionLine(name: string, type: string): string {
  return `;${columns([
    [fqdn(name), 0],
    ['IN', COL.class],
    [type, COL.type],
  ])}`;
}

function flagWords(m: DnsLayer): string {
  const set: [boolean | undefined, string][] = [
    [m.qr, 'qr'],
    [m.aa, 'aa'],
    [m.tc, 'tc'],
    [m.rd, 'rd'],
    [m.ra, 'ra'],
    [m.ad, 'ad'],
    [m.cd, 'cd'],
  ];
  return set
    .filter(([on]) => on)
    .map(([, w]) => w)
    .join(' ');
}

/** The OPT pseudo-section: version, flags (do), UDP size, then the options dig knows. */
function optLines(o: DnsOpt, sentCookie: string | undefined): string[] {
  const out = [
    ';; OPT PSEUDOSECTION:',
    `; EDNS: version: ${o.version}, flags:${o.flags & 0x8000 ? ' do' : ''}; udp: ${o.udpSize}`,
  ];
  for (const x of o.options) {
    if (x.code !== EDNS_OPTION.COOKIE) continue;
    // dighost.c process_cookie: only our own client cookie came back.
    const echoed = x.data.length === 16 && x.data === sentCookie;
    out.push(`; COOKIE: ${x.data}${echoed ? ' (echoed)' : ''}`);
  }
  return out;
}

/** A name under local. (RFC 6762): dig warns that an mDNS name went to unicast DNS. */
function isDotLocal(m: DnsLayer): boolean {
  return m.question.some((q) => /(^|\.)local\.$/i.test(fqdn(q.name)));
}

/** printmessage for a reply, from ";; Got answer:" to the last section's blank line. */
export function digMessage(m: DnsLayer, sentCookie: string | undefined): string[] {
  const out = [';; Got answer:'];
  if (isDotLocal(m))
    out.push(
      ';; WARNING: .local is reserved for Multicast DNS',
      ';; You are currently testing what happens when an mDNS query is leaked to DNS',
    );
  const status = RCODE_NAMES[m.rcode] ?? `RESERVED${m.rcode}`;
  const ar = m.additional.length + (m.opt ? 1 : 0);
  out.push(
    `;; ->>HEADER<<- opcode: QUERY, status: ${status}, id: ${m.id}`,
    `;; flags: ${flagWords(m)}; QUERY: ${m.question.length}, ANSWER: ${m.answer.length}, AUTHORITY: ${m.authority.length}, ADDITIONAL: ${ar}`,
  );
  if (m.rd && !m.ra) out.push(';; WARNING: recursion requested but not available');
  out.push('');
  if (m.opt) out.push(...optLines(m.opt, sentCookie));
  out.push(';; QUESTION SECTION:', ...m.question.map((q) => questionLine(q.name, q.type)), '');
  const sections: [string, DnsRecord[]][] = [
    ['ANSWER', m.answer],
    ['AUTHORITY', m.authority],
    ['ADDITIONAL', m.additional],
  ];
  for (const [title, records] of sections) {
    if (records.length === 0) continue;
    out.push(`;; ${title} SECTION:`, ...records.map(recordLine), '');
  }
  return out;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** strftime "%a %b %d %H:%M:%S %Z %Y" in UTC, as dig's WHEN line reads with TZ unset. */
export function digWhen(epochUs: number): string {
  const d = new Date(Math.floor(epochUs / 1000));
  const two = (n: number): string => String(n).padStart(2, '0');
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${time} UTC ${d.getUTCFullYear()}`;
}

/** The trailer after a printed reply: round trip, server, time of day, reply size. */
export function digStats(rttUs: number, server: string, whenUs: number, size: number): string[] {
  return [
    `;; Query time: ${Math.floor(rttUs / 1000)} msec`,
    `;; SERVER: ${server}#53(${server}) (UDP)`,
    `;; WHEN: ${digWhen(whenUs)}`,
    `;; MSG SIZE  rcvd: ${size}`,
    '',
  ];
}

/** +short: the answer section's data, one record a line. */
export function digShort(m: DnsLayer): string[] {
  return m.answer.map(rdataText);
}
