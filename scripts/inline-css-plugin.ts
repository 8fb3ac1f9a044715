/**
 * The page's stylesheet, inlined in index.html (build only). Linked, it is one more request before
 * the static shell can paint: a round trip after the page's own (150 ms on Lighthouse's mobile line,
 * 560 ms on Fast 3G). The site has one stylesheet (Tailwind's, with the canvas's), 10 KB gzip; the
 * lazy chunks list it among the files to load with them, and since it is already applied they are
 * told not to (modulePreload.resolveDependencies), or it would be fetched and applied a second time.
 */
import type { Plugin } from 'vite';

export function inlineCss(): Plugin {
  return {
    name: 'packet-journey-inline-css',
    apply: 'build',
    config: () => ({
      build: {
        modulePreload: { resolveDependencies: (_file, deps) => deps.filter((d) => !d.endsWith('.css')) },
      },
    }),
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle ?? {};
        const sheets = Object.values(bundle).filter((f) => f.type === 'asset' && f.fileName.endsWith('.css'));
        if (sheets.length !== 1)
          throw new Error(`inline-css: expected the site's one stylesheet, found ${sheets.length}`);
        const sheet = sheets[0]!;
        const css = sheet.type === 'asset' ? String(sheet.source) : '';
        const link = new RegExp(`<link rel="stylesheet"[^>]*href="[^"]*${sheet.fileName}"[^>]*>`);
        if (!link.test(html)) throw new Error(`inline-css: index.html does not link ${sheet.fileName}`);
        // A function, so that "$&" or "$'" in the CSS are not read as replacement patterns.
        return html.replace(link, () => `<style>${css.replace(/<\/style/gi, '<\\/style')}</style>`);
      },
    },
  };
}
