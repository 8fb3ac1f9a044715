/**
 * The catalog of the built-in scenarios, computed at build time (by ./build-data-plugin.ts) exactly
 * as the trace worker computes it (engine-service.ts catalog()): the page then knows the scenarios
 * and opens the first one without waiting for the worker to parse every scenario file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadScenario } from '../src/engine';
import { infoOf } from '../src/app/worker/info';
import type { ScenarioInfo } from '../src/app/types';

export function builtinCatalog(dir: string): ScenarioInfo[] {
  const ids = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
  return ids.map((id) => {
    const name = `scenarios/${id}.yaml`;
    try {
      return infoOf(id, loadScenario(readFileSync(path.join(dir, `${id}.yaml`), 'utf8'), name));
    } catch (e) {
      // As the worker does: a broken file is listed with its error, and hides no other scenario.
      return { id, group: 'Troubleshooting', title: id, description: String(e), flows: [] };
    }
  });
}
