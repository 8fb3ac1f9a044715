/** The what-if changes (terminal commands that changed a table), each with an undo; and Compare. */
import { Empty, Panel } from '../panels/Panel';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { fmt } from './strings';
import { shareUi } from './uiStore';

export function ChangesPanel() {
  const execs = useApp((s) => s.execs);
  const edited = useApp((s) => s.scenarioText !== null);
  const setup = useApp((s) => s.trace?.setup);
  // A change that fails here was skipped by the trace: say so beside it, with the tool's error.
  const skippedError = (netns: string, line: string): string | undefined =>
    setup?.find((e) => !e.ok && e.source === '--exec' && e.netns === netns && e.command === line)?.output;
  return (
    <Panel
      id="changes"
      title={fmt('changes.title')}
      subtitle={execs.length ? String(execs.length) : undefined}
    >
      {execs.length === 0 && !edited ? (
        <Empty>{fmt('changes.none')}</Empty>
      ) : (
        <div className="flex flex-col gap-2">
          {edited && <p className="text-xs text-amber-800 dark:text-amber-200">{fmt('changes.edited')}</p>}
          <ol className="flex flex-col gap-1" data-testid="changes-list">
            {execs.map((x, i) => (
              <li key={`${i}:${x.netns}:${x.line}`} className="flex items-start gap-2 font-mono text-xs">
                <span className="min-w-0 flex-1 break-all">
                  <span className="text-sky-700 dark:text-sky-300">{x.netns} #</span> {x.line}
                  {skippedError(x.netns, x.line) !== undefined && (
                    <span className="block font-sans text-amber-800 dark:text-amber-200">
                      {fmt('skipped.badge', { error: skippedError(x.netns, x.line)! })}
                    </span>
                  )}
                </span>
                <button
                  type="button"
                  className="rounded border border-slate-300 px-1.5 font-sans hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
                  aria-label={fmt('changes.undoLabel', { line: x.line, netns: x.netns })}
                  onClick={() => appStore.getState().removeExec(i)}
                >
                  {fmt('changes.undo')}
                </button>
              </li>
            ))}
          </ol>
          <button
            type="button"
            className="self-start rounded-md border border-sky-700 bg-sky-700 px-2.5 py-1 text-sm text-white hover:bg-sky-800"
            onClick={() => shareUi.setState({ compareOpen: true })}
          >
            {fmt('changes.compare')}
          </button>
        </div>
      )}
    </Panel>
  );
}
