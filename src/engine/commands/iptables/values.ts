/** The values rule options take (addresses, interfaces, ports, marks, TCP flags), as iptables reads them. */
import { maskOf, parseIp } from '../../net/ipv4';
import { networkOf6, parseIp6 } from '../../net/ipv6';
import { parsePort } from '../../kernel/netfilter/tables';
import type { AddrMatch, IfaceMatch, PortRange } from '../../kernel/netfilter/types';
import { param } from './errors';
import type { RuleSpec } from './spec';

/** "10.0.0.1", "10.0.0.0/8", "10.0.0.0/255.0.0.0" -> AddrMatch (host bits cleared, like iptables). */
export function parseAddr(s: string, neg: boolean): AddrMatch {
  const slash = s.indexOf('/');
  const host = slash < 0 ? s : s.slice(0, slash);
  let len = 32;
  if (slash >= 0) {
    const m = s.slice(slash + 1);
    if (/^\d+$/.test(m) && Number(m) <= 32) len = Number(m);
    else {
      const dotted = parseIp(m);
      const l = dotted === null ? -1 : contiguousLen(dotted);
      if (l < 0) throw param(`invalid mask \`${m}' specified`);
      len = l;
    }
  }
  const addr = parseIp(host);
  if (addr === null) throw param(`host/network \`${host}' not found`);
  return { addr: (addr & maskOf(len)) >>> 0, len, neg };
}

/** ip6tables' "2001:db8::1", "2001:db8::/64" (xtables_ip6parse_any; host bits cleared). */
export function parseAddr6(s: string, neg: boolean): AddrMatch {
  const slash = s.indexOf('/');
  const host = slash < 0 ? s : s.slice(0, slash);
  let len = 128;
  if (slash >= 0) {
    const m = s.slice(slash + 1);
    if (!/^\d+$/.test(m) || Number(m) > 128) throw param(`invalid mask \`${m}' specified`);
    len = Number(m);
  }
  const addr = parseIp6(host);
  if (addr === null) throw param(`host/network \`${host}' not found`);
  return { addr: 0, len, neg, addr6: networkOf6(addr, len) };
}

export function contiguousLen(mask: number): number {
  for (let len = 0; len <= 32; len++) if (maskOf(len) === mask >>> 0) return len;
  return -1;
}

export function parseIface(flag: string, s: string, neg: boolean): IfaceMatch {
  if (s.length > 15) throw param(`interface name \`${s}' must be shorter than IFNAMSIZ (15)`);
  void flag;
  return { name: s, neg };
}

/** A "80", "1000:2000", ":1024", "1024:" port or range (tcp/udp --sport/--dport). */
export function parsePortRange(s: string, proto: string): PortRange {
  const colon = s.indexOf(':');
  const one = (p: string, dflt: number): number => {
    if (p === '') return dflt;
    const n = parsePort(p, proto);
    if (n === null) throw param(`invalid port/service \`${p}' specified`);
    return n;
  };
  if (colon < 0) {
    const n = one(s, -1);
    if (n < 0) throw param(`invalid port/service \`${s}' specified`);
    return { from: n, to: n };
  }
  const from = one(s.slice(0, colon), 0);
  const to = one(s.slice(colon + 1), 65535);
  if (from > to) throw param('invalid portrange (min > max)');
  return { from, to };
}

export function parseUint(s: string): number | null {
  if (/^0x[0-9a-f]+$/i.test(s)) return parseInt(s.slice(2), 16);
  if (/^0[0-7]*$/.test(s)) return parseInt(s, 8);
  if (/^[1-9]\d*$/.test(s)) return Number(s);
  return null;
}

/** "V[/M]" marks; null when malformed or out of 32-bit range. */
export function parseMarkMask(s: string): { value: number; mask?: number } | null {
  const [v, m, extra] = s.split('/');
  if (extra !== undefined) return null;
  const value = parseUint(v!);
  if (value === null || value > 0xffffffff) return null;
  if (m === undefined) return { value };
  const mask = parseUint(m);
  if (mask === null || mask > 0xffffffff) return null;
  return { value, mask };
}

export const CT_STATES = new Set<string>([
  'NEW',
  'ESTABLISHED',
  'RELATED',
  'INVALID',
  'UNTRACKED',
  'SNAT',
  'DNAT',
]);
export const ADDR_TYPES = new Set<string>([
  'UNSPEC',
  'UNICAST',
  'LOCAL',
  'BROADCAST',
  'ANYCAST',
  'MULTICAST',
  'BLACKHOLE',
  'UNREACHABLE',
  'PROHIBIT',
  'THROW',
  'NAT',
  'XRESOLVE',
]);
export const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'];

export function parseTcpFlags(s: string): string[] {
  const out = new Set<string>();
  for (const f of s.split(',')) {
    const u = f.toUpperCase();
    if (u === 'ALL') TCP_FLAGS.forEach((x) => out.add(x));
    else if (u === 'NONE') continue;
    else if (TCP_FLAGS.includes(u)) out.add(u);
    else throw param(`Unknown TCP flag \`${f}'`);
  }
  return TCP_FLAGS.filter((x) => out.has(x));
}

export function protoOf(spec: RuleSpec): string {
  return spec.proto && !spec.proto.neg ? spec.proto.name : '';
}

export function onlyOnce(mod: string, opt: string, present: boolean): void {
  if (present) throw param(`${mod}: option "--${opt}" can only be used once.\n`);
}
