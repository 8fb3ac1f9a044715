/**
 * The generated service worker, run in a small simulation of the browser's service-worker API:
 * a new build's worker keeps the previous build's files while a tab of that build is open, serves
 * each tab its own build's files, and deletes a build's cache once no tab of it is left. The cache
 * version follows the files' contents, not their names.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { contentVersion, serviceWorkerSource } from '../scripts/sw-plugin';

const ORIGIN = 'https://pj.test';

/** The site as a server holds it now: path -> body. */
type Site = Map<string, string>;

class FakeCaches {
  stores = new Map<string, Map<string, Response>>();
  async open(name: string) {
    if (!this.stores.has(name)) this.stores.set(name, new Map());
    const m = this.stores.get(name)!;
    const key = (r: { url: string } | string) =>
      new URL(typeof r === 'string' ? r : r.url, `${ORIGIN}/`).pathname;
    return {
      match: async (r: { url: string } | string) => m.get(key(r))?.clone(),
      put: async (r: { url: string } | string, res: Response) => void m.set(key(r), res),
      addAll: async (urls: string[]) => {
        for (const u of urls) m.set(key(u), await fakeFetch({ url: new URL(u, `${ORIGIN}/`).href }));
      },
    };
  }
  async keys() {
    return [...this.stores.keys()];
  }
  async delete(name: string) {
    return this.stores.delete(name);
  }
  async match(r: { url: string } | string, opts?: { cacheName?: string }) {
    for (const [name] of this.stores) {
      if (opts?.cacheName && name !== opts.cacheName) continue;
      const hit = await (await this.open(name)).match(r);
      if (hit) return hit;
    }
    return undefined;
  }
}

let site: Site = new Map();
const caches = new FakeCaches();
const openTabs = new Set<string>();
async function fakeFetch(req: { url: string }): Promise<Response> {
  const body = site.get(new URL(req.url).pathname);
  return body === undefined
    ? new Response('<!doctype html>', { status: 404, headers: { 'content-type': 'text/html' } })
    : new Response(body);
}

/** One build's worker: its listeners, in a context of its own. */
function startWorker(source: string) {
  const listeners: Record<string, (e: unknown) => void> = {};
  const self = {
    location: { origin: ORIGIN },
    addEventListener: (type: string, fn: (e: unknown) => void) => (listeners[type] = fn),
    skipWaiting: async () => {},
    clients: {
      claim: async () => {},
      matchAll: async () => [...openTabs].map((id) => ({ id })),
    },
  };
  runInNewContext(source, {
    self,
    caches,
    fetch: fakeFetch,
    Response,
    URL,
    Promise,
    Object,
    Set,
    Date,
    JSON,
  });
  const extend = async (type: string, extra: object = {}) => {
    const waits: Promise<unknown>[] = [];
    let reply: Promise<Response> | undefined;
    listeners[type]!({
      ...extra,
      waitUntil: (p: Promise<unknown>) => waits.push(p),
      respondWith: (p: Promise<Response>) => (reply = p),
    });
    const res = await reply;
    await Promise.all(waits);
    return res;
  };
  return {
    install: () => extend('install'),
    activate: () => extend('activate'),
    /** A tab opening (or reloading into) the page: returns the new tab's client id. */
    navigate: async (clientId: string) => {
      openTabs.add(clientId);
      await extend('fetch', {
        // A plain object: Node's Request refuses the navigate mode.
        request: { url: `${ORIGIN}/`, method: 'GET', mode: 'navigate' },
        resultingClientId: clientId,
      });
    },
    get: async (clientId: string, path: string) => {
      const request = { url: `${ORIGIN}${path}`, method: 'GET', mode: 'no-cors' };
      const res = await extend('fetch', { request, clientId });
      return { status: res!.status, body: await res!.text() };
    },
  };
}

function build(files: Record<string, string>) {
  site = new Map(Object.entries(files).map(([k, v]) => [`/${k}`, v]));
  site.set('/', files['index.html']!);
  const list = Object.keys(files).sort();
  const version = contentVersion(list.map((name) => ({ name, content: files[name]! })));
  return { version, source: serviceWorkerSource(list, version) };
}

describe('the service worker across a new build', () => {
  it('versions by content: the same names with other contents are another version', () => {
    const a = contentVersion([{ name: 'favicon.svg', content: '<svg/>' }]);
    const b = contentVersion([{ name: 'favicon.svg', content: '<svg></svg>' }]);
    expect(a).not.toBe(b);
    expect(contentVersion([{ name: 'favicon.svg', content: '<svg/>' }])).toBe(a);
  });

  it('keeps the old build for the tabs that run it, and drops it once they reloaded', async () => {
    const v1 = build({
      'index.html': 'page v1',
      'assets/editor-AAA.js': 'editor v1',
      'favicon.svg': 'icon v1',
    });
    const sw1 = startWorker(v1.source);
    await sw1.install();
    await sw1.activate();
    await sw1.navigate('old-tab');
    expect(await sw1.get('old-tab', '/assets/editor-AAA.js')).toEqual({ status: 200, body: 'editor v1' });

    // A new build is deployed: the old chunk is gone from the server, the icon changed under its name.
    const v2 = build({
      'index.html': 'page v2',
      'assets/editor-BBB.js': 'editor v2',
      'favicon.svg': 'icon v2',
    });
    expect(v2.version).not.toBe(v1.version);
    const sw2 = startWorker(v2.source);
    await sw2.install();
    await sw2.activate();
    await sw2.navigate('new-tab');
    // The old tab still opens its editor (its chunk comes from the old build's cache) and its own icon.
    expect(await sw2.get('old-tab', '/assets/editor-AAA.js')).toEqual({ status: 200, body: 'editor v1' });
    expect(await sw2.get('old-tab', '/favicon.svg')).toEqual({ status: 200, body: 'icon v1' });
    // The new tab gets the new build's files, never the old ones stored under the same name.
    expect(await sw2.get('new-tab', '/favicon.svg')).toEqual({ status: 200, body: 'icon v2' });
    expect(await sw2.get('new-tab', '/assets/editor-BBB.js')).toEqual({ status: 200, body: 'editor v2' });
    expect(await caches.keys()).toContain(`packet-journey-${v1.version}`);

    // The old tab reloads into the new build: no tab runs v1 any more and its cache goes.
    openTabs.delete('old-tab');
    await sw2.navigate('old-tab-reloaded');
    const keys = await caches.keys();
    expect(keys).not.toContain(`packet-journey-${v1.version}`);
    expect(keys).toContain(`packet-journey-${v2.version}`);
  });

  it('a tab it knows nothing about keeps every build', async () => {
    const v3 = build({ 'index.html': 'page v3', 'assets/x-CCC.js': 'x' });
    openTabs.add('untracked');
    const sw3 = startWorker(v3.source);
    await sw3.install();
    await sw3.activate();
    expect((await caches.keys()).filter((k) => k !== 'packet-journey-meta').length).toBeGreaterThan(1);
  });
});
