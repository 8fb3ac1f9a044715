/**
 * The canvas's layouts of the built-in scenarios, computed ahead (at build time, by the Vite plugin in
 * ./build-data-plugin.ts): ELK's result for every topology a scenario's flows start from, keyed by the
 * canvas's topology key. The page then draws a built-in scenario's first journey without starting ELK
 * (its worker is 472 KB gzip and seconds of work on a slow phone); a topology the learner changed is
 * not in the table and goes to ELK as before.
 */
import { readFileSync } from 'node:fs';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import { buildWorld, loadScenario, topologyOf } from '../src/engine';
import { topologyKey, topologyToElkGraph } from '../src/app/canvas/layout';

/** Runs `compute` for ELK's input `input`, or answers from a cache. */
export type Memo = (input: unknown, compute: () => Promise<ElkNode>) => Promise<ElkNode>;

/** ELK's layout of each distinct starting topology of the scenario in `file`, by topology key. */
export async function prelaidLayouts(
  file: string,
  name: string,
  memo: Memo = (_, compute) => compute(),
): Promise<Record<string, ElkNode>> {
  const scenario = loadScenario(readFileSync(file, 'utf8'), name);
  const elk = new ELK();
  const out: Record<string, ElkNode> = {};
  for (const flow of scenario.flows) {
    let topology;
    try {
      topology = topologyOf(buildWorld(scenario, { exec: [...(flow.before ?? [])] }).world);
    } catch {
      continue; // A flow whose world does not build has no journey to draw (the page says why).
    }
    const key = topologyKey(topology);
    if (key in out) continue;
    const graph = topologyToElkGraph(topology);
    out[key] = await memo(graph, () => elk.layout(graph));
  }
  return out;
}
