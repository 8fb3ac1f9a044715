/** What happened at this step and why, in plain words with the real values. */
import { usePanelApp } from '../state/panelState';
import { Empty, Panel } from './Panel';
import { eventAt } from './trace-select';
import { useT } from '../i18n';
import { Explained } from '../i18n/Explained';
import { lazy, Suspense } from 'react';
import { useApp } from '../state/useApp';
import { correctionsAt } from '../notes/match';

const StepNote = lazy(() => import('../notes/StepNote'));

export function ExplanationPanel() {
  const { t } = useT();
  const ev = usePanelApp((s) => eventAt(s.trace, s.step));
  const all = useApp((s) => s.catalog?.find((c) => c.id === s.scenarioId)?.corrections);
  const flowId = useApp((s) => s.flowId);
  const notes = correctionsAt(all, flowId, ev);
  return (
    <Panel
      className="shrink-0"
      id="explanation"
      title={t('explanation.title')}
      subtitle={
        ev ? `${ev.netns}${ev.interface ? ` · ${ev.interface}` : ''} · ${t(`kind.${ev.kind}`)}` : undefined
      }
    >
      {!ev ? (
        <Empty>{t('explanation.empty')}</Empty>
      ) : (
        <div className="space-y-1">
          <p className="text-base leading-relaxed text-slate-900 dark:text-slate-50" data-testid="narration">
            <Explained explain={ev.explain} links />{' '}
            <span className="text-slate-700 dark:text-slate-300">
              {t(
                ev.kind === 'netfilter' && ev.decidedBy?.table === 'nftables' ? 'why.nft' : `why.${ev.kind}`,
              )}
            </span>
          </p>
          {ev.decidedBy && (
            <p className="text-xs text-slate-600 dark:text-slate-300">
              {t('explanation.decidedBy', { table: ev.decidedBy.table, netns: ev.decidedBy.netns })}{' '}
              <code className="font-mono text-slate-900 dark:text-slate-100">{ev.decidedBy.row.trim()}</code>
            </p>
          )}
          {notes.length > 0 && (
            <Suspense fallback={null}>
              <StepNote corrections={notes} />
            </Suspense>
          )}
        </div>
      )}
    </Panel>
  );
}
