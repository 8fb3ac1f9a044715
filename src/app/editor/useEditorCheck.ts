/**
 * The editor's check: the text goes to the worker; its error is marked inline, and a valid text
 * becomes the scenario (when asked). Only the newest check of the text still shown may speak.
 */
import { setDiagnostics, type Diagnostic } from '@codemirror/lint';
import type { EditorView } from '@codemirror/view';
import { useEffect, useRef, type RefObject } from 'react';
import { applyEdited } from '../share/edits';
import { fmt } from '../share/strings';
import { appStore } from '../state/store';
import { callWorker } from '../worker/client';
import { parseErrorPlace, rangeOf } from './diagnostics';
import { clearUnparsed } from './unparsed';

export type Status = { kind: 'loading' | 'checking' | 'ok' | 'error'; text: string };

export type Check = (text: string, apply: boolean) => Promise<void>;

/**
 * Returns a ref to the latest check, so the view (made once) and effects call it without being
 * made again. `refusedOn` is the document a paste or drop was refused on: a check of that same
 * document marks its errors but leaves the refusal in the status line, otherwise a late "Valid"
 * would silently replace the only word on why the paste did not happen.
 */
export function useEditorCheck(
  viewRef: RefObject<EditorView | null>,
  refusedOn: RefObject<string | null>,
  setStatus: (s: Status) => void,
): RefObject<Check> {
  const seq = useRef(0);

  const check: Check = async (text, apply) => {
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
  return checkRef;
}
