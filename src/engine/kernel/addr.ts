import { formatIp, parseIp } from '../net/ipv4';
import { formatIp6, parseIp6 } from '../net/ipv6';
import type { Layer } from '../net/layers';

/** An address from a header the stack built itself, so it is always well formed. */
export function ipOf(s: string): number {
  const v = parseIp(s);
  if (v === null) throw new Error(`internal: malformed address in header: ${s}`);
  return v;
}

/**
 * A socket's address of either family: an IPv4 address as a number, an IPv6 one as a
 * bigint (struct sockaddr_in vs sockaddr_in6). 0 or 0n is the wildcard (INADDR_ANY, in6addr_any).
 */
export type SockAddr = number | bigint;

export function isAny(a: SockAddr): boolean {
  return a === 0 || a === 0n;
}

export function formatAddr(a: SockAddr): string {
  return typeof a === 'bigint' ? formatIp6(a) : formatIp(a);
}

/** An address as it stands before `:port`: IPv6 in brackets (RFC 3986's IP-literal). */
export function formatHost(a: SockAddr): string {
  return typeof a === 'bigint' ? `[${formatIp6(a)}]` : formatIp(a);
}

/** `addr:port` as ss and the kernel's messages print it: IPv6 in brackets. */
export function formatEndpoint(a: SockAddr, port: number): string {
  return typeof a === 'bigint' ? `[${formatIp6(a)}]:${port}` : `${formatIp(a)}:${port}`;
}

/** The source and destination of a packet's network header (layer 0), in its own family. */
export function l3Addrs(l: Layer | undefined): { src: SockAddr; dst: SockAddr } {
  if (l?.proto === 'ipv6') {
    const src = parseIp6(l.src);
    const dst = parseIp6(l.dst);
    if (src === null || dst === null) throw new Error(`internal: malformed IPv6 header: ${l.src} > ${l.dst}`);
    return { src, dst };
  }
  if (l?.proto === 'ipv4') return { src: ipOf(l.src), dst: ipOf(l.dst) };
  throw new Error(`internal: no network header: ${l?.proto ?? 'none'}`);
}

/** A 32-bit fold of an address, for the hashes that stand in for the kernel's keyed ones. */
export function fold32(a: SockAddr): number {
  if (typeof a === 'number') return a >>> 0;
  let h = 0;
  for (let x = a; x > 0n; x >>= 32n) h = (h ^ Number(x & 0xffffffffn)) >>> 0;
  return h;
}
