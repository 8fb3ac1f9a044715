/** Paste (or choose a file of) what your own nodes print; get a scenario in the editor. */
import { useState, type ChangeEvent } from 'react';
import { Dialog } from '../share/Dialog';
import { readTextFile, sizeError, textBytes } from '../share/files';
import { ImportOutcome, ImportText } from './ImportParts';
import { fmt, formatBytes } from '../share/strings';
import { shareUi } from '../share/uiStore';
import { COLLECT_SCRIPT, fromNode, MAX_IMPORT_BYTES } from './fromNode';
import { useLatestSizeGuard } from './sizeGuard';

export default function ImportDialog({ onClose }: { onClose: () => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);

  const convert = (input: string) => {
    setWarnings([]);
    const tooBig = sizeError(textBytes(input, MAX_IMPORT_BYTES), MAX_IMPORT_BYTES);
    if (tooBig) {
      setError(tooBig);
      return;
    }
    try {
      const r = fromNode(input);
      setError(null);
      setWarnings(r.warnings);
      shareUi.setState({ editorOpen: true, editorInbox: r.yaml });
      if (r.warnings.length === 0) onClose();
    } catch (e) {
      setError(fmt('import.failed', { error: e instanceof Error ? e.message : String(e) }));
    }
  };

  const readFile = async (file: File) => {
    const r = await readTextFile(file, MAX_IMPORT_BYTES);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setText(r.text);
    convert(r.text);
  };

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) void readFile(file);
  };

  // Typed, pasted and dropped text (and dropped files) are all held to the import's cap.
  const tooBig = (bytes: number) =>
    setError(fmt('import.inputTooBig', { size: formatBytes(bytes), max: formatBytes(MAX_IMPORT_BYTES) }));
  const field = useLatestSizeGuard(MAX_IMPORT_BYTES, { tooBig, file: readFile });

  return (
    <Dialog open title={fmt('import.title')} onClose={onClose} wide>
      <p className="mb-2">{fmt('import.help')}</p>
      <pre
        className="mb-3 overflow-auto rounded bg-slate-950 p-2 font-mono text-xs text-slate-100"
        data-testid="collect-script"
      >
        {COLLECT_SCRIPT}
      </pre>
      <ImportText field={field} text={text} setText={setText} tooBig={tooBig} setError={setError} />
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <button
          type="button"
          className="rounded-md border border-sky-700 bg-sky-700 px-3 py-1 text-sm text-white hover:bg-sky-800"
          onClick={() => convert(text)}
        >
          {fmt('import.convert')}
        </button>
        <label className="cursor-pointer text-sm underline">
          {fmt('import.file')}
          <input type="file" className="sr-only" onChange={onFile} />
        </label>
      </div>
      <ImportOutcome error={error} warnings={warnings} />
    </Dialog>
  );
}
