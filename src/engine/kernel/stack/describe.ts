/** Short human descriptions of a frame for explanations ("ICMP echo request 10.0.0.1 > 10.0.0.2"). */
import type { Layer } from '../../net/layers';
import { formatSummary } from '../../net/tcpdump';

/**
 * The last few frames described, by identity: layers are immutable once built (see
 * skb.ts), and a frame is described where it is sent and again where it arrives.
 */
const RECENT = 8;
const recentLayers: (readonly Layer[] | undefined)[] = Array.from({ length: RECENT }, () => undefined);
const recentText: string[] = Array.from({ length: RECENT }, () => '');
let nextSlot = 0;

export function describeFrame(layers: Layer[]): string {
  for (let i = 0; i < RECENT; i++) if (recentLayers[i] === layers) return recentText[i]!;
  const text = formatSummary({ layers, payload: 0 });
  recentLayers[nextSlot] = layers;
  recentText[nextSlot] = text;
  nextSlot = (nextSlot + 1) % RECENT;
  return text;
}
