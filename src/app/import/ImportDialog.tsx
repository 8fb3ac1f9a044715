/** Paste (or choose a file of) what your own nodes print; get a scenario in the editor. */
import { useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { Dialog } from '../share/Dialog';
import { readTextFile, sizeError, textBytes } from '../share/files';
import { fmt, formatBytes } from '../share/strings';
import { shareUi } from '../share/uiStore';
import { COLLECT_SCRIPT, fromNode, MAX_IMPORT_BYTES } from './fromNode';
import { useSizeGuard } from './sizeGuard';

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
  const field = useRef<HTMLTextAreaElement>(null);
  const tooBig = (bytes: number) =>
    setError(fmt('import.inputTooBig', { size: formatBytes(bytes), max: formatBytes(MAX_IMPORT_BYTES) }));
  const latest = useRef({ tooBig, file: readFile });
  useEffect(() => {
    latest.current = { tooBig, file: readFile };
  });
  const guard = useMemo(
    () => ({
      tooBig: (b: number) => latest.current.tooBig(b),
      file: (f: File) => void latest.current.file(f),
    }),
    [],
  );
  useSizeGuard(field, MAX_IMPORT_BYTES, guard);

  return (
    <Dialog open title={fmt('import.title')} onClose={onClose} wide>
      <p className="mb-2">{fmt('import.help')}</p>
      <pre
        className="mb-3 overflow-auto rounded bg-slate-950 p-2 font-mono text-xs text-slate-100"
        data-testid="collect-script"
      >
        {COLLECT_SCRIPT}
      </pre>
      <label className="flex flex-col gap-1">
        {fmt('import.paste')}
        <textarea
          ref={field}
          value={text}
          onChange={(e) => {
            // A path the guard does not see (none known) still never puts an oversized text in state.
            const bytes = textBytes(e.target.value, MAX_IMPORT_BYTES);
            if (bytes > MAX_IMPORT_BYTES) tooBig(bytes);
            else setText(e.target.value);
          }}
          onPaste={(e) => {
            const pasted = e.clipboardData.getData('text/plain');
            const tooBig = sizeError(textBytes(pasted, MAX_IMPORT_BYTES), MAX_IMPORT_BYTES);
            if (tooBig) {
              e.preventDefault();
              setError(tooBig);
            }
          }}
          rows={10}
          spellCheck={false}
          placeholder={'### node: node1\n### ip -j -d link\n[{"ifindex":1,"ifname":"lo",…}]'}
          className="w-full rounded border border-slate-300 bg-white p-1 font-mono text-xs dark:border-slate-600 dark:bg-slate-800"
        />
      </label>
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
      {error && (
        <p role="alert" data-testid="import-error" className="mt-2 text-red-800 dark:text-red-200">
          {error}
        </p>
      )}
      {warnings.length > 0 && (
        <div className="mt-2" role="status">
          <p className="font-medium">
            {fmt('import.done')} {fmt('import.warnings')}:
          </p>
          <ul className="list-disc pl-5 text-xs">
            {warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </div>
      )}
    </Dialog>
  );
}
