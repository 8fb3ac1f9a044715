/** The compare view's content: the summary (verdicts, where the journeys part and why) and the aligned table. */
import { useEffect, useRef } from 'react';
import type { TraceEvent } from '../types';
import type { Comparison } from './compare';
import { fmt } from './strings';

function Cell({ e, part }: { e?: TraceEvent; part: boolean }) {
  if (!e) return <td className="px-2 py-0.5 text-slate-400">—</td>;
  return (
    <td
      className={`px-2 py-0.5 align-top ${part ? 'bg-amber-100 dark:bg-amber-900' : ''} ${e.kind === 'drop' ? 'text-red-800 dark:text-red-200' : ''}`}
      title={e.explanation}
    >
      <span className="text-slate-500 tabular-nums dark:text-slate-400">{e.step}</span>{' '}
      <span className="font-semibold">{e.kind}</span> {e.netns}
      {e.interface ? `/${e.interface}` : ''}
    </td>
  );
}

export function CompareSummary({ result }: { result: Comparison }) {
  return (
    <div className="mb-2 space-y-1" data-testid="compare-summary">
      <p className="font-medium">
        {fmt('compare.verdict', { before: result.verdicts.before, after: result.verdicts.after })}
      </p>
      {result.partAt === null ? (
        <p>{fmt('compare.same')}</p>
      ) : (
        <>
          <p>
            {fmt('compare.part', {
              step: (result.rows[result.partAt]!.after ?? result.rows[result.partAt]!.before)!.step,
            })}
          </p>
          <p className="rounded bg-amber-50 px-2 py-1 dark:bg-amber-950">
            {fmt('compare.why', { explanation: result.why ?? '' })}
          </p>
        </>
      )}
    </div>
  );
}

export function CompareTable({ result }: { result: Comparison }) {
  const partRow = useRef<HTMLTableRowElement>(null);
  // Bring the row where the journeys part into view (inside the table's own scroller).
  useEffect(() => {
    const row = partRow.current;
    const box = row?.closest('.overflow-auto');
    if (row && box) box.scrollTop = Math.max(0, row.offsetTop - 3 * row.offsetHeight);
  }, [result]);
  return (
    <div className="max-h-80 overflow-auto rounded border border-slate-200 dark:border-slate-700">
      <table className="w-full border-collapse font-mono text-xs">
        <thead className="sticky top-0 bg-slate-100 dark:bg-slate-800">
          <tr>
            <th className="px-2 py-1 text-left">{fmt('compare.before')}</th>
            <th className="px-2 py-1 text-left">{fmt('compare.after')}</th>
          </tr>
        </thead>
        <tbody>
          {result.rows.map((r, i) => (
            <tr
              key={i}
              ref={i === result.partAt ? partRow : undefined}
              data-part={i === result.partAt ? 'true' : undefined}
              className={r.same ? '' : 'border-l-4 border-amber-500'}
            >
              <Cell e={r.before} part={i === result.partAt} />
              <Cell e={r.after} part={i === result.partAt} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
