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
  function start() {
    if (done) return;
    done = true;
    for (var i = 1; i < files.length; i++) {
      var l = document.createElement('link');
      l.rel = 'modulepreload';
      l.crossOrigin = '';
      l.href = files[i];
      document.head.appendChild(l);
    }
    var e = document.createElement('script');
    e.type = 'module';
    e.crossOrigin = '';
    e.src = files[0];
    document.head.appendChild(e);
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
        return rest.replace('</body>', () => `    ${tag}\n  </body>`);
      },
    },
  };
}
