/** The loader that starts the page's modules after the first paint, and the CSP that lets it run. */
import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { BOOT_FALLBACK_MS, BOOT_SCRIPT, bootAfterPaint, takeInitialJs } from '../scripts/boot-plugin';
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

  it("runs the entry's imports one after another, then the entry, after a paint or the fallback", () => {
    type El = { tag: string; src?: string; type?: string; onload?: () => void; onerror?: () => void };
    const added: El[] = [];
    const timers: [() => void, number][] = [];
    let frame: (() => void) | null = null;
    const runTimers = (ms: number) => {
      const due = timers.filter(([, t]) => t === ms);
      timers.splice(0, timers.length, ...timers.filter(([, t]) => t !== ms));
      for (const [f] of due) f();
    };
    runInNewContext(BOOT_SCRIPT, {
      document: {
        currentScript: { getAttribute: () => './a.js ./b.js ./c.js' },
        createElement: (tag: string) => ({ tag }),
        head: { appendChild: (e: El) => added.push(e) },
      },
      requestAnimationFrame: (f: () => void) => (frame = f),
      setTimeout: (f: () => void, ms: number) => timers.push([f, ms]),
    });
    expect(added).toEqual([]);
    frame!();
    runTimers(0);
    runTimers(BOOT_FALLBACK_MS); // too late: started once
    expect(added.map((e) => [e.type, e.src])).toEqual([['module', './b.js']]);
    // The next file waits for the previous one to have run (or failed), then for a task.
    added[0]!.onload!();
    expect(added).toHaveLength(1);
    runTimers(0);
    added[1]!.onerror!();
    runTimers(0);
    expect(added.map((e) => e.src)).toEqual(['./b.js', './c.js', './a.js']);
    expect(added[2]!.onload).toBeUndefined();
  });

  it('downloads every file from the head at low priority, and runs none of them there', () => {
    const transform = bootAfterPaint().transformIndexHtml as { handler(html: string): string };
    const out = transform.handler(VITE_HTML);
    const head = out.slice(0, out.indexOf('</head>'));
    const preloads = [
      ...head.matchAll(/<link rel="modulepreload" crossorigin fetchpriority="low" href="([^"]+)">/g),
    ];
    expect(preloads.map((m) => m[1])).toEqual([
      './assets/index-A.js',
      './assets/react-B.js',
      './assets/store-C.js',
    ]);
    expect(out).not.toMatch(/<script[^>]*type="module"/);
    expect(out).toContain('data-initial-js="./assets/index-A.js ./assets/react-B.js ./assets/store-C.js"');
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
