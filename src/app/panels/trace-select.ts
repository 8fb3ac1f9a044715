/** Pure lookups over a Trace for the panels: no React, unit-tested. */
import type { Capture, EventKind, Layer, TableName, TableSnapshot, Trace, TraceEvent } from '../types';

const indexes = new WeakMap<Trace, Map<string, TableSnapshot[]>>();

function tableIndex(trace: Trace): Map<string, TableSnapshot[]> {
  let idx = indexes.get(trace);
  if (!idx) {
    idx = new Map();
    for (const t of trace.tables) {
      const key = `${t.netns}\u0000${t.table}`;
      const list = idx.get(key);
      if (list) list.push(t);
      else idx.set(key, [t]);
    }
    for (const list of idx.values()) list.sort((a, b) => a.step - b.step);
    indexes.set(trace, idx);
  }
  return idx;
}

/** Does the Trace carry this namespace's tables (the journey touches it)? Otherwise the worker has them. */
export function traceHasTables(trace: Trace, netns: string): boolean {
  // A Trace of version 1 carried every namespace.
  return trace.tableNetns === undefined || trace.tableNetns.includes(netns);
}

/** Tables of a namespace the Trace lacks, still being fetched from the worker. */
export function tablesPending(
  trace: Trace | null,
  netns: string | null,
  extra: Record<string, TableSnapshot[]>,
): boolean {
  return trace !== null && netns !== null && !traceHasTables(trace, netns) && !(netns in extra);
}

/**
 * The version of `table` in `netns` valid at `step`: the last one whose step is at or before
 * it. A namespace the Trace does not carry reads `extra` (the worker's answer, valid throughout).
 */
export function tableAt(
  trace: Trace,
  netns: string,
  table: TableName,
  step: number,
  extra?: Record<string, TableSnapshot[]>,
): TableSnapshot | undefined {
  if (!traceHasTables(trace, netns)) return extra?.[netns]?.find((t) => t.table === table);
  const list = tableIndex(trace).get(`${netns}\u0000${table}`);
  if (!list || list.length === 0) return undefined;
  let lo = 0;
  let hi = list.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.step <= step) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 ? list[found] : undefined;
}

export function eventAt(trace: Trace | null, step: number): TraceEvent | undefined {
  return trace?.events[Math.max(0, Math.min(trace.events.length - 1, step))];
}

/** The netns the panels show: the one selected, else the one of the current event. */
export function shownNetns(trace: Trace | null, step: number, selected: string | null): string | null {
  if (selected) return selected;
  return eventAt(trace, step)?.netns ?? trace?.command.netns ?? null;
}

/** The index of the row that decided this step in the given table/netns, or -1. */
export function decidedRow(
  ev: TraceEvent | undefined,
  netns: string,
  table: TableName,
  rows: string[],
): number {
  const d = ev?.decidedBy;
  if (!d || d.table !== table || d.netns !== netns) return -1;
  return rows.indexOf(d.row);
}

/** The event with a packet at or before `step` (the header stack shown at a step without a packet). */
export function packetEventAt(trace: Trace, step: number): TraceEvent | undefined {
  for (let i = Math.min(step, trace.events.length - 1); i >= 0; i--) {
    const ev = trace.events[i]!;
    if (ev.packet && ev.packet.length > 0) return ev;
  }
  return undefined;
}

/** The previous event of the same packet that carried a header stack. */
export function previousOfPacket(trace: Trace, ev: TraceEvent): TraceEvent | undefined {
  if (ev.packetId === undefined) return undefined;
  for (let i = ev.step - 1; i >= 0; i--) {
    const p = trace.events[i]!;
    if (p.packetId === ev.packetId && p.packet && p.packet.length > 0) return p;
  }
  return undefined;
}

export interface LayerDiff {
  /** The layer was not in the previous stack (an outer header added, or the first hop). */
  added: boolean;
  changed: Set<string>;
}

/**
 * Changes layer by layer, aligned from the innermost header so an added or removed outer
 * envelope does not shift the comparison.
 */
export function diffLayers(prev: Layer[] | undefined, cur: Layer[]): LayerDiff[] {
  return cur.map((layer, i) => {
    if (!prev) return { added: false, changed: new Set<string>() };
    const j = prev.length - (cur.length - i);
    const before = j >= 0 ? prev[j] : undefined;
    if (!before || before.proto !== layer.proto) return { added: true, changed: new Set<string>() };
    const changed = new Set<string>();
    const a = before as unknown as Record<string, unknown>;
    const b = layer as unknown as Record<string, unknown>;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      if (!sameField(a[k], b[k])) changed.add(k);
    return { added: false, changed };
  });
}

/**
 * Whether a header field kept its value. Fields can be lists of records (a DNS message's
 * questions and answers): each event carries its own copy of the packet, so they are compared
 * by content, not by identity.
 */
function sameField(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && sameField(ra[k], rb[k]));
}

const captureIndexes = new WeakMap<Trace, Map<number, Capture[]>>();
const NO_CAPTURES: Capture[] = [];

/** The frames captured at `step` (the same array for the same trace and step, so usable in a selector). */
export function capturesAt(trace: Trace, step: number): Capture[] {
  let idx = captureIndexes.get(trace);
  if (!idx) {
    idx = new Map();
    for (const c of trace.captures) {
      const list = idx.get(c.step);
      if (list) list.push(c);
      else idx.set(c.step, [c]);
    }
    captureIndexes.set(trace, idx);
  }
  return idx.get(step) ?? NO_CAPTURES;
}

export const KIND_GROUPS = [
  'ARP',
  'routing',
  'bridge',
  'netfilter',
  'encapsulation',
  'drops',
  'other',
] as const;
export type KindGroup = (typeof KIND_GROUPS)[number];

const GROUP_OF: Partial<Record<EventKind, KindGroup>> = {
  arp: 'ARP',
  'neigh-resolve': 'ARP',
  'route-lookup': 'routing',
  forward: 'routing',
  'icmp-error': 'routing',
  'bridge-forward': 'bridge',
  'bridge-flood': 'bridge',
  'bridge-learn': 'bridge',
  netfilter: 'netfilter',
  nat: 'netfilter',
  encap: 'encapsulation',
  decap: 'encapsulation',
  drop: 'drops',
  ignore: 'drops',
};

export function kindGroup(ev: TraceEvent): KindGroup {
  const g = GROUP_OF[ev.kind];
  if (g) return g;
  if (ev.packet?.some((l) => l.proto === 'arp')) return 'ARP';
  return 'other';
}

/** The verdict as the page shows it; `name` translates the verdict word (the reason is the engine's). */
export function verdictText(trace: Trace, name: (v: Trace['verdict']) => string = (v) => v): string {
  if (trace.verdict === 'delivered') return name('delivered');
  return trace.reason ? `${name(trace.verdict)} — ${trace.reason}` : name(trace.verdict);
}

/** Does the journey's world have an nftables ruleset (in the Trace, or a namespace the worker sent)? */
export function hasNftables(trace: Trace | null, extra: Record<string, TableSnapshot[]>): boolean {
  const has = (t: TableSnapshot) => t.table === 'nftables' && t.rows.length > 0;
  return !!trace?.tables.some(has) || Object.values(extra).some((list) => list.some(has));
}
