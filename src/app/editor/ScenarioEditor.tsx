/**
 * The scenario editor (CodeMirror 6, loaded lazily): the current scenario's YAML, checked in the
 * worker as the learner types (debounced); a valid text becomes the scenario and the journey is
 * traced again; a ScenarioError is marked inline at its line (and column).
 */
import type { EditorView } from '@codemirror/view';
import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import { MAX_TEXT_BYTES, readTextFile } from '../share/files';
import { fmt, formatBytes } from '../share/strings';
import { useShareUi } from '../share/uiStore';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { callWorker } from '../worker/client';
import { EditorHeader, EditorStatusLine, RestoredNotice } from './EditorBars';
import type { TooBig } from './extensions';
import { clearUnparsed } from './unparsed';
import { useEditorCheck, type Status } from './useEditorCheck';
import { useEditorView } from './useEditorView';
import { useImportInbox, useReplaceDoc, useScenarioSource } from './useIncomingText';

export default function ScenarioEditor() {
  const host = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'loading', text: fmt('editor.loading') });
  /** The text came back from before a reload (it had not loaded yet): offer to discard it. */
  const [restored, setRestored] = useState(false);
  const scenarioId = useApp((s) => s.scenarioId);
  const edited = useApp((s) => s.scenarioText !== null);
  const builtin = useShareUi((s) => !!s.builtinCatalog?.some((c) => c.id === scenarioId));
  const statusId = useId();
  /** The document a paste or drop was refused on (see useEditorCheck). */
  const refusedOn = useRef<string | null>(null);
  const checkRef = useEditorCheck(viewRef, refusedOn, setStatus);

  const tooBig: TooBig = (bytes, how = 'editor.tooBig') => {
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
  useEditorView(host, viewRef, checkRef, tooBigRef);

  const { replaceDoc, replaceRef } = useReplaceDoc(viewRef, checkRef);
  useScenarioSource(scenarioId, edited, viewRef, replaceRef, setStatus, setRestored);
  useImportInbox(replaceRef, checkRef);

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
    void checkRef.current(r.text, true);
  };

  return (
    <section
      aria-label={fmt('editor.title')}
      data-testid="scenario-editor"
      className="flex h-full min-h-0 flex-col rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-700 dark:bg-slate-900"
    >
      <EditorHeader edited={edited} builtin={builtin} onFile={(e) => void onFile(e)} />
      {restored && <RestoredNotice onDiscard={() => void discardRestored()} />}
      <div
        ref={host}
        className="min-h-0 flex-1 overflow-hidden bg-white text-slate-900"
        aria-describedby={statusId}
      />
      <EditorStatusLine id={statusId} status={status} />
    </section>
  );
}
