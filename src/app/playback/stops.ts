/**
 * Where playback stops, by granularity. The step is always an event index (the one source of
 * truth); the granularity only decides which events are stops: the event that stands for each hop
 * ("Hops", a folded ARP resolution expanded into all of its events when asked), the hops with a
 * key moment ("Key moments"), or every event ("Every event").
 */
import type { Hop } from '../../engine/kernel/trace';

export const GRANULARITIES = ['hops', 'key', 'events'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** What the playback needs of a hop. */
export type HopStop = Pick<Hop, 'first' | 'last' | 'focus' | 'kind'> & { key: boolean };

export function hopStops(hops: readonly Hop[]): HopStop[] {
  return hops.map((h) => ({
    first: h.first,
    last: h.last,
    focus: h.focus,
    kind: h.kind,
    key: (h.key?.length ?? 0) > 0,
  }));
}

export interface StopContext {
  steps: number;
  hops: readonly HopStop[];
  granularity: Granularity;
  /** Indices of hops shown event by event (an expanded ARP resolution). */
  expanded: readonly number[];
}

/** The index of the hop that holds event `step` (hops partition the events in order). */
export function hopAt(hops: readonly { first: number; last: number }[], step: number): number {
  let lo = 0;
  let hi = hops.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const h = hops[mid]!;
    if (step < h.first) hi = mid - 1;
    else if (step > h.last) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * The stops of each hop list, by granularity and expanded hops: the controls ask for them several
 * times per step (back, forward, position), for every step of playback; a Trace's hops do not change.
 */
const stopCache = new WeakMap<readonly HopStop[], Map<string, readonly number[]>>();

/** Every stop, ascending. Without hops (an old Trace, a test) every event is a stop. */
export function stopsOf(c: StopContext): readonly number[] {
  if (c.granularity === 'events' || c.hops.length === 0) return Array.from({ length: c.steps }, (_, i) => i);
  let byKind = stopCache.get(c.hops);
  if (!byKind) stopCache.set(c.hops, (byKind = new Map()));
  const key = `${c.granularity}:${c.expanded.join(',')}`;
  let stops = byKind.get(key);
  if (!stops) byKind.set(key, (stops = computeStops(c)));
  return stops;
}

function computeStops(c: StopContext): number[] {
  const out: number[] = [];
  const last = c.hops.length - 1;
  c.hops.forEach((h, i) => {
    if (c.expanded.includes(i)) {
      for (let s = h.first; s <= h.last; s++) out.push(s);
    } else if (i === last) {
      // The journey ends where the Trace ends (the delivery or the drop, and the verdict), so End,
      // play and a link to the last event agree whatever the last hop's own focus is.
      out.push(h.last);
    } else if (c.granularity === 'hops' || h.key || i === 0) {
      // Key moments still start at the first hop and end at the last, so play has a beginning and an end.
      out.push(h.focus);
    }
  });
  return out;
}

/** The first stop after `step`, or undefined at the end. */
export function nextStop(c: StopContext, step: number): number | undefined {
  if (c.granularity === 'events' || c.hops.length === 0) return step + 1 < c.steps ? step + 1 : undefined;
  return stopsOf(c).find((s) => s > step);
}

/** The last stop before `step`, or undefined at the start. */
export function prevStop(c: StopContext, step: number): number | undefined {
  if (c.granularity === 'events' || c.hops.length === 0) return step > 0 ? step - 1 : undefined;
  const stops = stopsOf(c);
  for (let i = stops.length - 1; i >= 0; i--) if (stops[i]! < step) return stops[i];
  return undefined;
}

export function firstStop(c: StopContext): number {
  return stopsOf(c)[0] ?? 0;
}

export function lastStop(c: StopContext): number {
  const s = stopsOf(c);
  return s[s.length - 1] ?? 0;
}

/** Which stop (1-based) `step` is at or just after, and how many stops there are. */
export function stopPosition(c: StopContext, step: number): { n: number; total: number } {
  const stops = stopsOf(c);
  let n = 0;
  while (n < stops.length && stops[n]! <= step) n++;
  return { n: Math.max(1, n), total: stops.length };
}
