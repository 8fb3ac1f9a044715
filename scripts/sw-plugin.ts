/**
 * A small Vite plugin that writes dist/sw.js, a service worker precaching every file of the build
 * (the bundle's chunks and assets, the workers, the public files and index.html), so the site works
 * offline after the first visit. No third-party host is involved: everything is served from the site.
 */
import { TRACES_DIR } from './build-data-plugin.ts';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * The build's version: a hash of every precached file's name and contents, so a file changed under
 * the same name (a public file, index.html) makes a new version, and an unchanged build keeps its own.
 */
export function contentVersion(files: { name: string; content: string | Uint8Array }[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    h.update(`${f.name}\0`);
    h.update(f.content);
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * The service worker's source for a list of files (relative to the site's root) and a version.
 *
 * A new build must not break tabs still running the previous one: their lazy chunks have the old
 * names. So every build's files stay cached (one cache per version) until no open tab uses that
 * version. The worker remembers which version each tab's page came from (by client id, saved in a
 * cache of its own so it outlives the worker being stopped) and answers a tab's requests from its
 * own version first; a version's cache is deleted once no tab of it is open (a tab whose version it
 * does not know keeps every version).
 */
export function serviceWorkerSource(files: string[], version: string): string {
  return `// Generated at build time by scripts/sw-plugin.ts: precaches the whole site for offline use.
const PREFIX = 'packet-journey-';
const VERSION = '${version}';
const CACHE = PREFIX + VERSION;
const META = 'packet-journey-meta';
const FILES = ${JSON.stringify(['./', ...files.map((f) => `./${f}`)], null, 0)};
const MATCH = { ignoreSearch: true, ignoreVary: true };

/** Which version each tab's page came from: client id -> { v: version, at: when it navigated }. */
let tabs = null;
function loadTabs() {
  if (!tabs) {
    tabs = caches
      .open(META)
      .then((c) => c.match('./tabs.json'))
      .then((r) => (r ? r.json() : {}))
      .catch(() => ({}));
  }
  return tabs;
}
function saveTabs(map) {
  tabs = Promise.resolve(map);
  return caches.open(META).then((c) => c.put('./tabs.json', new Response(JSON.stringify(map))));
}

/**
 * Forget closed tabs, and delete every version's cache no open tab uses. \`navigating\` is the tab a
 * navigation is creating: it may not be listed among the clients yet.
 */
async function prune(navigating) {
  const [map, open, keys] = await Promise.all([
    loadTabs(),
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }),
    caches.keys(),
  ]);
  const alive = {};
  let unknown = false;
  for (const c of open) {
    if (map[c.id]) alive[c.id] = map[c.id];
    else unknown = true;
  }
  if (navigating && map[navigating]) alive[navigating] = map[navigating];
  await saveTabs(alive);
  // A tab from before this worker kept track (or not controlled by it): its version is unknown, keep all.
  if (unknown) return;
  const used = new Set([VERSION, ...Object.values(alive).map((t) => t.v)]);
  await Promise.all(
    keys
      .filter((k) => k.startsWith(PREFIX) && k !== META && !used.has(k.slice(PREFIX.length)))
      .map((k) => caches.delete(k)),
  );
}

async function remember(clientId, version) {
  if (!clientId) return;
  const map = { ...(await loadTabs()), [clientId]: { v: version, at: Date.now() } };
  await saveTabs(map);
  await prune(clientId);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim().then(() => prune()));
});

/** A request of a tab: its own version's file first, then this version's, then any, then the network. */
async function answer(req, clientId) {
  const map = await loadTabs();
  const own = map[clientId] && map[clientId].v;
  const order = own && own !== VERSION ? [PREFIX + own, CACHE] : [CACHE];
  for (const name of order) {
    const hit = await caches.open(name).then((c) => c.match(req, MATCH));
    if (hit) return hit;
  }
  return (await caches.match(req, MATCH)) || fetch(req);
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    // The page: the network when there is one (this build's page), else the cached page (query and hash ignored).
    const page = fetch(req)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((cache) => cache.put('./', copy));
        }
        return res;
      })
      .catch(() => caches.match('./', { cacheName: CACHE }).then((r) => r || caches.match(req, MATCH)));
    event.respondWith(page);
    // The new page is this version's (from the network or from this cache): its files are CACHE's.
    event.waitUntil(page.then(() => remember(event.resultingClientId, VERSION)).catch(() => {}));
    return;
  }
  event.respondWith(answer(req, event.clientId));
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
    // After the bundle is written: every file is final then (index.html, preload markers filled in),
    // so the version hashes the very bytes the site serves.
    writeBundle(options, bundle) {
      const outDir = options.dir ?? 'dist';
      const contents: { name: string; content: string | Uint8Array }[] = [];
      for (const [name, out] of Object.entries(bundle)) {
        // The built flows' Traces (11 MB in all) are a head start, not needed offline: the worker
        // computes the same journeys there.
        if (name.startsWith(TRACES_DIR)) continue;
        contents.push({ name, content: out.type === 'chunk' ? out.code : out.source });
      }
      for (const name of publicFiles(publicDir)) {
        if (!(name in bundle)) contents.push({ name, content: readFileSync(path.join(publicDir, name)) });
      }
      const precached = contents.filter((f) => f.name !== 'sw.js' && !f.name.endsWith('.map'));
      const files = precached.map((f) => f.name).sort();
      writeFileSync(path.join(outDir, 'sw.js'), serviceWorkerSource(files, contentVersion(precached)));
    },
  };
}
