/**
 * The netns's iptables rules (`iptables -S` per table, as in iptables-save) at this step, with the
 * rules traversed at this step marked: evaluated, matched, and the one that decided.
 */
import { memo, useMemo } from 'react';
import { usePanelApp } from '../state/panelState';
import type { TableSnapshot, TraceEvent } from '../types';
import {
  decidedRuleKey,
  groupRules,
  isNftEvent,
  ruleKey,
  ruleMarks,
  traversalSummary,
} from './netfilter-select';
import { RuleLegend, RuleLine } from './RuleLine';
import { Empty, Panel } from './Panel';
import { eventAt, shownNetns, tableAt, tablesPending } from './trace-select';
import { useT } from '../i18n';

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
        <RuleLegend
          summary={t('iptables.summary', {
            count: ev!.traversed!.filter((r) => !r.row.startsWith('-P ')).length,
            table: ev!.traversed![0]!.table,
            chain: ev!.traversed![0]!.chain,
          })}
        />
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
  // Only the event's marks matter to the rules: steps elsewhere keep the same (undefined) event;
  // nf_tables' steps belong to the nftables panel.
  const ev = usePanelApp((s) => {
    const e = eventAt(s.trace, s.step);
    return e &&
      e.netns === netns &&
      !isNftEvent(e) &&
      (e.traversed?.length || e.decidedBy?.table === 'iptables')
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
