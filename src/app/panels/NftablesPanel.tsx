/**
 * The netns's nf_tables ruleset as `nft list ruleset` prints it at this step, with the rules
 * nf_tables evaluated at this step marked: evaluated, matched, and the one that decided (a
 * rule, or the base chain's policy line). Shown when the journey meets an nftables ruleset.
 */
import { memo, useMemo } from 'react';
import { useT } from '../i18n';
import { usePanelApp } from '../state/panelState';
import type { TableSnapshot, TraceEvent } from '../types';
import { nftDecidedKey, nftMarks, nftRuleKey, nftRulesEvaluated, nftTableBlocks } from './nftables-select';
import { isNftEvent } from './netfilter-select';
import { Empty, Panel } from './Panel';
import { RuleLegend, RuleList } from './RuleLine';
import { eventAt, shownNetns, tableAt, tablesPending } from './trace-select';

const Ruleset = memo(function Ruleset({
  snap,
  ev,
  netns,
}: {
  snap: TableSnapshot;
  ev: TraceEvent | undefined;
  netns: string;
}) {
  const { t } = useT();
  const blocks = nftTableBlocks(snap);
  const marks = useMemo(() => nftMarks(ev, netns), [ev, netns]);
  const decided = useMemo(() => nftDecidedKey(ev, netns), [ev, netns]);
  const first = ev?.traversed?.[0];
  return (
    <div className="space-y-2">
      {snap.total !== undefined && (
        <p className="text-xs text-slate-700 dark:text-slate-200">
          {t('nft.partial', { shown: snap.rows.length, total: snap.total })}
        </p>
      )}
      {ev && first && (
        <RuleLegend
          summary={t('nft.summary', { count: nftRulesEvaluated(ev), table: first.table, chain: first.chain })}
        />
      )}
      {blocks.map((b) => (
        <RuleList
          key={b.lines[0]!.index}
          label={t('iptables.table', { table: b.table })}
          items={b.lines.map((l) => {
            const key = l.chain ? nftRuleKey(b.table, l.chain, l.row) : null;
            const tabs = /^\t*/.exec(l.row)![0].length;
            return {
              index: l.index,
              row: l.row.slice(tabs),
              indent: tabs,
              origin: l.origin,
              mark: key ? marks.get(key) : undefined,
              decided: key !== null && key === decided,
            };
          })}
        />
      ))}
    </div>
  );
});

export function NftablesPanel() {
  const { t } = useT();
  const trace = usePanelApp((s) => s.trace);
  const netns = usePanelApp((s) => shownNetns(s.trace, s.step, s.selectedNetns));
  const snap = usePanelApp((s) =>
    s.trace && netns ? tableAt(s.trace, netns, 'nftables', s.step, s.netnsTables) : undefined,
  );
  const pending = usePanelApp((s) => tablesPending(s.trace, netns, s.netnsTables));
  // Only nf_tables' own events mark rules: other steps keep the same (undefined) event.
  const ev = usePanelApp((s) => {
    const e = eventAt(s.trace, s.step);
    return e && e.netns === netns && isNftEvent(e) ? e : undefined;
  });

  return (
    <Panel
      id="nftables"
      title={t('nft.title')}
      subtitle={netns ? `${netns} # nft list ruleset` : 'nft list ruleset'}
    >
      {!trace || !netns ? (
        <Empty>{t('panel.nothing')}</Empty>
      ) : pending ? (
        <Empty>{t('panel.loadingTables', { netns })}</Empty>
      ) : !snap || snap.rows.length === 0 ? (
        <Empty>{t('nft.none', { netns })}</Empty>
      ) : (
        <Ruleset snap={snap} ev={ev} netns={netns} />
      )}
    </Panel>
  );
}

export default NftablesPanel;
