/**
 * Every event of the Trace under the hop it belongs to, filterable by kind group (the list only:
 * playback still steps through every hop), clickable to seek; windowed so 1000+ events stay cheap.
 */
import { memo, useEffect, useMemo, useRef, useState, type RefObject, type UIEvent } from 'react';
import { sendPlayback } from '../playback/actor';
import { usePanelApp } from '../state/panelState';
import type { Hop } from '../../engine/kernel/trace';
import type { Trace, TraceEvent } from '../types';
import { Empty, Panel } from './Panel';
import { KIND_GROUPS, kindGroup, type KindGroup } from './trace-select';
import { useT } from '../i18n';
import { Explained } from '../i18n/Explained';

const ROW = 26;
const HEIGHT = 260;
const OVERSCAN = 6;

/** One row; memoised so a step re-renders only the rows whose highlight changed. */
const EventRow = memo(function EventRow({
  ev,
  top,
  current,
}: {
  ev: TraceEvent;
  top: number;
  current: boolean;
}) {
  const { t } = useT();
  return (
    <li style={{ top, height: ROW }} className="absolute inset-x-0">
      <button
        type="button"
        onClick={() => sendPlayback({ type: 'SEEK', step: ev.step })}
        aria-current={current ? 'step' : undefined}
        className={`flex h-full w-full items-center gap-2 rounded px-1 text-left text-xs ${
          current
            ? 'bg-sky-100 font-semibold text-sky-950 dark:bg-sky-900 dark:text-sky-50'
            : 'text-slate-800 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800'
        } ${ev.kind === 'drop' ? 'text-red-800 dark:text-red-300' : ''}`}
      >
        <span className="w-8 shrink-0 text-right font-mono tabular-nums">{ev.step + 1}</span>
        <span className="w-24 shrink-0 truncate font-mono">{t(`kind.${ev.kind}`)}</span>
        <span data-raw="" className="w-28 shrink-0 truncate">
          {ev.netns}
          {ev.interface ? `·${ev.interface}` : ''}
        </span>
        <span className="min-w-0 flex-1 truncate">
          <Explained explain={ev.explain} />
        </span>
      </button>
    </li>
  );
});

/** A hop's heading: its number, chapter and title; clicking it goes to the event that stands for it. */
const HopRow = memo(function HopRow({
  hop,
  n,
  top,
  current,
}: {
  hop: Hop;
  n: number;
  top: number;
  current: boolean;
}) {
  const { t } = useT();
  return (
    <li style={{ top, height: ROW }} className="absolute inset-x-0" data-hop={n}>
      <button
        type="button"
        onClick={() => sendPlayback({ type: 'SEEK', step: hop.focus })}
        className={`flex h-full w-full items-center gap-2 rounded px-1 text-left text-xs font-semibold ${
          current
            ? 'text-sky-900 dark:text-sky-100'
            : 'text-slate-900 hover:bg-slate-100 dark:text-slate-100 dark:hover:bg-slate-800'
        } ${hop.reply ? 'border-l-4 border-violet-500' : 'border-l-4 border-sky-600'}`}
      >
        <span className="shrink-0">{t('events.hop', { n })}</span>
        <span className="shrink-0 font-normal">{t(`chapter.${hop.chapter}`)}</span>
        <span className="min-w-0 flex-1 truncate">
          <Explained explain={hop.explain} />
        </span>
      </button>
    </li>
  );
});

type Row = { hop: Hop; n: number } | { ev: TraceEvent };

/** Hop headings with their events under them; a heading stays when the filter hides all its events. */
function rowsOf(trace: Trace | null, only: ReadonlySet<KindGroup>): Row[] {
  if (!trace) return [];
  const keep = (e: TraceEvent) => only.size === 0 || only.has(kindGroup(e));
  const hops = trace.hops ?? [];
  if (hops.length === 0) return trace.events.filter(keep).map((ev) => ({ ev }));
  const out: Row[] = [];
  hops.forEach((hop, i) => {
    out.push({ hop, n: i + 1 });
    for (let s = hop.first; s <= hop.last; s++)
      if (keep(trace.events[s]!)) out.push({ ev: trace.events[s]! });
  });
  return out;
}

/** The kind groups the list is filtered to (none: every event), and a chip's toggle. */
function useKindFilter() {
  const [only, setOnly] = useState<ReadonlySet<KindGroup>>(new Set());
  const toggle = (g: KindGroup) =>
    setOnly((cur) => {
      const next = new Set(cur);
      if (next.has(g)) next.delete(g);
      else next.add(g);
      return next;
    });
  return { only, toggle };
}

/** The row of the current event, or, when the filter hides it, its hop's heading. */
function currentRow(rows: Row[], step: number): number {
  const i = rows.findIndex((r) => 'ev' in r && r.ev.step === step);
  if (i >= 0) return i;
  return rows.findIndex((r) => 'hop' in r && r.hop.first <= step && step <= r.hop.last);
}

