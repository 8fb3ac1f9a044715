/**
 * The built site's Content-Security-Policy, as a <meta> tag in dist/index.html (a static site has no
 * headers of its own). Build only: the dev server injects inline scripts (React refresh) that it forbids.
 * 'unsafe-inline' styles: CodeMirror and React's style attributes need them; scripts stay 'self', plus
 * the page's own inline scripts by their SHA-256 (the first-visit mark in index.html and the loader of
 * boot-plugin.ts), computed here from the final HTML: any other inline script is refused.
 */
import { createHash } from 'node:crypto';
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

/** The policy for a page whose inline scripts are `inline` (their text): each allowed by its hash. */
export function policyFor(inline: string[]): string {
  const hashes = inline.map((text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`);
  return CSP.replace("script-src 'self'", ["script-src 'self'", ...hashes].join(' '));
}

/** The text of every inline (src-less) script of `html`. */
export function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
}

/** Must run after every plugin that adds an inline script (it comes after them in vite.config.ts). */
export function contentSecurityPolicy(): Plugin {
  return {
    name: 'packet-journey-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => ({
        html,
        tags: [
          {
            tag: 'meta',
            attrs: { 'http-equiv': 'Content-Security-Policy', content: policyFor(inlineScripts(html)) },
            injectTo: 'head-prepend',
          },
        ],
      }),
    },
  };
}
