/** The journey before and after the changes, side by side: aligned events, where they part and why. */
import { useEffect, useRef, useState } from 'react';
import { appStore } from '../state/store';
import type { TraceEvent } from '../types';
import { callWorker } from '../worker/client';
import { compareTraces, type Comparison } from './compare';
import { fmt } from './strings';
import { shareUi } from './uiStore';

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

export default function CompareView() {
  const [result, setResult] = useState<Comparison | { error: string } | null>(null);
  const partRow = useRef<HTMLTableRowElement>(null);
  // Bring the row where the journeys part into view (inside the table's own scroller).
  useEffect(() => {
    const row = partRow.current;
    const box = row?.closest('.overflow-auto');
    if (row && box) box.scrollTop = Math.max(0, row.offsetTop - 3 * row.offsetHeight);
  }, [result]);

  useEffect(() => {
    let live = true;
    const s = appStore.getState();
    if (!s.scenarioId || !s.flowId) return;
    const builtin = shareUi.getState().builtinCatalog?.some((c) => c.id === s.scenarioId);
    const after = { scenarioId: s.scenarioId, flowId: s.flowId, execs: s.execs };
    const yaml = s.scenarioText;
    // Before: the built-in scenario when there is one, else the edited text; without the terminal's changes.
    const beforeReq = { ...after, execs: [], ...(builtin || yaml === null ? {} : { yaml }) };
    const afterReq = { ...after, ...(yaml !== null ? { yaml } : {}) };
    Promise.all([
      callWorker({ type: 'trace', ...beforeReq }),
      callWorker({ type: 'trace', ...afterReq }),
    ]).then(
      ([b, a]) => live && setResult(compareTraces(b, a)),
      (e: unknown) => live && setResult({ error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, []);

  return (
    <section
      aria-label={fmt('compare.title')}
      data-testid="compare-view"
      className="flex min-h-0 flex-col rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-700 dark:bg-slate-900"
    >
      <div className="flex items-center gap-2 border-b border-slate-200 px-3 py-1.5 dark:border-slate-700">
        <h2 className="text-sm font-semibold">{fmt('compare.title')}</h2>
        <button
          type="button"
          className="ml-auto rounded px-2 text-xs hover:bg-slate-100 dark:hover:bg-slate-800"
          onClick={() => shareUi.setState({ compareOpen: false })}
        >
          {fmt('share.close')}
        </button>
      </div>
      <div className="min-h-0 overflow-auto px-3 py-2 text-sm">
        {result === null ? (
          <p role="status">{fmt('compare.running')}</p>
        ) : 'error' in result ? (
          <p role="alert" className="text-red-800 dark:text-red-200">
            {fmt('compare.failed', { error: result.error })}
          </p>
        ) : (
          <>
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
          </>
        )}
      </div>
    </section>
  );
}
