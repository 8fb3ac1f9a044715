/**
 * A small Vite plugin that writes dist/sw.js, a service worker precaching every file of the build
 * (the bundle's chunks and assets, the workers, the public files and index.html), so the site works
 * offline after the first visit. No third-party host is involved: everything is served from the site.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

function publicFiles(dir: string, base = ''): string[] {
  let out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const full = path.join(dir, name);
    const rel = base ? `${base}/${name}` : name;
    if (statSync(full).isDirectory()) out = out.concat(publicFiles(full, rel));
    else out.push(rel);
  }
  return out;
}

/** The service worker's source for a list of files (relative to the site's root) and a version. */
export function serviceWorkerSource(files: string[], version: string): string {
  return `// Generated at build time by scripts/sw-plugin.ts: precaches the whole site for offline use.
const CACHE = 'packet-journey-${version}';
const FILES = ${JSON.stringify(['./', ...files.map((f) => `./${f}`)], null, 0)};

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('packet-journey-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    // The page: the network when there is one (a new build), else the cached page (query and hash ignored).
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok) {
            const copy = res.clone();
            caches.open(CACHE).then((cache) => cache.put('./', copy));
          }
          return res;
        })
        .catch(() => caches.match('./', { cacheName: CACHE }).then((r) => r || caches.match(req, { ignoreSearch: true, ignoreVary: true }))),
    );
    return;
  }
  // Hashed assets never change: the cache first.
  event.respondWith(caches.match(req, { ignoreSearch: true, ignoreVary: true }).then((hit) => hit || fetch(req)));
});
`;
}

export function precacheServiceWorker(): Plugin {
  let publicDir = '';
  return {
    name: 'packet-journey-precache-sw',
    apply: 'build',
    configResolved(config) {
      publicDir = config.publicDir;
    },
    generateBundle(_options, bundle) {
      const files = [...new Set([...Object.keys(bundle), ...publicFiles(publicDir)])]
        .filter((f) => f !== 'sw.js' && !f.endsWith('.map'))
        .sort();
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: serviceWorkerSource(files, version) });
    },
  };
}
