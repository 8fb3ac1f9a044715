/**
 * The CodeMirror extensions of the scenario editor: YAML editing, and the guards that refuse a text
 * larger than a scenario may be (paste, drop, any other way in) before it reaches the document.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { lintGutter } from '@codemirror/lint';
import { Annotation, EditorState, type Extension } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { MAX_TEXT_BYTES, textBytes } from '../share/files';
import { fmt } from '../share/strings';

/** Marks a document replaced from outside (a scenario picked, an import), not typed. */
export const external = Annotation.define<boolean>();

export type TooBig = (bytes: number, how?: 'editor.tooBig' | 'editor.dropTooBig') => void;

/** Refuses a paste, a drop or any other change that would make the document too large, via `tooBig`. */
function sizeGuards(tooBig: { current: TooBig }): Extension[] {
  return [
    EditorView.domEventHandlers({
      paste(event) {
        const text = event.clipboardData?.getData('text/plain') ?? '';
        const bytes = textBytes(text);
        if (bytes > MAX_TEXT_BYTES) {
          event.preventDefault();
          tooBig.current(bytes);
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
        tooBig.current(bytes, 'editor.dropTooBig');
        return true;
      },
    }),
    // Any other way in (typed, an input method) is refused too, and said so.
    EditorState.transactionFilter.of((tr) => {
      if (!tr.docChanged || tr.newDoc.length <= MAX_TEXT_BYTES) return tr;
      const bytes = tr.newDoc.length;
      queueMicrotask(() => tooBig.current(bytes));
      return [];
    }),
  ];
}

/**
 * Everything the editor's view is made with. `tooBig` is a ref so the view, made once, always
 * reports through the latest handler; `typed` is called on every change not marked `external`.
 */
export function editorExtensions(
  tooBig: { current: TooBig },
  typed: (view: EditorView) => void,
): Extension[] {
  return [
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
    ...sizeGuards(tooBig),
    EditorView.updateListener.of((u) => {
      if (!u.docChanged || u.transactions.some((t) => t.annotation(external))) return;
      typed(u.view);
    }),
    EditorView.theme({
      '&': { height: '100%', fontSize: '12px' },
      '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' },
    }),
  ];
}
