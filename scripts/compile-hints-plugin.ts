/**
 * Marks the initial JavaScript (the entry chunk and the chunks it imports statically) for eager
 * compilation with V8's explicit compile hint, a `//# allFunctionsCalledOnLoad` comment on the
 * file's first line (build only).
 *
 * V8 compiles a function lazily, on its first call: the entry's evaluation then stops on the main
 * thread to parse and compile every function that starting the page calls (React's, i18next's,
 * XState's, the store's...), and that evaluation is the page's longest task. With the hint Chrome
 * (136 and later) compiles the whole file while it streams it in, on a background thread, so the
 * task only runs the code (https://v8.dev/blog/explicit-compile-hints). Measured on the phone view
 * (a performance trace, interleaved runs): the entry's task took 94 ms of main-thread time instead of
 * 115, the main thread's JavaScript 257 ms instead of 308 (medians of 5). Browsers without the hint
 * read a comment. Only the initial files: the lazy chunks hold code that a first visit may never run.
 */
import type { Plugin, Rollup } from 'vite';

export const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n';

/** The entry chunks and every chunk they import statically, by file name. */
export function initialChunks(bundle: Rollup.OutputBundle): Rollup.OutputChunk[] {
  const chunks = Object.values(bundle).filter((f): f is Rollup.OutputChunk => f.type === 'chunk');
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const out = new Map<string, Rollup.OutputChunk>();
  const visit = (c: Rollup.OutputChunk | undefined) => {
    if (!c || out.has(c.fileName)) return;
    out.set(c.fileName, c);
    for (const i of c.imports) visit(byName.get(i));
  };
  for (const c of chunks) if (c.isEntry) visit(c);
  return [...out.values()];
}

export function compileHints(): Plugin {
  return {
    name: 'packet-journey-compile-hints',
    apply: 'build',
    generateBundle: {
      // Last: after minification (which drops comments) and after Vite's import analysis, which
      // puts its own first line (__vite__mapDeps) on the entry; the hint only counts on line 1.
      // writeBundle's precache list then hashes the result.
      order: 'post',
      handler(_, bundle) {
        for (const c of initialChunks(bundle))
          if (!c.code.startsWith(COMPILE_HINT)) c.code = COMPILE_HINT + c.code;
      },
    },
  };
}
