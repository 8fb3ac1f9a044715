/** The compile hint on the initial JavaScript: the entry and what it imports statically, nothing lazy. */
import type { Rollup } from 'vite';
import { COMPILE_HINT, compileHints, initialChunks } from '../scripts/compile-hints-plugin';

type Chunk = Pick<
  Rollup.OutputChunk,
  'type' | 'fileName' | 'isEntry' | 'imports' | 'dynamicImports' | 'code'
>;
const chunk = (
  fileName: string,
  imports: string[],
  isEntry = false,
  dynamicImports: string[] = [],
): Chunk => ({
  type: 'chunk',
  fileName,
  isEntry,
  imports,
  dynamicImports,
  code: `/* ${fileName} */`,
});

/** An entry importing react and the store (which imports react too), and a lazy panel importing react. */
function bundle(): Rollup.OutputBundle {
  const files: Chunk[] = [
    chunk('index.js', ['react.js', 'store.js'], true, ['panel.js']),
    chunk('react.js', []),
    chunk('store.js', ['react.js']),
    chunk('panel.js', ['react.js', 'table.js']),
    chunk('table.js', []),
  ];
  const out: Record<string, unknown> = Object.fromEntries(files.map((f) => [f.fileName, f]));
  out['sw.js'] = { type: 'asset', fileName: 'sw.js', source: '' };
  return out as Rollup.OutputBundle;
}

describe('compile hints plugin', () => {
  it('finds the entry and its static imports, once each, and no lazy chunk', () => {
    expect(
      initialChunks(bundle())
        .map((c) => c.fileName)
        .sort(),
    ).toEqual(['index.js', 'react.js', 'store.js']);
  });

  it('puts the hint on the first line of the initial chunks only, once', () => {
    const b = bundle();
    const hook = compileHints().generateBundle as {
      order: string;
      handler: (this: unknown, o: unknown, b: Rollup.OutputBundle) => void;
    };
    // After Vite's own generateBundle, which gives the entry a first line of its own.
    expect(hook.order).toBe('post');
    hook.handler.call(null, {}, b);
    hook.handler.call(null, {}, b);
    const code = (f: string) => (b[f] as Rollup.OutputChunk).code;
    expect(COMPILE_HINT).toBe('//# allFunctionsCalledOnLoad\n');
    expect(code('index.js')).toBe(`${COMPILE_HINT}/* index.js */`);
    expect(code('store.js')).toBe(`${COMPILE_HINT}/* store.js */`);
    expect(code('panel.js')).toBe('/* panel.js */');
    expect(code('table.js')).toBe('/* table.js */');
  });
});
