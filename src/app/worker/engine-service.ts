/**
 * What the worker does, as plain functions over the engine (also usable on the main thread in tests).
 * Scenarios are the YAML files in /scenarios, loaded lazily by Vite.
 */
import {
  buildWorld,
  CommandError,
  findNetns,
  listFlows,
  loadScenario,
  runCommand,
  topologyOf,
  traceFlow,
  type Scenario,
  type World,
} from '../../engine';
import { labScript } from '../../engine/lab/script';
import { TABLE_READERS } from '../../engine/sim/tables';
import type { Exec, ScenarioInfo, Trace } from '../types';
import type { CommandOutcome } from './protocol';

type Loader = () => Promise<string>;

const files = import.meta.glob('/scenarios/*.yaml', { query: '?raw', import: 'default' }) as Record<
  string,
  Loader
>;

const idOf = (path: string): string => path.replace(/^.*\//, '').replace(/\.yaml$/, '');
const byId = new Map(Object.entries(files).map(([path, load]) => [idOf(path), { path, load }]));
const cache = new Map<string, Promise<Scenario>>();

export function getScenario(id: string): Promise<Scenario> {
  let s = cache.get(id);
  if (!s) {
    const entry = byId.get(id);
    if (!entry) return Promise.reject(new Error(`unknown scenario "${id}"`));
    s = entry.load().then((text) => loadScenario(text, entry.path.replace(/^\//, '')));
    cache.set(id, s);
  }
  return s;
}

export async function catalog(): Promise<ScenarioInfo[]> {
  const out: ScenarioInfo[] = [];
  for (const id of [...byId.keys()].sort()) {
    try {
      const s = await getScenario(id);
      out.push({
        id,
        group: s.group,
        title: s.title.en,
        description: s.description.en,
        flows: listFlows(s).map((f) => ({
          id: f.id,
          title: f.title.en,
          ...(f.description ? { description: f.description.en } : {}),
        })),
      });
    } catch (e) {
      // A broken scenario file must not hide the others: list it with its error as the description.
      out.push({ id, group: 'Troubleshooting', title: id, description: String(e), flows: [] });
    }
  }
  return out;
}

export async function trace(scenarioId: string, flowId: string, execs: Exec[]): Promise<Trace> {
  return traceFlow(await getScenario(scenarioId), flowId, { exec: execs });
}

/** The kernel-lab bash script for a scenario and flow, with the terminal's changes as exec lines. */
export async function lab(scenarioId: string, flowId: string, execs: Exec[]): Promise<string> {
  return labScript(await getScenario(scenarioId), { flow: flowId, exec: execs });
}

/** Every table of every netns, plus the topology: a fingerprint of the world's state. */
function fingerprint(world: World): string {
  const parts: string[] = [JSON.stringify(topologyOf(world))];
  for (const [name, ns] of world.netns) {
    for (const [table, read] of Object.entries(TABLE_READERS)) {
      if (read) parts.push(`${name}/${table}\n${read(ns).rows.join('\n')}`);
    }
  }
  return parts.join('\n');
}

export async function command(
  scenarioId: string,
  execs: Exec[],
  netns: string,
  line: string,
): Promise<CommandOutcome> {
  const scenario = await getScenario(scenarioId);
  const { world } = buildWorld(scenario, { exec: execs });
  const found = findNetns(world, netns);
  if (!found) return { output: `no netns "${netns}"`, failed: true, changed: false };
  const before = fingerprint(world);
  try {
    const r = runCommand({ world, machine: found.machine, ns: found.ns, origin: 'terminal' }, line);
    const output = r.process
      ? [r.output, `(${line.split(/\s+/)[0]} runs as a flow here: pick a flow above to watch its journey)`]
          .filter(Boolean)
          .join('\n')
      : r.output;
    return { output, failed: false, changed: fingerprint(world) !== before };
  } catch (e) {
    const output = e instanceof CommandError || e instanceof Error ? e.message : String(e);
    return { output, failed: true, changed: false };
  }
}
