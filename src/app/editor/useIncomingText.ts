/**
 * Text that reaches the editor from outside it: the scenario shown (its edited text, the text kept
 * from before a reload, or the built-in file) and a YAML handed over by an import.
 */
import type { EditorView } from '@codemirror/view';
import { useEffect, useRef, type RefObject } from 'react';
import { shareUi, useShareUi } from '../share/uiStore';
import { appStore } from '../state/store';
import { callWorker } from '../worker/client';
import { external } from './extensions';
import { loadUnparsed } from './unparsed';
import type { Check, Status } from './useEditorCheck';

/** Puts `text` in the document; unless `typed`, it is only checked, not applied. */
export type ReplaceDoc = (text: string, typed: boolean) => void;

/** Replaces the whole document; a text not typed is marked `external` so it is not saved as typing. */
export function useReplaceDoc(viewRef: RefObject<EditorView | null>, checkRef: RefObject<Check>) {
  const replaceDoc: ReplaceDoc = (text, typed) => {
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
  return { replaceDoc, replaceRef };
}

/** The text of the scenario shown: the edited one, or the built-in file. */
export function useScenarioSource(
  scenarioId: string | null,
  edited: boolean,
  viewRef: RefObject<EditorView | null>,
  replaceRef: RefObject<ReplaceDoc>,
  setStatus: (s: Status) => void,
  setRestored: (r: boolean) => void,
): void {
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
    // Only a change of scenario (or of whether it is edited) brings a new text; the rest are refs and setters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scenarioId, edited]);
}

/** An import hands its YAML over: it is loaded as if typed (checked, then traced). */
export function useImportInbox(replaceRef: RefObject<ReplaceDoc>, checkRef: RefObject<Check>): void {
  const inbox = useShareUi((s) => s.editorInbox);
  useEffect(() => {
    if (inbox === null) return;
    shareUi.setState({ editorInbox: null });
    replaceRef.current(inbox, true);
    void checkRef.current(inbox, true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [inbox]);
}
