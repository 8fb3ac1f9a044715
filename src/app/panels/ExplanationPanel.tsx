/** What happened at this step and why, in plain words with the real values. */
import { useApp } from '../state/useApp';
import { Empty, Panel } from './Panel';
import { eventAt } from './trace-select';

export function ExplanationPanel() {
  const ev = useApp((s) => eventAt(s.trace, s.step));
  return (
    <Panel
      className="shrink-0"
      id="explanation"
      title="Explanation"
      subtitle={ev ? `${ev.netns}${ev.interface ? ` · ${ev.interface}` : ''} · ${ev.kind}` : undefined}
    >
      {!ev ? (
        <Empty>Pick a scenario and a flow, then press Play.</Empty>
      ) : (
        <div className="space-y-1">
          <p className="text-base leading-relaxed text-slate-900 dark:text-slate-50">{ev.explanation}</p>
          {ev.decidedBy && (
            <p className="text-xs text-slate-600 dark:text-slate-300">
              Decided by {ev.decidedBy.table} in {ev.decidedBy.netns}:{' '}
              <code className="font-mono text-slate-900 dark:text-slate-100">{ev.decidedBy.row}</code>
            </p>
          )}
        </div>
      )}
    </Panel>
  );
}
