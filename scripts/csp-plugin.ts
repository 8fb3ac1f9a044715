/**
 * The built site's Content-Security-Policy, as a <meta> tag in dist/index.html (a static site has no
 * headers of its own). Build only: the dev server injects inline scripts (React refresh) that it forbids.
 * 'unsafe-inline' styles: CodeMirror and React's style attributes need them; scripts stay strictly 'self'.
 */
import type { Plugin } from 'vite';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function contentSecurityPolicy(): Plugin {
  return {
    name: 'packet-journey-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP },
          injectTo: 'head-prepend',
        },
      ],
    },
  };
}
