/** The pieces of the terminal panel: the namespace picker, the scrollback and the prompt. */
import type { KeyboardEvent, RefObject } from 'react';
import { appStore } from '../state/store';
import { useT } from '../i18n';
import type { SavedLine } from './persist';

/** Which netns the terminal runs in; "follow" goes back to the one the journey is in. */
export function NetnsPicker({
  netns,
  namespaces,
  selected,
  execCount,
}: {
  netns: string;
  namespaces: string[];
  selected: boolean;
  execCount: number;
}) {
  const { t } = useT();
  return (
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
  );
}

const lineClass = (kind: SavedLine['kind']) =>
  kind === 'input'
    ? 'text-sky-300'
    : kind === 'error'
      ? 'text-red-300'
      : kind === 'note'
        ? 'text-amber-200'
        : 'text-slate-100';

export function TerminalLog({
  lines,
  logRef,
}: {
  lines: SavedLine[];
  logRef: RefObject<HTMLDivElement | null>;
}) {
  const { t } = useT();
  return (
    <div
      ref={logRef}
      role="log"
      aria-label={t('terminal.output')}
      className="h-40 overflow-auto rounded bg-slate-950 p-2 font-mono text-xs leading-5 whitespace-pre-wrap text-slate-100"
    >
      {lines.length === 0 ? (
        <span className="text-slate-400">{t('terminal.try')}</span>
      ) : (
        lines.map((l, i) => (
          <div key={i} className={lineClass(l.kind)}>
            {l.text}
          </div>
        ))
      )}
    </div>
  );
}

export function TerminalPrompt({
  netns,
  input,
  busy,
  onInput,
  onKeyDown,
}: {
  netns: string;
  input: string;
  busy: boolean;
  onInput: (line: string) => void;
  onKeyDown: (e: KeyboardEvent<HTMLInputElement>) => void;
}) {
  const { t } = useT();
  return (
    <label className="flex items-center gap-2 rounded bg-slate-950 px-2 py-1 font-mono text-xs text-slate-100">
      <span aria-hidden="true" className="text-sky-300">
        {netns} #
      </span>
      <span className="sr-only">{t('terminal.command', { netns })}</span>
      <input
        value={input}
        onChange={(e) => onInput(e.target.value)}
        onKeyDown={onKeyDown}
        data-raw=""
        spellCheck={false}
        autoComplete="off"
        aria-busy={busy}
        className="min-w-0 flex-1 bg-transparent outline-none placeholder:text-slate-400"
        placeholder="ip route"
      />
    </label>
  );
}
