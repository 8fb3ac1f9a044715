/**
 * "Which table decides the next hop?": the route row the lookup chose (the event's decidedBy) among
 * the namespace's other rows. Every choice's explanation reads the row as the kernel does: the local
 * table first (ip rule 0), then the longest prefix of main.
 */
import type { Trace, TraceEvent } from '../../types';
import { arrange, msg } from './build';
import type { MChoice, MQuestion } from './types';
import { readRoute, routeHolds, rowsAt, type RouteRow } from './world';

function whyRight(r: RouteRow, dst: string, netns: string): MChoice['why'] {
  if (r.table === 'local') return msg('w.route.right-local', { dst, netns, row: r.row });
  if (r.table === 'main' && r.len === 0) return msg('w.route.right-default', { dst, row: r.row });
  if (r.table === 'main') return msg('w.route.right-main', { dst, row: r.row, len: r.len });
  return msg('w.route.right-other', { dst, row: r.row, len: r.len, table: r.table });
}

function whyWrong(r: RouteRow, best: RouteRow, dst: string, netns: string): MChoice['why'] {
  if (r.table === 'local' && !(r.type === 'local' && routeHolds(r, dst)))
    return msg('w.route.local-other', { row: r.row, netns, prefix: r.prefix, dst });
  if (routeHolds(r, dst) && r.type === 'unicast')
    return msg('w.route.shorter', { row: r.row, dst, len: r.len, best: best.len });
  return msg('w.route.nomatch', { row: r.row, prefix: r.prefix, dst });
}

export function askRoute(trace: Trace, e: TraceEvent, seed: string): Omit<MQuestion, 'step'> | null {
  if (e.kind !== 'route-lookup' || e.decidedBy?.table !== 'routes' || typeof e.explain.args.dst !== 'string')
    return null;
  const dst = e.explain.args.dst;
  const best = readRoute(e.decidedBy.row);
  if (!best) return null;
  const rows = rowsAt(trace, e.netns, 'routes', e.step)
    .filter((r) => r !== best.row)
    .map(readRoute)
    .filter((r): r is RouteRow => r !== null && r.type !== 'broadcast');
  // The most tempting first: rows that hold dst with a shorter prefix, then main's, then local's.
  const rank = (r: RouteRow) => (routeHolds(r, dst) ? 0 : r.table === best.table ? 1 : 2);
  rows.sort((a, b) => rank(a) - rank(b));
  const choice = (r: RouteRow, why: MChoice['why']): MChoice => ({
    id: r.row,
    text: msg('c.route', { table: r.table, row: r.row }),
    why,
  });
  const c = arrange(
    choice(best, whyRight(best, dst, e.netns)),
    rows.map((r) => choice(r, whyWrong(r, best, dst, e.netns))),
    seed,
  );
  if (!c) return null;
  return {
    kind: 'route',
    event: e.step,
    netns: e.netns,
    prompt: msg('p.route', { netns: e.netns, dst }),
    ...c,
    decided: { table: 'routes', netns: e.netns, row: best.row },
  };
}
