/**
 * A terminal in one netns: show commands print like the real tool; commands that change the
 * world are kept (execs) and the flow is traced again with them.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { shownNetns } from '../panels/trace-select';
import { Panel } from '../panels/Panel';
import { useApp } from '../state/useApp';
import { browse, pushHistory } from './history';
import type { SavedLine as Line } from './persist';
import { useT } from '../i18n';
import { runCommand } from './command';
import { NetnsPicker, TerminalLog, TerminalPrompt } from './TerminalParts';
import { useScrollback } from './useScrollback';

export function Terminal() {
  const { t } = useT();
  const topology = useApp((s) => s.trace?.topology);
  const selected = useApp((s) => s.selectedNetns);
  const scenarioId = useApp((s) => s.scenarioId);
  const execCount = useApp((s) => s.execs.length);
  // Only the netns matters here, not the step: a step re-renders the terminal only when it moves on.
  const netns = useApp((s) => shownNetns(s.trace, s.step, s.selectedNetns)) ?? '';
  const namespaces = useMemo(() => topology?.netns.map((n) => n.name) ?? [], [topology]);
  const [input, setInput] = useState('');
  const [busy, setBusy] = useState(false);
  const out = useRef<HTMLDivElement>(null);
  const { lines, setLines, history, setHistory } = useScrollback(scenarioId);

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
      print(await runCommand(scenarioId, netns, trimmed, t('terminal.changed')));
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
        <NetnsPicker netns={netns} namespaces={namespaces} selected={!!selected} execCount={execCount} />
        <TerminalLog lines={lines} logRef={out} />
        <TerminalPrompt netns={netns} input={input} busy={busy} onInput={setInput} onKeyDown={onKeyDown} />
      </div>
    </Panel>
  );
}
