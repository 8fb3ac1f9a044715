/** The loader that starts the page's modules after the first paint, and the CSP that lets it run. */
import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import type { Rollup } from 'vite';
import { BOOT_FALLBACK_MS, BOOT_SCRIPT, journeyChunks, takeInitialJs } from '../scripts/boot-plugin';
import { CSP, inlineScripts, policyFor } from '../scripts/csp-plugin';

const VITE_HTML = `<head>
    <script type="module" crossorigin src="./assets/index-A.js"></script>
    <link rel="modulepreload" crossorigin href="./assets/react-B.js">
    <link rel="modulepreload" crossorigin href="./assets/store-C.js">
  </head><body><script>mark()</script></body>`;

describe('boot plugin', () => {
  it('takes the entry first, then its preloads, and leaves no tag that fetches them', () => {
    const { files, html } = takeInitialJs(VITE_HTML);
    expect(files).toEqual(['./assets/index-A.js', './assets/react-B.js', './assets/store-C.js']);
    expect(html).not.toMatch(/assets\//);
    expect(html).toContain('<script>mark()</script>');
  });

  it('refuses a page without exactly one module entry', () => {
    expect(() => takeInitialJs('<head></head>')).toThrow(/one module entry/);
  });

  it('adds the same tags once, after a painted frame or the fallback, whichever comes first', () => {
    const added: {
      tag: string;
      rel?: string;
      href?: string;
      src?: string;
      type?: string;
      fetchPriority?: string;
    }[] = [];
    const timers: [() => void, number][] = [];
    let frame: (() => void) | null = null;
    const el = (tag: string) => ({ tag }) as (typeof added)[number];
    runInNewContext(BOOT_SCRIPT, {
      document: {
        currentScript: {
          getAttribute: (name: string) => (name === 'data-initial-js' ? './a.js ./b.js ./c.js' : './j.js'),
        },
        createElement: el,
        head: { appendChild: (e: (typeof added)[number]) => added.push(e) },
      },
      requestAnimationFrame: (f: () => void) => (frame = f),
      setTimeout: (f: () => void, ms: number) => timers.push([f, ms]),
    });
    expect(added).toEqual([]);
    expect(timers.map(([, ms]) => ms)).toEqual([BOOT_FALLBACK_MS]);
    frame!();
    timers.find(([, ms]) => ms === 0)![0]();
    timers.find(([, ms]) => ms === BOOT_FALLBACK_MS)![0]();
    // The first journey's chunks come after the entry, at a low priority.
    expect(added.map((e) => e.href ?? e.src)).toEqual(['./b.js', './c.js', './a.js', './j.js']);
    expect(added.map((e) => e.rel ?? e.type)).toEqual([
      'modulepreload',
      'modulepreload',
      'module',
      'modulepreload',
    ]);
    expect(added.map((e) => e.fetchPriority)).toEqual([undefined, undefined, undefined, 'low']);
  });

  it("lists the first journey's chunks and what they import, less the initial ones", () => {
    const chunk = (fileName: string, facadeModuleId: string | null, imports: string[], dynamic = true) =>
      ({ type: 'chunk', fileName, facadeModuleId, imports, isDynamicEntry: dynamic }) as Rollup.OutputChunk;
    const bundle = Object.fromEntries(
      [
        chunk('assets/index-A.js', '/p/src/app/main.tsx', ['assets/react-B.js'], false),
        chunk('assets/react-B.js', null, [], false),
        chunk('assets/catalog-C.js', '\0virtual:catalog', []),
        chunk('assets/pretraced-D.js', '\0virtual:pretraced', []),
        chunk('assets/canvas-E.js', '/p/src/app/canvas/index.ts', ['assets/react-B.js', 'assets/stack-F.js']),
        chunk('assets/stack-F.js', null, []),
        chunk('assets/editor-G.js', '/p/src/app/editor/ScenarioEditor.tsx', ['assets/stack-F.js']),
      ].map((c) => [c.fileName, c]),
    );
    expect(journeyChunks(bundle, ['./assets/index-A.js', './assets/react-B.js'])).toEqual([
      './assets/catalog-C.js',
      './assets/pretraced-D.js',
      './assets/canvas-E.js',
      './assets/stack-F.js',
    ]);
  });
});

describe('CSP of inline scripts', () => {
  it('allows each inline script by its hash, and no script with a src is hashed', () => {
    const html = `<script>a()</script><script data-x="1">b()</script><script src="./c.js"></script>`;
    expect(inlineScripts(html)).toEqual(['a()', 'b()']);
    const sha = (s: string) => createHash('sha256').update(s).digest('base64');
    expect(policyFor(['a()'])).toContain(`script-src 'self' 'sha256-${sha('a()')}';`);
    expect(policyFor([])).toBe(CSP);
  });
});
