/**
 * The page's JavaScript starts after the static shell has painted (build only).
 *
 * Vite writes the entry as `<script type="module" src>` and its imports as `<link rel="modulepreload">`
 * in index.html; the browser fetches them while it parses the page, and on a fast line it evaluates
 * the 110 KB entry before the first paint, so the shell (and the welcome card it carries on a first
 * visit, the page's largest text) waits for React's code. Lighthouse's simulation of a phone then
 * counts their download (Slow 4G) in the first and largest contentful paints: 1.6 s and 3.7 s.
 *
 * This plugin replaces those tags with one inline script that adds the same tags once a frame has
 * been painted (requestAnimationFrame, then a task), or after BOOT_FALLBACK_MS if no frame comes (a
 * tab opened in the background). The files stay exactly the entry and its static imports: the
 * initial JavaScript is the list in `data-initial-js` (entry first), which `npm run budgets` counts.
 * The script's hash goes into the Content-Security-Policy (csp-plugin.ts), as for every inline script.
 *
 * The first journey also needs three chunks the entry imports at once when it runs (journeyChunks):
 * the catalog, the index of the built Traces and the canvas. Requested by the entry, they left only
 * after it had arrived and been evaluated: a round trip (560 ms on Fast 3G) after the entry's, on
 * the first journey's path. The loader preloads them beside the entry, at a low priority so that
 * the entry and its imports keep the line first. They are not initial JavaScript (nothing waits for
 * them to paint or to answer input; the page fetched them at start-up already): `data-journey-js`.
 */
import type { Plugin, Rollup } from 'vite';

/** When no frame has come by then (a background tab), the page starts anyway. */
export const BOOT_FALLBACK_MS = 300;

/**
 * The loader: classic (not a module) so that it runs as it is parsed, at the end of <body>. Its
 * text is the same for every build (the files are in an attribute), so its hash is too.
 */
export const BOOT_SCRIPT = `(function () {
  var s = document.currentScript, files = s.getAttribute('data-initial-js').split(' '), done = false;
  var journey = (s.getAttribute('data-journey-js') || '').split(' ');
  function preload(href, low) {
    var l = document.createElement('link');
    l.rel = 'modulepreload';
    l.crossOrigin = '';
    if (low) l.fetchPriority = 'low';
    l.href = href;
    document.head.appendChild(l);
  }
  function start() {
    if (done) return;
    done = true;
    for (var i = 1; i < files.length; i++) preload(files[i], false);
    var e = document.createElement('script');
    e.type = 'module';
    e.crossOrigin = '';
    e.src = files[0];
    document.head.appendChild(e);
    for (var j = 0; j < journey.length; j++) if (journey[j]) preload(journey[j], true);
  }
  requestAnimationFrame(function () { setTimeout(start, 0); });
  setTimeout(start, ${BOOT_FALLBACK_MS});
})();`;

/** The entry and the chunks it imports, in index.html's order, and the HTML without their tags. */
export function takeInitialJs(html: string): { files: string[]; html: string } {
  const entries: string[] = [];
  const preloads: string[] = [];
  let out = html.replace(
    /\s*<script type="module"[^>]*\ssrc="([^"]+)"[^>]*><\/script>/g,
    (_, src: string) => {
      entries.push(src);
      return '';
    },
  );
  out = out.replace(/\s*<link rel="modulepreload"[^>]*\shref="([^"]+)"[^>]*>/g, (_, href: string) => {
    preloads.push(href);
    return '';
  });
  if (entries.length !== 1)
    throw new Error(`boot: expected one module entry in index.html, found ${entries.length}`);
  return { files: [...entries, ...preloads], html: out };
}

/** The modules whose chunks the first journey needs, as Rollup names them (see above). */
const JOURNEY_MODULES = [/^\0virtual:catalog$/, /^\0virtual:pretraced$/, /\/src\/app\/canvas\/index\.tsx?$/];

/**
 * The chunks holding JOURNEY_MODULES and the chunks they import, as `./assets/…` paths, less the
 * initial ones (`initial`). A module that is not in a chunk of its own (a dev build) adds nothing.
 */
export function journeyChunks(bundle: Rollup.OutputBundle, initial: string[]): string[] {
  const chunks = Object.values(bundle).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const have = new Set(initial.map((f) => f.replace(/^\.\//, '')));
  const out: string[] = [];
  const add = (c: Rollup.OutputChunk): void => {
    if (have.has(c.fileName)) return;
    have.add(c.fileName);
    out.push(c.fileName);
    for (const i of c.imports) {
      const dep = byName.get(i);
      if (dep) add(dep);
    }
  };
  for (const re of JOURNEY_MODULES) {
    const c = chunks.find((c) => c.isDynamicEntry && c.facadeModuleId !== null && re.test(c.facadeModuleId));
    if (c) add(c);
  }
  return out.map((f) => `./${f}`);
}

export function bootAfterPaint(): Plugin {
  return {
    name: 'packet-journey-boot',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const { files, html: rest } = takeInitialJs(html);
        const journey = ctx.bundle ? journeyChunks(ctx.bundle, files) : [];
        const tag = `<script data-initial-js="${files.join(' ')}" data-journey-js="${journey.join(' ')}">${BOOT_SCRIPT}</script>`;
        if (!rest.includes('</body>')) throw new Error('boot: index.html has no </body>');
        return rest.replace('</body>', () => `    ${tag}\n  </body>`);
      },
    },
  };
}
