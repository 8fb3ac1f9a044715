/** A kernel table of the shown netns at the current step, as the real tool prints it. */
import { usePanelApp } from '../state/panelState';
import type { PanelId } from '../state/store';
import { memo } from 'react';
import type { TableName, TableSnapshot } from '../types';
import { Empty, Panel } from './Panel';
import { decidedRow, eventAt, shownNetns, tableAt, tablesPending } from './trace-select';
import { useT } from '../i18n';

interface TablePanelProps {
  id: PanelId;
  title: string;
  table: TableName;
  /** The command that prints this table, e.g. "ip route". */
  tool: string;
  /** Shown when the netns has no such table at all. */
  missing: (netns: string) => string;
  /** Shown when the table exists but has no rows. */
  empty: (netns: string) => string;
  /** Shown when the Trace holds the table in part (TableSnapshot.total). */
  partial?: (shown: number, total: number) => string;
}

/**
 * The rows, drawn again only when the snapshot or the highlighted row changes: the panels re-render
 * on every step of playback (panelState.tsx), and a table stays the same for most of them.
 */
const TableRows = memo(function TableRows({ snap, hit }: { snap: TableSnapshot; hit: number }) {
  const { t } = useT();
  return (
    <ol data-raw="" className="font-mono text-xs leading-5">
      {snap.rows.map((row, i) => {
        const origin = snap.origins?.[i];
        const isHit = i === hit;
        return (
          <li
            key={`${i}:${row}`}
            title={origin ? t('panel.from', { origin }) : undefined}
            aria-current={isHit ? 'true' : undefined}
            className={`rounded py-px pr-1 pl-5 -indent-4 break-words whitespace-pre-wrap ${
              isHit
                ? 'bg-amber-100 font-semibold text-amber-950 ring-1 ring-amber-400 dark:bg-amber-900/60 dark:text-amber-50'
                : 'text-slate-800 dark:text-slate-200'
            }`}
          >
            {row}
            {isHit && <span className="sr-only"> {t('panel.decided')}</span>}
            {origin && isHit ? (
              <span className="block font-sans text-[11px] font-normal text-amber-900 dark:text-amber-200">
                {t('panel.from', { origin })}
              </span>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
});

export function TablePanel({ id, title, table, tool, missing, empty, partial }: TablePanelProps) {
  // Derived values as selectors: a step redraws the rows only when its snapshot or its highlighted
  // row changes, not on every step (TableRows).
  const { t } = useT();
  const hasTrace = usePanelApp((s) => s.trace !== null);
  const netns = usePanelApp((s) => shownNetns(s.trace, s.step, s.selectedNetns));
  const snap = usePanelApp((s) =>
    s.trace && netns ? tableAt(s.trace, netns, table, s.step, s.netnsTables) : undefined,
  );
  const pending = usePanelApp((s) => tablesPending(s.trace, netns, s.netnsTables));
  const hit = usePanelApp((s) =>
    snap && netns ? decidedRow(eventAt(s.trace, s.step), netns, table, snap.rows) : -1,
  );

  return (
    <Panel id={id} title={title} subtitle={netns ? `${netns} # ${tool}` : tool}>
      {!hasTrace || !netns ? (
        <Empty>{t('panel.nothing')}</Empty>
      ) : pending ? (
        <Empty>{t('panel.loadingTables', { netns })}</Empty>
      ) : !snap ? (
        <Empty>{missing(netns)}</Empty>
      ) : snap.rows.length === 0 ? (
        <Empty>{empty(netns)}</Empty>
      ) : (
        <>
          {snap.total !== undefined && partial && (
            <p className="mb-2 text-xs text-slate-700 dark:text-slate-200">
              {partial(snap.rows.length, snap.total)}
            </p>
          )}
          <TableRows snap={snap} hit={hit} />
        </>
      )}
    </Panel>
  );
}