/**
 * Keep the current event in view as playback moves: the list is drawn at once for the position it
 * moves to (adjusted while rendering, not by a second render after the scroll event), and the
 * position is written in the next frame, whose own layout that write's replaces. The scroll event
 * that write causes is not read back (reading scrollTop after a commit forces a layout of the page).
 */
function useFollowScroll(rows: Row[], step: number) {
  const [scrollTop, setScrollTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const currentIndex = useMemo(() => currentRow(rows, step), [rows, step]);
  const [followed, setFollowed] = useState(-1);
  if (currentIndex !== followed) {
    setFollowed(currentIndex);
    const top = currentIndex * ROW;
    if (currentIndex >= 0 && (top < scrollTop || top + ROW > scrollTop + HEIGHT))
      setScrollTop(Math.max(0, Math.min(top - HEIGHT / 2, rows.length * ROW - HEIGHT)));
  }
  // The position the list's box has (what was read from it, or written to it).
  const atTopRef = useRef(0);
  // A position written and not yet seen in a scroll event.
  const writtenRef = useRef<number | null>(null);
  useScrollWrite(box, scrollTop, atTopRef, writtenRef);
  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    // Our own write (see above): the list is already drawn there.
    if (writtenRef.current !== null) {
      writtenRef.current = null;
      return;
    }
    atTopRef.current = e.currentTarget.scrollTop;
    setScrollTop(atTopRef.current);
  };
  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + HEIGHT) / ROW) + OVERSCAN);
  return { box, onScroll, first, last };
}

/** Writes `scrollTop` to the box once a frame, the latest position however many steps came in between. */
function useScrollWrite(
  box: RefObject<HTMLDivElement | null>,
  scrollTop: number,
  atTopRef: RefObject<number>,
  writtenRef: RefObject<number | null>,
): void {
  const frame = useRef(0);
  const seen = useRef(0);
  useEffect(
    () => () => {
      cancelAnimationFrame(frame.current);
      cancelAnimationFrame(seen.current);
    },
    [],
  );
  useEffect(() => {
    const el = box.current;
    if (!el || scrollTop === atTopRef.current) return;
    atTopRef.current = scrollTop;
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (writtenRef.current === atTopRef.current) return;
      writtenRef.current = atTopRef.current;
      el.scrollTop = atTopRef.current;
      // Its scroll event comes before the next frame's callbacks; a write that moved nothing has none.
      cancelAnimationFrame(seen.current);
      seen.current = requestAnimationFrame(() => {
        writtenRef.current = null;
      });
    });
  }, [box, scrollTop, atTopRef, writtenRef]);
}

/** The kind-group chips: each filters the list to its kinds (several: any of them). */
function KindFilter({ only, toggle }: ReturnType<typeof useKindFilter>) {
  const { t } = useT();
  return (
    <div role="group" aria-label={t('events.filter')} className="mb-2 flex flex-wrap gap-1">
      {KIND_GROUPS.map((g) => (
        <button
          key={g}
          type="button"
          aria-pressed={only.has(g)}
          onClick={() => toggle(g)}
          className={`rounded-full border px-2 py-0.5 text-xs ${
            only.has(g)
              ? 'border-sky-600 bg-sky-600 text-white'
              : 'border-slate-300 text-slate-700 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-200 dark:hover:bg-slate-800'
          }`}
        >
          {t(`kindGroup.${g}`)}
        </button>
      ))}
    </div>
  );
}

/** The rows in view (and a few around), in a box as tall as all of them. */
function EventList({ rows, step }: { rows: Row[]; step: number }) {
  const { t } = useT();
  const { box, onScroll, first, last } = useFollowScroll(rows, step);
  return (
    <div ref={box} onScroll={onScroll} style={{ height: HEIGHT }} className="relative overflow-y-auto">
      <ol style={{ height: rows.length * ROW }} className="relative" aria-label={t('events.list')}>
        {rows
          .slice(first, last)
          .map((r, k) =>
            'ev' in r ? (
              <EventRow key={r.ev.step} ev={r.ev} top={(first + k) * ROW} current={r.ev.step === step} />
            ) : (
              <HopRow
                key={`h${r.n}`}
                hop={r.hop}
                n={r.n}
                top={(first + k) * ROW}
                current={r.hop.first <= step && step <= r.hop.last}
              />
            ),
          )}
      </ol>
    </div>
  );
}

export function EventLogPanel() {
  const { t } = useT();
  const trace = usePanelApp((s) => s.trace);
  const step = usePanelApp((s) => s.step);
  const filter = useKindFilter();
  const rows = useMemo(() => rowsOf(trace, filter.only), [trace, filter.only]);
  const shown = useMemo(() => rows.filter((r) => 'ev' in r).length, [rows]);
  return (
    <Panel
      className="col-span-full"
      id="events"
      title={t('events.title')}
      subtitle={trace ? t('events.count', { shown, total: trace.events.length }) : undefined}
    >
      <KindFilter {...filter} />
      {!trace ? (
        <Empty>{t('events.none')}</Empty>
      ) : shown === 0 ? (
        <Empty>{t('events.noneOfKinds')}</Empty>
      ) : (
        <EventList rows={rows} step={step} />
      )}
    </Panel>
  );
}
