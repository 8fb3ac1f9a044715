/**
 * The page's JavaScript runs after the static shell has painted (build only), and downloads meanwhile.
 *
 * Vite writes the entry as `<script type="module" src>` and its imports as `<link rel="modulepreload">`
 * in index.html; the browser fetches them while it parses the page, and on a fast line it evaluates
 * the 110 KB entry before the first paint, so the shell (and the welcome card it carries on a first
 * visit, the page's largest text) waits for React's code. Lighthouse's simulation of a phone then
 * counts their download (Slow 4G) in the first and largest contentful paints: 1.6 s and 3.7 s.
 *
 * This plugin keeps the files' download at the start, as `<link rel="modulepreload"
 * fetchpriority="low">` for every one (a preload never runs a module; at low priority it is not
 * render-blocking, for the browser or for Lighthouse's simulation), and replaces the entry's tag with
 * one inline script that runs them once a frame has been painted (requestAnimationFrame, then a task),
 * or after BOOT_FALLBACK_MS if no frame comes (a tab opened in the background). It runs the entry's
 * imports first, one module script each, each after the previous one has run, and the entry last: a
 * module script evaluates its whole graph in one task, so the 440 KB of the initial JavaScript (React's
 * DOM, xstate and the app: vite.config.ts keeps them apart) made one task of about 100 ms on a fast
 * machine, which Lighthouse multiplies by four for a phone. Each file is a dependency of the entry,
 * so the modules' own order is kept: a file evaluates with whatever it imports. Adding the files only
 * then, as before, put their whole download after the paint: the first journey was playable 200 ms
 * later. The files stay exactly the entry and its static imports: the initial JavaScript is the list in
 * `data-initial-js` (entry first), which `npm run budgets` counts. The script's hash goes into the
 * Content-Security-Policy (csp-plugin.ts), as for every inline script.
 */
import type { Plugin } from 'vite';

/** When no frame has come by then (a background tab), the page starts anyway. */
export const BOOT_FALLBACK_MS = 300;

/**
 * The loader: classic (not a module) so that it runs as it is parsed, at the end of <body>. Its
 * text is the same for every build (the files are in an attribute), so its hash is too.
 */
export const BOOT_SCRIPT = `(function () {
  var s = document.currentScript, files = s.getAttribute('data-initial-js').split(' '), done = false;
  var order = files.slice(1).concat(files[0]);
  function run(i) {
    var e = document.createElement('script');
    e.type = 'module';
    e.crossOrigin = '';
    e.src = order[i];
    if (i + 1 < order.length)
      e.onload = e.onerror = function () {
        setTimeout(function () { run(i + 1); }, 0);
      };
    document.head.appendChild(e);
  }
  function start() {
    if (done) return;
    done = true;
    run(0);
  }
  requestAnimationFrame(function () { setTimeout(start, 0); });
  setTimeout(start, ${BOOT_FALLBACK_MS});
})();`;

/** The head's tags that download (and never run) the initial JavaScript, at low priority. */
export function preloadTags(files: string[]): string {
  return files
    .map((f) => `<link rel="modulepreload" crossorigin fetchpriority="low" href="${f}">`)
    .join('\n    ');
}

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

export function bootAfterPaint(): Plugin {
  return {
    name: 'packet-journey-boot',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const { files, html: rest } = takeInitialJs(html);
        const tag = `<script data-initial-js="${files.join(' ')}">${BOOT_SCRIPT}</script>`;
        if (!rest.includes('</body>')) throw new Error('boot: index.html has no </body>');
        if (!rest.includes('</head>')) throw new Error('boot: index.html has no </head>');
        return rest
          .replace('</head>', () => `  ${preloadTags(files)}\n  </head>`)
          .replace('</body>', () => `    ${tag}\n  </body>`);
      },
    },
  };
}
