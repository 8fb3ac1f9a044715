/** The pieces of the import dialog: the text box (held to the import's cap) and its outcome. */
import type { RefObject } from 'react';
import { sizeError, textBytes } from '../share/files';
import { fmt } from '../share/strings';
import { MAX_IMPORT_BYTES } from './fromNode';

export function ImportText({
  field,
  text,
  setText,
  tooBig,
  setError,
}: {
  field: RefObject<HTMLTextAreaElement | null>;
  text: string;
  setText: (text: string) => void;
  tooBig: (bytes: number) => void;
  setError: (error: string) => void;
}) {
  return (
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
  );
}

/** Why the import failed, or what it could not carry over (the scenario is in the editor). */
export function ImportOutcome({ error, warnings }: { error: string | null; warnings: string[] }) {
  return (
    <>
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
    </>
  );
}
