/**
 * MAC addresses in the printed form the engine carries them in: lower-case,
 * colon-separated, two hex digits per octet (how `ip link` and tcpdump show them).
 */

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
export const ZERO_MAC = '00:00:00:00:00:00';

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** Accepts upper or lower case colon form; returns null for anything else. */
export function normalizeMac(s: string): string | null {
  const lower = s.toLowerCase();
  return MAC_RE.test(lower) ? lower : null;
}

export function isBroadcastMac(mac: string): boolean {
  return mac.toLowerCase() === BROADCAST_MAC;
}

/** I/G bit (bit 0 of the first octet) set: multicast, which includes broadcast. */
export function isMulticastMac(mac: string): boolean {
  const first = parseInt(mac.slice(0, 2), 16);
  return (first & 1) === 1;
}

/** 32-bit FNV-1a over the UTF-16 code units: tiny, deterministic, good enough spread. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Marsaglia xorshift32, to stretch the 32-bit hash to the 48 bits a MAC needs. */
function xorshift32(x: number): number {
  let v = x >>> 0 || 0x9e3779b9; // xorshift is stuck at 0, so never feed it 0
  v ^= v << 13;
  v ^= v >>> 17;
  v ^= v << 5;
  return v >>> 0;
}

/**
 * Same seed, same MAC — scenarios stay reproducible without hand-picking addresses.
 * The result is locally administered (bit 1 of the first octet set) and unicast
 * (bit 0 clear), like the random MACs Linux gives veth/bridge devices.
 */
export function macFromSeed(seed: string): string {
  const a = xorshift32(fnv1a(seed));
  const b = xorshift32(a);
  const bytes = [a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff, b >>> 24, (b >>> 16) & 0xff];
  bytes[0] = ((bytes[0] as number) & 0xfc) | 0x02;
  return bytes.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Bytes of a normalised MAC; the caller guarantees the format. */
export function macToBytes(mac: string): number[] {
  return mac.split(':').map((h) => parseInt(h, 16));
}

export function macFromBytes(b: Uint8Array, off: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 6; i++) parts.push((b[off + i] as number).toString(16).padStart(2, '0'));
  return parts.join(':');
}
