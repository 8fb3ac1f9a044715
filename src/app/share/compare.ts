/**
 * Two journeys side by side: the events of the flow before and after the changes, aligned (longest
 * common subsequence over what each event did), with the first row where they part and why.
 */
import type { Trace, TraceEvent } from '../types';

export interface CompareRow {
  before?: TraceEvent;
  after?: TraceEvent;
  same: boolean;
}

export interface Comparison {
  rows: CompareRow[];
  /** Index in `rows` of the first row that differs; null when the journeys are the same. */
  partAt: number | null;
  /** The differing event's explanation (the one after the changes when there is one). */
  why: string | null;
  verdicts: { before: string; after: string };
}

/** What an event did, without its step number and time: equal signatures are the same hop. */
export function signature(e: TraceEvent): string {
  return JSON.stringify([
    e.kind,
    e.netns,
    e.interface ?? '',
    e.decidedBy?.row ?? '',
    e.reason ?? '',
    e.explanation,
    e.packet ?? null,
  ]);
}

const MAX_CELLS = 4_000_000;

export function alignEvents(a: TraceEvent[], b: TraceEvent[]): CompareRow[] {
  const sa = a.map(signature);
  const sb = b.map(signature);
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    // Too long to align: pair them by position.
    return Array.from({ length: Math.max(n, m) }, (_, i) => ({
      before: a[i],
      after: b[i],
      same: i < n && i < m && sa[i] === sb[i],
    }));
  }
  // lcs[i][j]: length of the LCS of sa[i..] and sb[j..].
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        sa[i] === sb[j]
          ? lcs[(i + 1) * w + j + 1]! + 1
          : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const rows: CompareRow[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && sa[i] === sb[j]) {
      rows.push({ before: a[i], after: b[j], same: true });
      i++;
      j++;
    } else if (i < n && j < m && lcs[(i + 1) * w + j] === lcs[i * w + j + 1]) {
      // Neither side is kept by the LCS here: show them on one row, as a change.
      rows.push({ before: a[i], after: b[j], same: false });
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
      rows.push({ before: a[i], same: false });
      i++;
    } else {
      rows.push({ after: b[j], same: false });
      j++;
    }
  }
  return rows;
}

export function compareTraces(before: Trace, after: Trace): Comparison {
  const rows = alignEvents(before.events, after.events);
  const partAt = rows.findIndex((r) => !r.same);
  const at = partAt < 0 ? null : rows[partAt]!;
  const fmtVerdict = (t: Trace) => (t.reason ? `${t.verdict} (${t.reason})` : t.verdict);
  return {
    rows,
    partAt: partAt < 0 ? null : partAt,
    why: at ? (at.after ?? at.before)!.explanation : null,
    verdicts: { before: fmtVerdict(before), after: fmtVerdict(after) },
  };
}
