import type { Layer, Packet } from './layers';

/**
 * Shared packet builders for the net tests (plain data, no engine logic). Not a test file itself:
 * a module with tests in it registers them only on its first import in a worker.
 */
export const eth = (src: string, dst: string, type = 0x0800): Layer => ({ proto: 'eth', src, dst, type });
export const ip = (
  src: string,
  dst: string,
  protocol: number,
  extra: Partial<{ ttl: number; id: number; df: boolean; tos: number }> = {},
): Layer => ({
  proto: 'ipv4',
  src,
  dst,
  ttl: extra.ttl ?? 64,
  protocol,
  id: extra.id ?? 0,
  df: extra.df ?? true,
  tos: extra.tos ?? 0,
});
export const echo = (type: 0 | 8, id = 1, seq = 1): Layer => ({ proto: 'icmp', type, code: 0, id, seq });
export const pkt = (payload: number, ...layers: Layer[]): Packet => ({ layers, payload });

/** Hex string -> bytes, whitespace ignored: expected wire images are written out by hand. */
export const hex = (s: string): Uint8Array =>
  Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((h) => parseInt(h, 16)));

/** Independent reference RFC 1071 sum, deliberately naive, so hand-built frames don't lean on checksum.ts. */
export function refChecksum(words: number[]): number {
  let s = 0;
  for (const w of words) s += w;
  while (s > 0xffff) s = (s >>> 16) + (s & 0xffff);
  return ~s & 0xffff;
}
