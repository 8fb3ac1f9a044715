/**
 * The scenario editor (CodeMirror 6, loaded lazily): the current scenario's YAML, checked in the
 * worker as the learner types (debounced); a valid text becomes the scenario and the journey is
 * traced again; a ScenarioError is marked inline at its line (and column).
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Annotation, EditorState } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import { applyEdited } from '../share/edits';
import { MAX_TEXT_BYTES, readTextFile, textBytes } from '../share/files';
import { fmt, formatBytes } from '../share/strings';
import { shareUi, useShareUi } from '../share/uiStore';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { callWorker } from '../worker/client';
import { parseErrorPlace, rangeOf } from './diagnostics';
import { clearUnparsed, fingerprint, loadUnparsed, saveUnparsed } from './unparsed';

/** How long after the last keystroke the text is checked and traced. */
export const EDIT_DEBOUNCE_MS = 300;

/** Marks a document replaced from outside (a scenario picked, an import), not typed. */
const external = Annotation.define<boolean>();

type Status = { kind: 'loading' | 'checking' | 'ok' | 'error'; text: string };

const btn =
  'rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-slate-700';

export default function ScenarioEditor() {
  const host = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const seq = useRef(0);
  const [status, setStatus] = useState<Status>({ kind: 'loading', text: fmt('editor.loading') });
  /** The text came back from before a reload (it had not loaded yet): offer to discard it. */
  const [restored, setRestored] = useState(false);
  const scenarioId = useApp((s) => s.scenarioId);
  const edited = useApp((s) => s.scenarioText !== null);
  const builtin = useShareUi((s) => !!s.builtinCatalog?.some((c) => c.id === scenarioId));
  const inbox = useShareUi((s) => s.editorInbox);
  const statusId = useId();

  /**
   * The document a paste or drop was refused on. A check of that same document, still running when
   * the refusal came, marks its errors but leaves the refusal in the status line: otherwise a late
   * "Valid" would silently replace the only word on why the paste did not happen.
   */
  const refusedOn = useRef<string | null>(null);

  /** Check `text` in the worker; mark its error inline; when `apply`, a valid text becomes the scenario. */
  const check = async (text: string, apply: boolean) => {
    const mine = ++seq.current;
    setStatus({ kind: 'checking', text: fmt('editor.checking') });
    const r = await callWorker({ type: 'check', yaml: text }).catch((e: unknown) => ({
      ok: false as const,
      error: e instanceof Error ? e.message : String(e),
    }));
    const view = viewRef.current;
    if (mine !== seq.current || !view || view.state.doc.toString() !== text) return;
    const said = refusedOn.current === text;
    if (r.ok) {
      view.dispatch(setDiagnostics(view.state, []));
      if (!said) setStatus({ kind: 'ok', text: fmt('editor.ok') });
      if (apply) {
        // The text is the scenario now, and so in the link: nothing else to keep.
        clearUnparsed();
        applyEdited(appStore, text, r.info);
      }
      return;
    }
    const place = parseErrorPlace(r.error);
    const { from, to } = rangeOf(text, place?.line ?? 1, place?.col ?? null);
    const diag: Diagnostic = { from, to, severity: 'error', message: r.error, source: 'scenario' };
    view.dispatch(setDiagnostics(view.state, [diag]));
    if (!said)
      setStatus({
        kind: 'error',
        text: place ? fmt('editor.error', { line: place.line, message: place.message }) : r.error,
      });
  };
  const checkRef = useRef(check);
  useEffect(() => {
    checkRef.current = check;
  });

  const tooBig = (bytes: number, how: 'editor.tooBig' | 'editor.dropTooBig' = 'editor.tooBig') => {
    refusedOn.current = viewRef.current?.state.doc.toString() ?? null;
    setStatus({
      kind: 'error',
      text: fmt(how, { size: formatBytes(bytes), max: formatBytes(MAX_TEXT_BYTES) }),
    });
  };
  const tooBigRef = useRef(tooBig);
  useEffect(() => {
    tooBigRef.current = tooBig;
  });

  // The view, once.
  useEffect(() => {
    if (!host.current) return;
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: '',
        extensions: [
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          indentOnInput(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          yaml(),
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          EditorView.contentAttributes.of({ 'aria-label': fmt('editor.label') }),
          // A paste larger than a scenario may be is refused before it reaches the document.
          EditorView.domEventHandlers({
            paste(event) {
              const text = event.clipboardData?.getData('text/plain') ?? '';
              const bytes = textBytes(text);
              if (bytes > MAX_TEXT_BYTES) {
                event.preventDefault();
                tooBigRef.current(bytes);
                return true;
              }
              return false;
            },
            // A dropped file's size is known before it is read; dropped text is checked like a paste.
            drop(event) {
              const dt = event.dataTransfer;
              const file = dt?.files[0];
              const bytes = file ? file.size : textBytes(dt?.getData('text/plain') ?? '');
              if (bytes <= MAX_TEXT_BYTES) return false;
              event.preventDefault();
              tooBigRef.current(bytes, 'editor.dropTooBig');
              return true;
            },
          }),
          // Any other way in (typed, an input method) is refused too, and said so.
          EditorState.transactionFilter.of((tr) => {
            if (!tr.docChanged || tr.newDoc.length <= MAX_TEXT_BYTES) return tr;
            const bytes = tr.newDoc.length;
            queueMicrotask(() => tooBigRef.current(bytes));
            return [];
          }),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged || u.transactions.some((t) => t.annotation(external))) return;
            if (timer.current !== null) clearTimeout(timer.current);
            timer.current = setTimeout(() => {
              timer.current = null;
              const text = u.view.state.doc.toString();
              // Kept until it loads (a text with an error never reaches the link): a reload gives it back.
              const { scenarioId: id, scenarioText: base } = appStore.getState();
              if (id) saveUnparsed({ scenarioId: id, base: fingerprint(base), text });
              void checkRef.current(text, true);
            }, EDIT_DEBOUNCE_MS);
          }),
          EditorView.theme({
            '&': { height: '100%', fontSize: '12px' },
            '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' },
          }),
        ],
      }),
    });
    viewRef.current = view;
    return () => {
      if (timer.current !== null) clearTimeout(timer.current);
      view.destroy();
      viewRef.current = null;
    };
  }, []);

  const replaceDoc = (text: string, typed: boolean) => {
    const view = viewRef.current;
    if (!view) return;
    if (view.state.doc.toString() !== text) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: text },
        annotations: typed ? [] : [external.of(true)],
      });
    }
    if (!typed) void checkRef.current(text, false);
  };
  const replaceRef = useRef(replaceDoc);
  useEffect(() => {
    replaceRef.current = replaceDoc;
  });

  // The text of the scenario shown: the edited one, or the built-in file.
  useEffect(() => {
    if (!scenarioId) return;
    let live = true;
    const { scenarioText } = appStore.getState();
    const unparsed = viewRef.current?.state.doc.length === 0 ? loadUnparsed(scenarioId, scenarioText) : null;
    if (unparsed !== null) {
      replaceRef.current(unparsed, true);
      setRestored(true);
      return;
    }
    if (scenarioText !== null) {
      // The edited text came from this editor (or a link, before it opened): never clobber typing.
      if (viewRef.current?.state.doc.length === 0) replaceRef.current(scenarioText, false);
      return;
    }
    callWorker({ type: 'source', scenarioId }).then(
      (text) => live && replaceRef.current(text, false),
      (e: unknown) => live && setStatus({ kind: 'error', text: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [scenarioId, edited]);

  // An import hands its YAML over: it is loaded as if typed (checked, then traced).
  useEffect(() => {
    if (inbox === null) return;
    shareUi.setState({ editorInbox: null });
    replaceRef.current(inbox, true);
    void checkRef.current(inbox, true);
  }, [inbox]);

  const discardRestored = async () => {
    clearUnparsed();
    setRestored(false);
    const { scenarioId: id, scenarioText } = appStore.getState();
    const text = scenarioText ?? (id ? await callWorker({ type: 'source', scenarioId: id }) : '');
    replaceDoc(text, false);
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    const r = await readTextFile(file);
    if (!r.ok) {
      setStatus({ kind: 'error', text: r.error });
      return;
    }
    replaceDoc(r.text, true);
    void check(r.text, true);
  };

  return (
    <section
      aria-label={fmt('editor.title')}
      data-testid="scenario-editor"
      className="flex h-full min-h-0 flex-col rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-700 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-3 py-1.5 dark:border-slate-700">
        <h2 className="text-sm font-semibold">{fmt('editor.title')}</h2>
        {edited && (
          <span className="rounded bg-amber-100 px-1 text-xs text-amber-900 dark:bg-amber-900 dark:text-amber-50">
            {fmt('editor.edited')}
          </span>
        )}
        <label className={`${btn} ml-auto cursor-pointer`}>
          {fmt('editor.openFile')}
          <input
            type="file"
            accept=".yaml,.yml,text/yaml,text/plain"
            className="sr-only"
            onChange={(e) => void onFile(e)}
          />
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
      {restored && (
        <p
          role="status"
          data-testid="editor-restored"
          className="flex items-center gap-2 border-b border-slate-200 bg-amber-50 px-3 py-1 text-xs text-amber-950 dark:border-slate-700 dark:bg-amber-950 dark:text-amber-50"
        >
          <span className="flex-1">{fmt('editor.restored')}</span>
          <button type="button" className={btn} onClick={() => void discardRestored()}>
            {fmt('editor.discardRestored')}
          </button>
        </p>
      )}
      <div
        ref={host}
        className="min-h-0 flex-1 overflow-hidden bg-white text-slate-900"
        aria-describedby={statusId}
      />
      <p
        id={statusId}
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
    </section>
  );
}
