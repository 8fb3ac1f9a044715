/**
 * The built-in scenarios' journeys, computed ahead (at build time, by the Vite plugin in
 * ./build-data-plugin.ts): the Trace of every flow as the trace worker computes it with no change
 * made (the world its scenario and the flow's `before` commands build). The page opens a built-in
 * flow from this data, a few KB, instead of waiting for the worker (the whole engine, about 200 KB
 * gzip, compiled, then a world built) before its first journey can play; every change the learner
 * makes still goes to the worker.
 */
import { readFileSync } from 'node:fs';
import { listFlows, loadScenario, traceFlow, type Scenario, type Trace } from '../src/engine';

const loaded = new Map<string, Scenario>();

function scenarioIn(file: string, name: string): Scenario {
  let s = loaded.get(file);
  if (!s) loaded.set(file, (s = loadScenario(readFileSync(file, 'utf8'), name)));
  return s;
}

/** The ids of the flows of the scenario in `file` (none when the file does not load). */
export function pretracedFlows(file: string, name: string): string[] {
  try {
    return listFlows(scenarioIn(file, name)).map((f) => f.id);
  } catch {
    return [];
  }
}

/**
 * The Trace of `flowId`, or null when the engine refuses it: the page then asks the worker, which
 * gives the learner the engine's own error.
 */
export function pretracedTrace(file: string, name: string, flowId: string): Trace | null {
  try {
    return traceFlow(scenarioIn(file, name), flowId);
  } catch {
    return null;
  }
}
