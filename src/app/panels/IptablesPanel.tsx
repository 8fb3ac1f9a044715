/**
 * The netns's xtables rules at this step: `iptables -S` per table (as in iptables-save) and,
 * where the netns has IPv6 rules, `ip6tables -S` below it (IPv4 and IPv6 are separate tables
 * in the kernel), with the rules traversed at this step marked: evaluated, matched, and the one
 * that decided.
 */
import { memo, useMemo } from 'react';
import { usePanelApp } from '../state/panelState';
import type { TableSnapshot, TraceEvent } from '../types';
import {
  decidedRuleKey,
  groupRules,
  ruleKey,
  ruleMarks,
  walkSummary,
  xtContent,
  xtEvent,
  type XtTool,
} from './netfilter-select';
import { RuleLegend, RuleList } from './RuleLine';
import { Empty, Panel } from './Panel';
import { eventAt, shownNetns, tableAt, tablesPending } from './trace-select';
import { useT } from '../i18n';

const Rules = memo(function Rules({
  snap,
  ev,
  netns,
  tool,
  nested,
}: {
  snap: TableSnapshot;
  ev: TraceEvent | undefined;
  netns: string;
  tool: XtTool;
  /** Under a section heading (both families shown): the table headings go one level down. */
  nested: boolean;
}) {
  const groups = groupRules(snap);
  const marks = useMemo(() => ruleMarks(ev, netns, groups), [ev, netns, groups]);
  const decided = useMemo(() => decidedRuleKey(groups, ev, netns, tool), [groups, ev, netns, tool]);
  const { t } = useT();
  const first = ev?.traversed?.[0];
  const H = nested ? 'h4' : 'h3';
  return (
    <div className="space-y-2">
      {snap.total !== undefined && (
        <p className="text-xs text-slate-700 dark:text-slate-200">
          {t('iptables.partial', { shown: snap.rows.length, total: snap.total })}
        </p>
      )}
      {ev && first && <RuleLegend summary={ruleSummary(ev.traversed!, tool, t)} />}
      {groups.map((g) => (
        <RuleList
          key={`${g.legacy ? 'legacy ' : ''}${g.table}`}
          label={t(tool === 'ip6tables' ? 'ip6tables.table' : 'iptables.table', { table: g.table })}
          heading={
            <H className="font-mono text-xs font-semibold text-slate-900 dark:text-slate-100">
              *{g.table}
              {g.legacy ? ' (iptables-legacy)' : ''}
            </H>
          }
          items={g.rows.map((r) => {
            const key = ruleKey(g.table, r.row);
            return {
              index: r.index,
              row: r.row,
              origin: r.origin,
              mark: marks.get(key),
              decided: key === decided,
            };
          })}
        />
      ))}
    </div>
  );
});

/** One family's listing: its rules, or why there are none. */
function XtListing({ tool, netns, nested }: { tool: XtTool; netns: string; nested: boolean }) {
  const { t } = useT();
  const snap = usePanelApp((s) =>
    s.trace ? tableAt(s.trace, netns, tool, s.step, s.netnsTables) : undefined,
  );
  // Only this family's event marks its rules: other steps keep the same (undefined) event.
  const ev = usePanelApp((s) => xtEvent(eventAt(s.trace, s.step), netns, tool));
  const content = xtContent(snap);
  const v6 = tool === 'ip6tables';
  const body =
    !snap || content === 'none' ? (
      <Empty>{t(v6 ? 'ip6tables.none' : 'iptables.none', { netns })}</Empty>
    ) : content === 'policies' && !ev ? (
      <Empty>{t(v6 ? 'ip6tables.onlyPolicies' : 'iptables.onlyPolicies', { netns })}</Empty>
    ) : (
      <Rules snap={snap} ev={ev} netns={netns} tool={tool} nested={nested} />
    );
  if (!nested) return body;
  return (
    <div className="space-y-1">
      <h3 className="text-xs font-semibold text-slate-800 dark:text-slate-100">
        {t(v6 ? 'iptables.sectionV6' : 'iptables.sectionV4')}
      </h3>
      {body}
    </div>
  );
}

export function IptablesPanel() {
  const { t } = useT();
  const trace = usePanelApp((s) => s.trace);
  const netns = usePanelApp((s) => shownNetns(s.trace, s.step, s.selectedNetns));
  const pending = usePanelApp((s) => tablesPending(s.trace, netns, s.netnsTables));
  // ip6tables joins when the netns has IPv6 rules, or its (policy) verdict decided this step.
  const v6 = usePanelApp(
    (s) =>
      !!s.trace &&
      !!netns &&
      (xtContent(tableAt(s.trace, netns, 'ip6tables', s.step, s.netnsTables)) === 'rules' ||
        !!xtEvent(eventAt(s.trace, s.step), netns, 'ip6tables')),
  );
  const tools = v6 ? 'iptables -S; ip6tables -S' : 'iptables -S';

  return (
    <Panel id="iptables" title={t('iptables.title')} subtitle={netns ? `${netns} # ${tools}` : tools}>
      {!trace || !netns ? (
        <Empty>{t('panel.nothing')}</Empty>
      ) : pending ? (
        <Empty>{t('panel.loadingTables', { netns })}</Empty>
      ) : (
        <div className="space-y-3">
          <XtListing tool="iptables" netns={netns} nested={v6} />
          {v6 && <XtListing tool="ip6tables" netns={netns} nested />}
        </div>
      )}
    </Panel>
  );
}

function ruleSummary(
  traversed: NonNullable<TraceEvent['traversed']>,
  tool: XtTool,
  t: ReturnType<typeof useT>['t'],
): string {
  const w = walkSummary(traversed);
  if (w.policy) return t('iptables.summaryPolicy', { table: w.table, chain: w.chain, verdict: w.policy });
  const { count, table, chain } = w;
  return t(tool === 'ip6tables' ? 'ip6tables.summary' : 'iptables.summary', { count, table, chain });
}
