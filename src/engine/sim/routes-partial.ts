/**
 * Big routing tables in the Trace. kube-proxy's IPVS mode puts every ClusterIP on the dummy
 * kube-ipvs0, and each address brings its route in the local table: at 10,000 Services
 * `ip route show table all` is 10,000 rows, 1 MB a version. Such a table is recorded in part:
 * every route of the other tables, and of the local table only the routes the journey's
 * lookups named in that namespace. `total` says how many rows the whole table has; it stays
 * one request away (netnsTables).
 */
import type { TableSnapshot, TraceEvent } from '../kernel/trace';

/** A routing table with more rows than this is recorded in part. */
export const PARTIAL_ROUTES = 2000;

/** `ip route show table all` names the local table on each of its rows. */
const LOCAL_TABLE = / table local( |$)/;

/** Cuts the big routing tables among `tables` down to what `events` looked up (in place). */
export function partialRoutes(tables: TableSnapshot[], events: readonly TraceEvent[]): void {
  if (!tables.some((s) => s.table === 'routes' && s.rows.length > PARTIAL_ROUTES)) return;
  const named = new Map<string, Set<string>>();
  for (const e of events) {
    const d = e.decidedBy;
    if (d?.table !== 'routes') continue;
    let set = named.get(d.netns);
    if (!set) named.set(d.netns, (set = new Set()));
    set.add(d.row);
  }
  for (const snap of tables) {
    if (snap.table !== 'routes' || snap.rows.length <= PARTIAL_ROUTES) continue;
    const used = named.get(snap.netns);
    const keep: number[] = [];
    snap.rows.forEach((row, i) => {
      if (!LOCAL_TABLE.test(row) || used?.has(row)) keep.push(i);
    });
    snap.total = snap.rows.length;
    const { rows, origins } = snap;
    snap.rows = keep.map((i) => rows[i]!);
    if (origins) snap.origins = keep.map((i) => origins[i] ?? '');
  }
}
