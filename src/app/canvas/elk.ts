/**
 * Lazy ELK: elkjs runs in its own Web Worker, started on first use (so its 2.6 MB neither sits
 * in the initial bundle nor blocks the main thread while it parses and lays out), and a layout
 * is computed once per topology (memoised by its key), never per step.
 */
import type { ELK } from 'elkjs/lib/elk-api';
import type { Topology } from '../../engine/sim/trace';
import { elkToLayout, topologyKey, topologyToElkGraph, type CanvasLayout } from './layout';

let elkPromise: Promise<ELK> | null = null;
const cache = new Map<string, Promise<CanvasLayout>>();
const MAX_CACHED = 16;

function loadElk(): Promise<ELK> {
  elkPromise ??= Promise.all([
    import('elkjs/lib/elk-api.js'),
    import('elkjs/lib/elk-worker.min.js?url'),
  ]).then(([api, worker]) => {
    const Elk = api.default;
    return new Elk({ workerUrl: worker.default });
  });
  return elkPromise;
}

/** Lay out a topology (memoised by topology key). */
export function layoutTopology(t: Topology): Promise<CanvasLayout> {
  const key = topologyKey(t);
  let p = cache.get(key);
  if (!p) {
    p = loadElk()
      .then((elk) => elk.layout(topologyToElkGraph(t)))
      .then((g) => elkToLayout(t, g));
    p.catch(() => cache.delete(key));
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, p);
  }
  return p;
}
