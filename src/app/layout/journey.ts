/**
 * The rows of the phone's vertical journey: one per hop of the Trace (the engine groups the events;
 * the UI only reads them), with the interfaces it crosses and a one-line header summary.
 */
import type { Explain, Trace } from '../types';
import { packetSummary } from './summary';
import { hopAt } from '../playback/stops';

export interface JourneyRow {
  /** Inclusive event indices. */
  first: number;
  last: number;
  /** The event the row shows (and a tap goes to). */
  focus: number;
  machine: string;
  netns: string;
  /** Interfaces crossed, in order: where the packet leaves, where it arrives. */
  interfaces: string[];
  explain: Explain;
  summary: string;
  reply: boolean;
  drop: boolean;
}

/** The event of the hop that carries the packet (the focus, else the last one that has headers). */
function withPacket(trace: Trace, focus: number, first: number, last: number): number {
  if (trace.events[focus]?.packet?.length) return focus;
  for (let i = last; i >= first; i--) if (trace.events[i]!.packet?.length) return i;
  return focus;
}

export function journeyRows(trace: Trace | null): JourneyRow[] {
  if (!trace) return [];
  return trace.hops.map((h) => {
    const named = [h.from?.interface, h.to?.interface].filter((x): x is string => !!x);
    const own = trace.events[h.focus]?.interface;
    return {
      first: h.first,
      last: h.last,
      focus: h.focus,
      machine: h.machine,
      netns: h.netns,
      interfaces: named.length ? named.filter((x, i) => named.indexOf(x) === i) : own ? [own] : [],
      explain: h.explain,
      summary: packetSummary(trace.events[withPacket(trace, h.focus, h.first, h.last)]?.packet),
      reply: h.reply,
      drop: h.key?.includes('drop') ?? false,
    };
  });
}

/** The row holding event `step` (rows partition the events, as the hops they come from do). */
export function rowAt(rows: readonly JourneyRow[], step: number): number {
  return hopAt(rows, step);
}
