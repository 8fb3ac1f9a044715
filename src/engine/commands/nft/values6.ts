/**
 * nft's IPv6 datatypes: ipv6_addr (an address, prefix or range, held as a 128-bit interval),
 * icmpv6_type and icmpv6_code (named as nft prints them) and nf_proto (meta nfproto), with
 * nft's own words for bad input.
 */
import { parseIp } from '../../net/ipv4';
import { formatIp6, maskOf6, parseIp6 } from '../../net/ipv6';
import type { NftElem } from '../../kernel/netfilter/nft-types';
import { NftError, type Token } from './lex';

/** icmp6_type_tbl, in value order (a set of them lists in this order). */
export const ICMPV6_TYPES: [string, number][] = [
  ['destination-unreachable', 1],
  ['packet-too-big', 2],
  ['time-exceeded', 3],
  ['parameter-problem', 4],
  ['echo-request', 128],
  ['echo-reply', 129],
  ['mld-listener-query', 130],
  ['mld-listener-report', 131],
  ['mld-listener-done', 132],
  ['nd-router-solicit', 133],
  ['nd-router-advert', 134],
  ['nd-neighbor-solicit', 135],
  ['nd-neighbor-advert', 136],
  ['nd-redirect', 137],
  ['router-renumbering', 138],
  ['ind-neighbor-solicit', 141],
  ['ind-neighbor-advert', 142],
  ['mld2-listener-report', 143],
];

/** icmpv6_code_tbl: the destination-unreachable codes nft names (2, beyond scope, it does not). */
export const ICMPV6_CODES: [string, number][] = [
  ['no-route', 0],
  ['admin-prohibited', 1],
  ['addr-unreachable', 3],
  ['port-unreachable', 4],
  ['policy-fail', 5],
  ['reject-route', 6],
];

/** nfproto_tbl: NFPROTO_IPV4 and NFPROTO_IPV6. */
export const NFPROTOS: [string, number][] = [
  ['ipv4', 2],
  ['ipv6', 10],
];

const ALL = (1n << 128n) - 1n;

/** One address as getaddrinfo(AF_INET6) resolves it: an IPv4 address is the wrong family. */
function addr6(s: string, t: Token): bigint {
  const a = parseIp6(s);
  if (a !== null) return a;
  const why = parseIp(s) !== null ? 'Address family for hostname not supported' : 'Name or service not known';
  throw new NftError(`Could not resolve hostname: ${why}`, t.at, t.len);
}

/** `2001:db8::1`, `fd00::/64` (nft keeps the network part) or `2001:db8::1-2001:db8::9`. */
export function addr6Elem(t: Token): NftElem {
  const s = t.text;
  const dash = s.indexOf('-');
  if (dash > 0) {
    const lo = addr6(s.slice(0, dash), t);
    const hi = addr6(s.slice(dash + 1), t);
    if (hi < lo) throw new NftError('Range has zero or negative size', t.at, t.len);
    return { lo: 0, hi: 0, a6: { lo, hi }, text: `${formatIp6(lo)}-${formatIp6(hi)}` };
  }
  const [ip, len] = s.split('/');
  const a = addr6(ip!, t);
  if (len === undefined) return { lo: 0, hi: 0, a6: { lo: a, hi: a }, text: formatIp6(a) };
  const n = Number(len);
  if (!/^\d+$/.test(len)) throw new NftError('syntax error, unexpected string', t.at, t.len);
  if (n > 128) throw new NftError(`Prefix length ${n} is invalid for type of 128 bits width`, t.at, t.len);
  const lo = a & maskOf6(n);
  const hi = lo | (~maskOf6(n) & ALL);
  return { lo: 0, hi: 0, a6: { lo, hi }, text: n === 128 ? formatIp6(lo) : `${formatIp6(lo)}/${n}` };
}
