/**
 * The phone's vertical journey: one row per hop (device, interface, a one-line header summary), the
 * hop's own sentence, the current one marked and kept in view; a tap goes to that hop.
 */
import { memo, useEffect, useMemo, useRef } from 'react';
import { useT } from '../i18n';
import { Explained } from '../i18n/Explained';
import { sendPlayback } from '../playback/actor';
import { usePanelApp } from '../state/panelState';
import { journeyRows, rowAt, type JourneyRow } from './journey';

const Row = memo(function Row({ row, n, current }: { row: JourneyRow; n: number; current: boolean }) {
  return (
    <li className="scroll-mt-4 scroll-mb-32">
      <button
        type="button"
        onClick={() => sendPlayback({ type: 'SEEK', step: row.focus })}
        aria-current={current ? 'step' : undefined}
        className={`flex w-full gap-3 rounded-md border-l-4 px-2 py-1.5 text-left text-sm ${
          current
            ? 'border-sky-600 bg-sky-50 dark:bg-sky-950'
            : row.reply
              ? 'border-violet-400 hover:bg-slate-100 dark:hover:bg-slate-800'
              : 'border-slate-300 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800'
        } ${row.drop ? 'border-red-600' : ''}`}
      >
        <span className="w-6 shrink-0 text-right font-mono tabular-nums text-slate-600 dark:text-slate-300">
          {n}
        </span>
        <span className="min-w-0 flex-1">
          <span className="block font-semibold break-words" data-raw="">
            {row.netns}
            {row.interfaces.length > 0 && (
              <span className="font-mono font-normal"> · {row.interfaces.join(' → ')}</span>
            )}
          </span>
          <span className="line-clamp-2 break-words text-slate-800 dark:text-slate-100">
            <Explained explain={row.explain} />
          </span>
          {row.summary && (
            <span data-raw="" className="block font-mono break-words text-slate-700 dark:text-slate-300">
              {row.summary}
            </span>
          )}
        </span>
      </button>
    </li>
  );
});

export function Journey() {
  const { t } = useT();
  const trace = usePanelApp((s) => s.trace);
  const step = usePanelApp((s) => s.step);
  // Until the first Trace arrives the list holds a screen's height: what sits below it (the lesson,
  // the explanation) then starts below the fold and the rows arriving do not push it down in view.
  const waiting = usePanelApp((s) => s.trace === null && s.error === null);
  const rows = useMemo(() => journeyRows(trace), [trace]);
  const current = rowAt(rows, step);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const el = list.current?.children[current] as HTMLElement | undefined;
    el?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  return (
    <section aria-labelledby="journey-heading" data-testid="journey" className="min-w-0">
      <h2 id="journey-heading" className="mb-1 text-base font-semibold">
        {t('layout.journeyTitle')}
      </h2>
      <ol ref={list} className={`space-y-1 ${waiting ? 'min-h-svh' : ''}`}>
        {rows.map((r, i) => (
          <Row key={r.first} row={r} n={i + 1} current={i === current} />
        ))}
      </ol>
    </section>
  );
}
