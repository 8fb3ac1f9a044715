/**
 * The bars around the scenario editor's text: its header (title, open a file, revert, close), the
 * notice that a text came back from before a reload, and the status line the checks speak in.
 */
import type { ChangeEvent } from 'react';
import { fmt } from '../share/strings';
import { shareUi } from '../share/uiStore';
import { appStore } from '../state/store';
import type { Status } from './useEditorCheck';

const btn =
  'rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-slate-700';

export function EditorHeader({
  edited,
  builtin,
  onFile,
}: {
  edited: boolean;
  /** Only a built-in scenario has a text to revert to. */
  builtin: boolean;
  onFile: (e: ChangeEvent<HTMLInputElement>) => void;
}) {
  return (
    <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-3 py-1.5 dark:border-slate-700">
      <h2 className="text-sm font-semibold">{fmt('editor.title')}</h2>
      {edited && (
        <span className="rounded bg-amber-100 px-1 text-xs text-amber-900 dark:bg-amber-900 dark:text-amber-50">
          {fmt('editor.edited')}
        </span>
      )}
      <label className={`${btn} ml-auto cursor-pointer`}>
        {fmt('editor.openFile')}
        <input type="file" accept=".yaml,.yml,text/yaml,text/plain" className="sr-only" onChange={onFile} />
      </label>
      {edited && builtin && (
        <button type="button" className={btn} onClick={() => appStore.getState().setScenarioText(null)}>
          {fmt('editor.revert')}
        </button>
      )}
      <button type="button" className={btn} onClick={() => shareUi.setState({ editorOpen: false })}>
        {fmt('editor.close')}
      </button>
    </div>
  );
}

export function RestoredNotice({ onDiscard }: { onDiscard: () => void }) {
  return (
    <p
      role="status"
      data-testid="editor-restored"
      className="flex items-center gap-2 border-b border-slate-200 bg-amber-50 px-3 py-1 text-xs text-amber-950 dark:border-slate-700 dark:bg-amber-950 dark:text-amber-50"
    >
      <span className="flex-1">{fmt('editor.restored')}</span>
      <button type="button" className={btn} onClick={onDiscard}>
        {fmt('editor.discardRestored')}
      </button>
    </p>
  );
}

/** An error is an alert (read out at once); the rest are polite status messages. */
export function EditorStatusLine({ id, status }: { id: string; status: Status }) {
  return (
    <p
      id={id}
      role={status.kind === 'error' ? 'alert' : 'status'}
      data-testid="editor-status"
      data-kind={status.kind}
      className={`border-t border-slate-200 px-3 py-1 font-mono text-xs whitespace-pre-wrap dark:border-slate-700 ${
        status.kind === 'error'
          ? 'text-red-800 dark:text-red-200'
          : status.kind === 'ok'
            ? 'text-emerald-800 dark:text-emerald-200'
            : 'text-slate-600 dark:text-slate-300'
      }`}
    >
      {status.text}
    </p>
  );
}
