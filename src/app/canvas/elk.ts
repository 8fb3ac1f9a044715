/**
 * Lazy ELK: elkjs runs in its own Web Worker, started on first use (so its 2.6 MB neither sits
 * in the initial bundle nor blocks the main thread while it parses and lays out). ELK's result is
 * computed once per topology (memoised by its key), never per step; arranging the machines in rows
 * for the view's shape is cheap and done again when that shape changes.
 *
 * The built-in scenarios' topologies were laid out at build time (virtual:prelaid, a few KB per
 * scenario): their first journey is drawn without ELK. ELK starts for a topology that is not
 * there (an edited scenario, a terminal command that adds a device).
 */
import type { ELK, ElkNode } from 'elkjs/lib/elk-api';
import { prelaid } from 'virtual:prelaid';
import type { Topology } from '../../engine/kernel/trace';
import {
  DEFAULT_ASPECT,
  elkToLayout,
  MACHINE_OPTIONS,
  topologyKey,
  topologyToElkGraph,
  type CanvasLayout,
} from './layout';
import { collapseTopology, withSummaries } from './lod';

let elkPromise: Promise<ELK> | null = null;
const cache = new Map<string, Promise<ElkNode>>();
const MAX_CACHED = 16;

function loadElk(): Promise<ELK> {
  elkPromise ??= Promise.all([
    import('elkjs/lib/elk-api.js'),
    import('elkjs/lib/elk-worker.min.js?url'),
  ]).then(([api, worker]) => {
    const Elk = api.default;
    const elk = new Elk({ workerUrl: worker.default });
    // A first layout of a tiny graph while nothing waits: ELK's first real layout otherwise pays for
    // its start (seconds on a slow machine), in front of the reader.
    void elk
      .layout({
        id: 'warm',
        children: [
          {
            id: 'm',
            layoutOptions: MACHINE_OPTIONS,
            children: [
              { id: 'a', width: 9, height: 9 },
              { id: 'b', width: 9, height: 9 },
            ],
            edges: [{ id: 'e', sources: ['a'], targets: ['b'] }],
          },
        ],
      })
      .catch(() => undefined);
    return elk;
  });
  return elkPromise;
}

/** The layouts computed at build time for a built-in scenario (none for another id). */
function prelaidFor(scenario: string): Promise<Record<string, ElkNode>> {
  const load = Object.hasOwn(prelaid, scenario) ? prelaid[scenario] : undefined;
  return load
    ? load().then(
        (m) => m.default,
        () => ({}),
      )
    : Promise.resolve({});
}

/**
 * Called as soon as the scenario is known, before its Trace: fetches its build-time layouts, or
 * starts ELK's worker when the scenario is edited or has none, so neither waits for the Trace.
 */
export function warmLayout(scenario: string, edited: boolean): void {
  if (edited || !Object.hasOwn(prelaid, scenario)) void loadElk();
  else void prelaidFor(scenario);
}

/** ELK's layout of a topology (memoised by topology key): from the build when it was laid out there. */
function elkLayout(t: Topology, scenario: string): Promise<ElkNode> {
  const key = topologyKey(t);
  let p = cache.get(key);
  if (!p) {
    p = prelaidFor(scenario).then(
      (built) => built[key] ?? loadElk().then((elk) => elk.layout(topologyToElkGraph(t))),
    );
    p.catch(() => cache.delete(key));
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, p);
  }
  return p;
}

/**
 * Lay out a topology of `scenario` for a view of the given aspect ratio (width / height). In a big
 * world only the machines in `keep` (the journey's, and any the reader opened) go through ELK; the
 * others are summaries placed without it (lod.ts).
 */
export function layoutTopology(
  t: Topology,
  scenario: string,
  aspect = DEFAULT_ASPECT,
  keep: readonly string[] = [],
): Promise<CanvasLayout> {
  const c = collapseTopology(t, keep);
  if (!c) return elkLayout(t, scenario).then((g) => elkToLayout(t, g, aspect));
  const key = topologyKey(t);
  return elkLayout(c.sub, scenario).then((g) => withSummaries(elkToLayout(c.sub, g, aspect), c, key, aspect));
}
