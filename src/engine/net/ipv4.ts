/**
 * IPv4 address arithmetic on uint32 numbers. Addresses travel through the engine as
 * dotted-quad strings (see layers.ts); these helpers convert at the edges where the
 * kernel model needs prefix maths (routing lookups, on-link checks, broadcast).
 *
 * Every result is normalised with `>>> 0` because JS bitwise operators yield signed
 * int32, and 0x80000000 and above would otherwise come out negative.
 */

/**
 * Strict dotted quad: exactly four decimal octets 0-255, no whitespace, no leading
 * zeros (inet_aton would read "010" as octal 8; rejecting it avoids that ambiguity).
 * Scanned by character: every hop of every packet parses its header's addresses.
 */
export function parseIp(s: string): number | null {
  const n = s.length;
  if (n < 7 || n > 15) return null;
  let out = 0;
  let parts = 0;
  let v = 0;
  let digits = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      // "."; the end of the string closes the last octet the same way.
      if (digits === 0 || v > 255 || ++parts > 4) return null;
      out = out * 256 + v;
      v = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // At most three digits, and no leading zero ("0" alone is fine).
      if (digits === 3 || (digits === 1 && v === 0)) return null;
      v = v * 10 + (c - 48);
      digits++;
    } else return null;
  }
  return parts === 4 ? out : null;
}

/** Printed addresses, shared by every world (a world prints the same few addresses again and again). */
const printed = new Map<number, string>();

export function formatIp(n: number): string {
  const u = n >>> 0;
  let s = printed.get(u);
  if (s === undefined) {
    if (printed.size >= 65536) printed.clear();
    s = `${u >>> 24}.${(u >>> 16) & 0xff}.${(u >>> 8) & 0xff}.${u & 0xff}`;
    printed.set(u, s);
  }
  return s;
}

/** "10.0.0.1/24" -> {addr, len}. The slash and a length 0-32 are required; host bits are kept. */
export function parseCidr(s: string): { addr: number; len: number } | null {
  const slash = s.indexOf('/');
  if (slash < 0) return null;
  const addr = parseIp(s.slice(0, slash));
  const lenStr = s.slice(slash + 1);
  if (addr === null || !/^(0|[1-9]\d?)$/.test(lenStr)) return null;
  const len = Number(lenStr);
  if (len > 32) return null;
  return { addr, len };
}

export function maskOf(len: number): number {
  if (len <= 0) return 0;
  if (len >= 32) return 0xffffffff;
  // Shifting by 32 is a no-op in JS, hence the explicit bounds above.
  return (0xffffffff << (32 - len)) >>> 0;
}

export function networkOf(addr: number, len: number): number {
  return (addr & maskOf(len)) >>> 0;
}

export function broadcastOf(addr: number, len: number): number {
  return (networkOf(addr, len) | ~maskOf(len)) >>> 0;
}

export function inPrefix(addr: number, net: number, len: number): boolean {
  return networkOf(addr, len) === networkOf(net, len);
}

/** 224.0.0.0/4 (class D). */
export function isMulticastIp(addr: number): boolean {
  return addr >>> 28 === 0xe;
}

/** 127.0.0.0/8. */
export function isLoopbackIp(addr: number): boolean {
  return addr >>> 24 === 127;
}

/** The prefix as `ip route` prints it: network address (host bits cleared) and length. */
export function prefixToString(addr: number, len: number): string {
  return `${formatIp(networkOf(addr, len))}/${len}`;
}

/** "255.255.255.0" -> 24, for legacy `route`/`ifconfig`; null unless the ones are contiguous. */
export function netmaskToLen(s: string): number | null {
  const m = parseIp(s);
  if (m === null) return null;
  const inv = ~m >>> 0;
  // A contiguous mask's complement is 2^k - 1, so adding 1 clears every bit it had.
  if ((inv & (inv + 1)) !== 0) return null;
  let len = 32;
  for (let v = inv; v !== 0; v >>>= 1) len--;
  return len;
}
