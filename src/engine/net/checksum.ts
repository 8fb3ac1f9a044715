/**
 * RFC 1071 internet checksum. Sums are kept unfolded in a plain number (safe far past
 * any frame size) and folded once at the end, so partial sums over several ranges —
 * pseudo-header plus segment — can simply be added.
 */

/** One's-complement partial sum of bytes[start, end) as big-endian 16-bit words; odd tail padded with 0. */
export function onesSum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (i < end) sum += (bytes[i] as number) << 8;
  return sum;
}

/** Fold carries into 16 bits and complement: the value to store in a checksum field. */
export function finishChecksum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return finishChecksum(onesSum(bytes, start, end));
}

/** Partial sum of the IPv4 pseudo-header (RFC 768 / RFC 793): src, dst, zero, protocol, length. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

/**
 * Checksum of a UDP/TCP segment bytes[start, end) under the IPv4 pseudo-header. The
 * segment's own checksum field must be zero when this is called.
 */
export function transportChecksum(
  bytes: Uint8Array,
  start: number,
  end: number,
  src: number,
  dst: number,
  protocol: number,
): number {
  return finishChecksum(onesSum(bytes, start, end, pseudoHeaderSum(src, dst, protocol, end - start)));
}
