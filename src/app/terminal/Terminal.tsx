/**
 * A terminal in one netns: show commands print like the real tool; commands that change the
 * world are kept (execs) and the flow is traced again with them.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { shownNetns } from '../panels/trace-select';
import { Panel } from '../panels/Panel';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { callWorker } from '../worker/client';
import { browse, emptyHistory, pushHistory, type History } from './history';
import { loadTerminal, saveTerminal, type SavedLine } from './persist';
import { useT } from '../i18n';

type Line = SavedLine;

export function Terminal() {
  const { t } = useT();
  const topology = useApp((s) => s.trace?.topology);
  const selected = useApp((s) => s.selectedNetns);
  const scenarioId = useApp((s) => s.scenarioId);
  const execCount = useApp((s) => s.execs.length);
  // Only the netns matters here, not the step: a step re-renders the terminal only when it moves on.
  const netns = useApp((s) => shownNetns(s.trace, s.step, s.selectedNetns)) ?? '';
  const namespaces = useMemo(() => topology?.netns.map((n) => n.name) ?? [], [topology]);
  const [lines, setLines] = useState<Line[]>([]);
  const [input, setInput] = useState('');
  const [history, setHistory] = useState<History>(emptyHistory);
  const [busy, setBusy] = useState(false);
  const out = useRef<HTMLDivElement>(null);
  // The scenario whose scrollback is shown: each scenario keeps its own, across a reload too.
  const [shownFor, setShownFor] = useState<string | null>(null);

  if (scenarioId !== shownFor) {
    const saved = scenarioId ? loadTerminal(scenarioId) : { lines: [], history: [] };
    setShownFor(scenarioId);
    setLines(saved.lines);
    setHistory({ entries: saved.history, cursor: saved.history.length });
  }
  useEffect(() => {
    if (shownFor) saveTerminal(shownFor, { lines, history: history.entries });
  }, [shownFor, lines, history.entries]);

  const print = (add: Line[]) => {
    setLines((cur) => [...cur, ...add].slice(-500));
    requestAnimationFrame(() => out.current?.scrollTo({ top: out.current.scrollHeight }));
  };

  async function run(line: string) {
    const trimmed = line.trim();
    setHistory((h) => pushHistory(h, trimmed));
    setInput('');
    if (trimmed === '') return;
    if (trimmed === 'clear') {
      setLines([]);
      return;
    }
    print([{ kind: 'input', text: `${netns} # ${trimmed}` }]);
    if (!scenarioId || !netns) {
      print([{ kind: 'error', text: t('terminal.noScenario') }]);
      return;
    }
    setBusy(true);
    try {
      const { execs, scenarioText, flowId } = appStore.getState();
      const r = await callWorker({
        type: 'command',
        scenarioId,
        flowId,
        execs,
        netns,
        line: trimmed,
        ...(scenarioText !== null ? { yaml: scenarioText } : {}),
      });
      const add: Line[] = [];
      if (r.output) add.push({ kind: r.failed ? 'error' : 'output', text: r.output });
      if (r.changed) {
        add.push({ kind: 'note', text: t('terminal.changed') });
        appStore.getState().addExec({ netns, line: trimmed });
      }
      print(add);
    } catch (e) {
      print([{ kind: 'error', text: e instanceof Error ? e.message : String(e) }]);
    } finally {
      setBusy(false);
    }
  }

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (!busy) void run(input);
    } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      const r = browse(history, e.key === 'ArrowUp' ? -1 : 1);
      setHistory(r.history);
      setInput(r.line);
    }
  };

  return (
    <Panel
      id="terminal"
      title={t('terminal.title')}
      subtitle={execCount ? t('terminal.changes', { count: execCount }) : undefined}
    >
      <div className="flex flex-col gap-2">
        <div className="flex flex-wrap items-center gap-2 text-xs">
          <label className="flex items-center gap-1">
            {t('terminal.namespace')}
            <select
              value={netns}
              onChange={(e) => appStore.getState().selectNetns(e.target.value || null)}
              className="rounded border border-slate-300 bg-white px-1 py-0.5 dark:border-slate-600 dark:bg-slate-800"
            >
              {!namespaces.includes(netns) && <option value={netns}>{netns || '—'}</option>}
              {namespaces.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          {selected && (
            <button type="button" className="underline" onClick={() => appStore.getState().selectNetns(null)}>
              {t('terminal.follow')}
            </button>
          )}
          {execCount > 0 && (
            <button type="button" className="underline" onClick={() => appStore.getState().clearExecs()}>
              {t('terminal.undo')}
            </button>
          )}
        </div>
        <div
          ref={out}
          role="log"
          aria-label={t('terminal.output')}
          className="h-40 overflow-auto rounded bg-slate-950 p-2 font-mono text-xs leading-5 whitespace-pre-wrap text-slate-100"
        >
          {lines.length === 0 ? (
            <span className="text-slate-400">{t('terminal.try')}</span>
          ) : (
            lines.map((l, i) => (
              <div
                key={i}
                className={
                  l.kind === 'input'
                    ? 'text-sky-300'
                    : l.kind === 'error'
                      ? 'text-red-300'
                      : l.kind === 'note'
                        ? 'text-amber-200'
                        : 'text-slate-100'
                }
              >
                {l.text}
              </div>
            ))
          )}
        </div>
        <label className="flex items-center gap-2 rounded bg-slate-950 px-2 py-1 font-mono text-xs text-slate-100">
          <span aria-hidden="true" className="text-sky-300">
            {netns} #
          </span>
          <span className="sr-only">{t('terminal.command', { netns })}</span>
          <input
            value={input}
            onChange={(e) => setInput(e.target.value)}
            onKeyDown={onKeyDown}
            data-raw=""
            spellCheck={false}
            autoComplete="off"
            aria-busy={busy}
            className="min-w-0 flex-1 bg-transparent outline-none placeholder:text-slate-400"
            placeholder="ip route"
          />
        </label>
      </div>
    </Panel>
  );
}
