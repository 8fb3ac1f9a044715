/**
 * The CodeMirror view, made once in `host`: a typed change is checked and traced after a pause
 * (debounced), and kept meanwhile so a reload does not lose it.
 */
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useRef, type RefObject } from 'react';
import { appStore } from '../state/store';
import { editorExtensions, type TooBig } from './extensions';
import { fingerprint, saveUnparsed } from './unparsed';
import type { Check } from './useEditorCheck';

/** How long after the last keystroke the text is checked and traced. */
export const EDIT_DEBOUNCE_MS = 300;

export function useEditorView(
  host: RefObject<HTMLDivElement | null>,
  viewRef: RefObject<EditorView | null>,
  checkRef: RefObject<Check>,
  tooBigRef: RefObject<TooBig>,
): void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (!host.current) return;
    const typed = (view: EditorView) => {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = null;
        const text = view.state.doc.toString();
        // Kept until it loads (a text with an error never reaches the link): a reload gives it back.
        const { scenarioId: id, scenarioText: base } = appStore.getState();
        if (id) saveUnparsed({ scenarioId: id, base: fingerprint(base), text });
        void checkRef.current(text, true);
      }, EDIT_DEBOUNCE_MS);
    };
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({ doc: '', extensions: editorExtensions(tooBigRef, typed) }),
    });
    viewRef.current = view;
    return () => {
      if (timer.current !== null) clearTimeout(timer.current);
      view.destroy();
      viewRef.current = null;
    };
    // The view is made once; what it calls is reached through refs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
}
