/**
 * Where to stand in a new Trace of the same flow (a command typed in the terminal, an edit): at
 * the same event if the journey still has it, else at the nearest earlier one. Pure, no DOM.
 *
 * An event is "the same" when it is the same kind of event on the same device for the same
 * packet (its own addresses: a reply or an ICMP error is another packet), counted in order: the
 * second route lookup in node A is still the second one. Events before the first difference are
 * the same by position.
 */
import type { Layer } from '../../engine/net/layers';
import type { TraceEvent } from '../../engine/kernel/trace';
import { ownLayers } from '../canvas/ownLayers';

type Events = readonly Pick<TraceEvent, 'kind' | 'netns' | 'interface' | 'packet'>[];

function addresses(packet: readonly Layer[] | undefined): string {
  if (!packet) return '';
  const own = ownLayers(packet);
  for (let i = own.length - 1; i >= 0; i--) {
    const l = own[i]!;
    if (l.proto === 'ipv4') return `${l.src}>${l.dst}/${l.protocol}`;
    if (l.proto === 'arp') return `arp ${l.op} ${l.spa}>${l.tpa}`;
  }
  return '';
}

const signature = (e: Events[number]): string =>
  `${e.kind}|${e.netns}|${e.interface ?? ''}|${addresses(e.packet)}`;

/** The event of `after` that stands where event `step` of `before` stood. */
export function equivalentStep(before: Events, step: number, after: Events): number {
  if (after.length === 0) return 0;
  const at = Math.max(0, Math.min(step, before.length - 1));
  const was = before.map(signature);
  const now = after.map(signature);
  let same = 0;
  while (same < was.length && same < now.length && was[same] === now[same]) same++;
  if (at < same) return at;
  // The n-th event with this signature stays the n-th one.
  const wanted = was[at];
  let n = 0;
  for (let i = 0; i < at; i++) if (was[i] === wanted) n++;
  for (let i = 0; i < now.length; i++) {
    if (now[i] !== wanted) continue;
    if (n === 0) return i;
    n--;
  }
  // Gone: the journey now ends, or turns, before it got there. Where it ended (a drop) is the
  // nearest earlier place it shares with the old journey; otherwise the last event both had.
  for (let i = same; i < now.length; i++) if (after[i]!.kind === 'drop') return i;
  return Math.max(0, Math.min(same, now.length) - 1);
}
