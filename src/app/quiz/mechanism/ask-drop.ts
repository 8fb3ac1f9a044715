/**
 * "Which rule drops it?": the iptables row that decided the drop (a rule or a chain's policy) among
 * the namespace's other rows and the route the packet had. Explanations say why each other row did not.
 */
import type { Trace, TraceEvent } from '../../types';
import { arrange, msg } from './build';
import type { MChoice, MQuestion } from './types';
import { hopOf, ipOf, rowsAt } from './world';

/** The chain a row belongs to: "-P FORWARD DROP" and "-A FORWARD ..." both say FORWARD. */
const chainOf = (row: string): string => /^-[APN] (\S+)/.exec(row)?.[1] ?? '';
const accepts = (row: string): boolean => /(-j ACCEPT|-j RETURN|^-P \S+ ACCEPT)/.test(row);

export function askDrop(trace: Trace, e: TraceEvent, seed: string): Omit<MQuestion, 'step'> | null {
  if (e.kind !== 'drop' || e.decidedBy?.table !== 'iptables') return null;
  const ip = ipOf(e);
  if (!ip) return null;
  const row = e.decidedBy.row;
  const chain = String(e.explain.args.chain ?? chainOf(row));
  const v = { src: ip.src, dst: ip.dst, chain };
  const right: MChoice = {
    id: row,
    text: msg('c.row', { row }),
    why: msg(row.startsWith('-P') ? 'w.drop.right-policy' : 'w.drop.right-rule', { ...v, row }),
  };
  const h = hopOf(trace, e.step);
  // The route the packet had: a tempting culprit that did not drop it.
  const routes: MChoice[] = [];
  for (let j = h?.first ?? e.step; j < e.step; j++) {
    const d = trace.events[j]!.decidedBy;
    if (trace.events[j]!.kind === 'route-lookup' && d?.table === 'routes')
      routes.push({
        id: d.row,
        text: msg('c.row', { row: d.row }),
        why: msg('w.drop.route', { row: d.row, chain }),
      });
  }
  const rowChoice = (r: string): MChoice => ({
    id: r,
    text: msg('c.row', { row: r }),
    why:
      chainOf(r) !== chain
        ? msg('w.drop.other-chain', { ...v, row: r })
        : accepts(r)
          ? msg('w.drop.accepts', { row: r })
          : msg('w.drop.no-match', { ...v, row: r }),
  });
  const rows = rowsAt(trace, e.netns, 'iptables', e.step).filter((r) => /^-[AP] /.test(r) && r !== row);
  // Rows of the same chain first (what the packet met), then the route, then the other chains.
  const pool = [
    ...rows.filter((r) => chainOf(r) === chain).map(rowChoice),
    ...routes,
    ...rows.filter((r) => chainOf(r) !== chain).map(rowChoice),
  ];
  const c = arrange(right, pool, seed);
  if (!c) return null;
  return {
    kind: 'drop',
    event: e.step,
    netns: e.netns,
    prompt: msg('p.drop', { ...v, netns: e.netns }),
    ...c,
    decided: { table: 'iptables', netns: e.netns, row },
  };
}
