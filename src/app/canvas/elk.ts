/**
 * Lazy ELK: elkjs runs in its own Web Worker, started on first use (so its 2.6 MB neither sits
 * in the initial bundle nor blocks the main thread while it parses and lays out). ELK's result is
 * computed once per topology (memoised by its key), never per step; arranging the machines in rows
 * for the view's shape is cheap and done again when that shape changes.
 */
import type { ELK, ElkNode } from 'elkjs/lib/elk-api';
import type { Topology } from '../../engine/kernel/trace';
import { DEFAULT_ASPECT, elkToLayout, topologyKey, topologyToElkGraph, type CanvasLayout } from './layout';

let elkPromise: Promise<ELK> | null = null;
const cache = new Map<string, Promise<ElkNode>>();
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

/** ELK's layout of a topology (memoised by topology key). */
function elkLayout(t: Topology): Promise<ElkNode> {
  const key = topologyKey(t);
  let p = cache.get(key);
  if (!p) {
    p = loadElk().then((elk) => elk.layout(topologyToElkGraph(t)));
    p.catch(() => cache.delete(key));
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, p);
  }
  return p;
}

/** Lay out a topology for a view of the given aspect ratio (width / height). */
export function layoutTopology(t: Topology, aspect = DEFAULT_ASPECT): Promise<CanvasLayout> {
  return elkLayout(t).then((g) => elkToLayout(t, g, aspect));
}
