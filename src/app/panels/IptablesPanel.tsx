/**
 * The netns's iptables rules (`iptables -S` per table, as in iptables-save) at this step, with the
 * rules traversed at this step marked: evaluated, matched, and the one that decided.
 */
import { memo, useMemo } from 'react';
import { usePanelApp } from '../state/panelState';
import type { TableSnapshot, TraceEvent } from '../types';
import {
  decidedRuleKey,
  formatProbability,
  groupRules,
  ruleKey,
  ruleMarks,
  traversalSummary,
  type RuleMark,
} from './netfilter-select';
import { Empty, Panel } from './Panel';
import { eventAt, shownNetns, tableAt, tablesPending } from './trace-select';
import { useT } from '../i18n';

function RuleLine({
  row,
  origin,
  mark,
  decided,
}: {
  row: string;
  origin?: string;
  mark?: RuleMark;
  decided: boolean;
}) {
  const { t } = useT();
  const state = decided ? 'decided' : mark?.matched ? 'matched' : mark ? 'evaluated' : null;
  const cls =
    state === 'decided'
      ? 'bg-amber-100 font-semibold text-amber-950 ring-1 ring-amber-500 dark:bg-amber-900/70 dark:text-amber-50'
      : state === 'matched'
        ? 'bg-sky-50 text-sky-950 dark:bg-sky-950 dark:text-sky-50'
        : 'text-slate-800 dark:text-slate-200';
  const dot =
    state === 'decided'
      ? 'bg-amber-500 border-amber-600'
      : state === 'matched'
        ? 'bg-sky-600 border-sky-700 dark:bg-sky-400 dark:border-sky-300'
        : state === 'evaluated'
          ? 'border-slate-400 bg-transparent dark:border-slate-500'
          : 'border-transparent';
  const label =
    state === 'decided'
      ? t('iptables.stateDecided')
      : state === 'matched'
        ? t('iptables.stateMatched')
        : state === 'evaluated'
          ? t('iptables.stateEvaluated')
          : null;
  return (
    <li
      data-rule-state={state ?? undefined}
      aria-current={decided ? 'true' : undefined}
      title={origin ? t('panel.from', { origin }) : undefined}
      className={`flex items-start gap-1.5 rounded py-px pr-1 pl-1 ${cls}`}
    >
      <span aria-hidden="true" className={`mt-1.5 size-2 shrink-0 rounded-full border ${dot}`} />
      <span className="min-w-0 flex-1 break-words whitespace-pre-wrap">
        {row}
        {label && <span className="sr-only"> ({label})</span>}
        {decided && origin ? (
          <span className="block font-sans text-[11px] font-normal text-amber-900 dark:text-amber-200">
            {t('panel.from', { origin })}
          </span>
        ) : null}
      </span>
      {mark?.probability !== undefined && (
        <span
          className="shrink-0 rounded bg-violet-100 px-1 font-sans text-[11px] font-semibold text-violet-900 dark:bg-violet-900 dark:text-violet-50"
          title={t('iptables.probability')}
        >
          {formatProbability(mark.probability)}
        </span>
      )}
      {mark && mark.order.length > 0 && (
        <span
          className="shrink-0 font-sans text-[11px] text-slate-600 tabular-nums dark:text-slate-300"
          title={t('iptables.order')}
        >
          #{mark.order.join(',')}
        </span>
      )}
    </li>
  );
}

const Rules = memo(function Rules({
  snap,
  ev,
  netns,
}: {
  snap: TableSnapshot;
  ev: TraceEvent | undefined;
  netns: string;
}) {
  const groups = groupRules(snap);
  const marks = useMemo(() => ruleMarks(ev, netns), [ev, netns]);
  const decided = useMemo(() => decidedRuleKey(groups, ev, netns), [groups, ev, netns]);
  const { t } = useT();
  const summary = traversalSummary(ev, netns);
  return (
    <div className="space-y-2">
      {snap.total !== undefined && (
        <p className="text-xs text-slate-700 dark:text-slate-200">
          {t('iptables.partial', { shown: snap.rows.length, total: snap.total })}
        </p>
      )}
      {summary && (
        <p className="flex flex-wrap items-center gap-x-3 gap-y-0.5 text-xs text-slate-700 dark:text-slate-200">
          <span>
            {t('iptables.thisStep', {
              summary: t('iptables.summary', {
                count: ev!.traversed!.filter((r) => !r.row.startsWith('-P ')).length,
                table: ev!.traversed![0]!.table,
                chain: ev!.traversed![0]!.chain,
              }),
            })}
          </span>
          <span className="flex items-center gap-1">
            <span aria-hidden="true" className="size-2 rounded-full border border-slate-400" />
            {t('iptables.evaluated')}
          </span>
          <span className="flex items-center gap-1">
            <span aria-hidden="true" className="size-2 rounded-full border border-sky-700 bg-sky-600" />
            {t('iptables.matched')}
          </span>
          <span className="flex items-center gap-1">
            <span aria-hidden="true" className="size-2 rounded-full border border-amber-600 bg-amber-500" />
            {t('iptables.decided')}
          </span>
        </p>
      )}
      {groups.map((g) => (
        <div key={g.table} role="group" aria-label={t('iptables.table', { table: g.table })}>
          <h3 className="font-mono text-xs font-semibold text-slate-900 dark:text-slate-100">*{g.table}</h3>
          <ol data-raw="" className="font-mono text-xs leading-5">
            {g.rows.map((r) => {
              const key = ruleKey(g.table, r.row);
              return (
                <RuleLine
                  key={r.index}
                  row={r.row}
                  {...(r.origin ? { origin: r.origin } : {})}
                  {...(marks.has(key) ? { mark: marks.get(key)! } : {})}
                  decided={key === decided}
                />
              );
            })}
          </ol>
        </div>
      ))}
    </div>
  );
});

export function IptablesPanel() {
  const { t } = useT();
  const trace = usePanelApp((s) => s.trace);
  const netns = usePanelApp((s) => shownNetns(s.trace, s.step, s.selectedNetns));
  const snap = usePanelApp((s) =>
    s.trace && netns ? tableAt(s.trace, netns, 'iptables', s.step, s.netnsTables) : undefined,
  );
  const pending = usePanelApp((s) => tablesPending(s.trace, netns, s.netnsTables));
  // Only the event's marks matter to the rules: steps elsewhere keep the same (undefined) event.
  const ev = usePanelApp((s) => {
    const e = eventAt(s.trace, s.step);
    return e && e.netns === netns && (e.traversed?.length || e.decidedBy?.table === 'iptables')
      ? e
      : undefined;
  });
  const rules = snap?.rows.filter((r) => !r.startsWith('*')) ?? [];
  const onlyPolicies = rules.length > 0 && rules.every((r) => /^-P \S+ ACCEPT$/.test(r));

  return (
    <Panel
      id="iptables"
      title={t('iptables.title')}
      subtitle={netns ? `${netns} # iptables -S` : 'iptables -S'}
    >
      {!trace || !netns ? (
        <Empty>{t('panel.nothing')}</Empty>
      ) : pending && netns ? (
        <Empty>{t('panel.loadingTables', { netns })}</Empty>
      ) : !snap || rules.length === 0 ? (
        <Empty>{t('iptables.none', { netns })}</Empty>
      ) : onlyPolicies && !ev ? (
        <Empty>{t('iptables.onlyPolicies', { netns })}</Empty>
      ) : (
        <Rules snap={snap} ev={ev} netns={netns} />
      )}
    </Panel>
  );
}
