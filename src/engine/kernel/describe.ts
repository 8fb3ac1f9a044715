/** Short human descriptions of a frame for explanations ("ICMP echo request 10.0.0.1 > 10.0.0.2"). */
import type { Layer } from '../net/layers';
import { formatSummary } from '../net/tcpdump';

/**
 * The last few frames described, by identity: layers are immutable once built (see
 * skb.ts), and a frame is described where it is sent and again where it arrives.
 */
const RECENT = 8;
const recentLayers: (readonly Layer[] | undefined)[] = Array.from({ length: RECENT }, () => undefined);
const recentPayload: number[] = Array.from({ length: RECENT }, () => -1);
const recentText: string[] = Array.from({ length: RECENT }, () => '');
let nextSlot = 0;

/**
 * The payload counts: a UDP or TCP length is the bytes after its header, the encapsulated
 * packet and its data included (tcpdump's "UDP, length 84" for flannel's 8285 datagram).
 */
export function describeFrame(layers: Layer[], payload: number): string {
  for (let i = 0; i < RECENT; i++)
    if (recentLayers[i] === layers && recentPayload[i] === payload) return recentText[i]!;
  const text = formatSummary({ layers, payload });
  recentLayers[nextSlot] = layers;
  recentPayload[nextSlot] = payload;
  recentText[nextSlot] = text;
  nextSlot = (nextSlot + 1) % RECENT;
  return text;
}
