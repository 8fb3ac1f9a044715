/**
 * The headers that are the packet's own (pure, no imports but types): kept apart from model.ts so
 * the playback can use it without bringing the canvas's wording into the first download.
 */
import type { Layer } from '../../engine/net/layers';

/** ICMP types whose body quotes the datagram that caused them (RFC 792; Linux's icmp_is_err). */
const ICMP_ERRORS = new Set([3, 4, 5, 11, 12]);

/**
 * The packet's own headers: an ICMP error quotes the header of the datagram it is about after
 * its own, and that quoted header is not the packet (an unreachable is not an echo request).
 */
export function ownLayers(layers: readonly Layer[]): readonly Layer[] {
  const i = layers.findIndex((l) => l.proto === 'icmp' && ICMP_ERRORS.has(l.type));
  return i < 0 ? layers : layers.slice(0, i + 1);
}
