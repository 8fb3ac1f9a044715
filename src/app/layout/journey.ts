/**
 * The rows of the phone's vertical journey. With the Trace's hops (the engine's grouping) each row
 * is a hop; a Trace without them is grouped here the way hops are defined: consecutive events of one
 * packet inside one netns are one stop. The UI only groups what the Trace already holds.
 */
import type { Trace, TraceEvent } from '../types';
import { packetSummary } from './summary';

export interface JourneyRow {
  /** Inclusive event indices. */
  first: number;
  last: number;
  /** The event the row shows (and a tap goes to). */
  focus: number;
  machine: string;
  netns: string;
  /** Interfaces crossed, in order, without repeats. */
  interfaces: string[];
  /** The hop's title when the Trace has hops; else empty (the row names the last event's kind). */
  title: string;
  summary: string;
  reply: boolean;
}

/** The part of the hops contract the journey reads. */
interface HopLike {
  first: number;
  last: number;
  focus: number;
  machine: string;
  netns: string;
  from?: { interface: string };
  to?: { interface: string };
  reply: boolean;
  title: string;
}

function interfacesOf(events: readonly TraceEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) if (e.interface && out[out.length - 1] !== e.interface) out.push(e.interface);
  return [...new Set(out)];
}

function withPacket(events: readonly TraceEvent[], first: number, last: number): number {
  for (let i = last; i >= first; i--) if (events[i]!.packet?.length) return i;
  return last;
}

function fromHops(trace: Trace, hops: readonly HopLike[]): JourneyRow[] {
  return hops.map((h) => {
    const span = trace.events.slice(h.first, h.last + 1);
    const named = [h.from?.interface, h.to?.interface].filter((x): x is string => !!x);
    return {
      first: h.first,
      last: h.last,
      focus: h.focus,
      machine: h.machine,
      netns: h.netns,
      interfaces: named.length ? [...new Set(named)] : interfacesOf(span),
      title: h.title,
      summary: packetSummary(trace.events[withPacket(trace.events, h.first, h.last)]?.packet),
      reply: h.reply,
    };
  });
}

function grouped(trace: Trace): JourneyRow[] {
  const rows: JourneyRow[] = [];
  const ev = trace.events;
  let start = 0;
  for (let i = 1; i <= ev.length; i++) {
    const a = ev[start]!;
    const b = ev[i];
    if (b && b.netns === a.netns && b.packetId === a.packetId) continue;
    const focus = withPacket(ev, start, i - 1);
    rows.push({
      first: start,
      last: i - 1,
      focus,
      machine: a.machine,
      netns: a.netns,
      interfaces: interfacesOf(ev.slice(start, i)),
      title: '',
      summary: packetSummary(ev[focus]!.packet),
      // Which packet is the reply is the engine's to say (hops); without hops the row does not guess.
      reply: false,
    });
    start = i;
  }
  return rows;
}

export function journeyRows(trace: Trace | null): JourneyRow[] {
  if (!trace || trace.events.length === 0) return [];
  const hops = (trace as Trace & { hops?: HopLike[] }).hops;
  return hops?.length ? fromHops(trace, hops) : grouped(trace);
}

/** The row holding event `step` (rows partition the events). */
export function rowAt(rows: readonly JourneyRow[], step: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid]!;
    if (step < r.first) hi = mid - 1;
    else if (step > r.last) lo = mid + 1;
    else return mid;
  }
  return -1;
}
