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
  traceToPcapng,
  type Scenario,
  type World,
} from '../../engine';
import { labScript } from '../../engine/lab/script';
import { TABLE_READERS } from '../../engine/sim/tables';
import type { Exec, ScenarioInfo, Trace } from '../types';
import type { CheckOutcome, CommandOutcome } from './protocol';

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

/** The name edited or imported YAML is loaded under (errors read `edited:LINE PATH: ...`; no .yaml, so any id goes). */
export const EDITED_FILE = 'edited';

/** The raw YAML of a built-in scenario. */
export function source(id: string): Promise<string> {
  const entry = byId.get(id);
  if (!entry) return Promise.reject(new Error(`unknown scenario "${id}"`));
  return entry.load();
}

// The last edited text loaded, so typing, tracing and terminal commands do not parse it again each time.
let lastEdited: { text: string; scenario: Scenario } | null = null;

function loadEdited(text: string): Scenario {
  if (lastEdited?.text === text) return lastEdited.scenario;
  const scenario = loadScenario(text, EDITED_FILE);
  lastEdited = { text, scenario };
  return scenario;
}

/** The built-in scenario, or the edited text when given. */
function scenarioOf(id: string, yaml: string | undefined): Promise<Scenario> {
  if (yaml === undefined) return getScenario(id);
  try {
    return Promise.resolve(loadEdited(yaml));
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

function infoOf(id: string, s: Scenario): ScenarioInfo {
  return {
    id,
    group: s.group,
    title: s.title.en,
    description: s.description.en,
    concept: s.concept.en,
    zh: { title: s.title.zh, description: s.description.zh, concept: s.concept.zh },
    flows: listFlows(s).map((f) => ({
      id: f.id,
      title: f.title.en,
      ...(f.description ? { description: f.description.en } : {}),
      zh: { title: f.title.zh, ...(f.description ? { description: f.description.zh } : {}) },
    })),
    ...(s.corrections?.length ? { corrections: s.corrections.map(({ line: _line, ...c }) => c) } : {}),
  };
}

/** Loads and builds edited YAML: its catalog entry, or the loader's (or a setup command's) error (`edited:LINE PATH: MESSAGE`). */
export function check(yaml: string): CheckOutcome {
  try {
    const s = loadEdited(yaml);
    // Building runs every setup command: a command the kernel refuses is an error at its line too.
    buildWorld(s);
    return { ok: true, info: infoOf(s.id, s) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export function pcapng(trace: Trace): Uint8Array {
  return traceToPcapng(trace);
}

export async function catalog(): Promise<ScenarioInfo[]> {
  const out: ScenarioInfo[] = [];
  for (const id of [...byId.keys()].sort()) {
    try {
      out.push(infoOf(id, await getScenario(id)));
    } catch (e) {
      // A broken scenario file must not hide the others: list it with its error as the description.
      out.push({ id, group: 'Troubleshooting', title: id, description: String(e), flows: [] });
    }
  }
  return out;
}

export async function trace(
  scenarioId: string,
  flowId: string,
  execs: Exec[],
  yaml?: string,
): Promise<Trace> {
  return traceFlow(await scenarioOf(scenarioId, yaml), flowId, { exec: execs });
}

/** The kernel-lab bash script for a scenario and flow, with the terminal's changes as exec lines. */
export async function lab(scenarioId: string, flowId: string, execs: Exec[], yaml?: string): Promise<string> {
  return labScript(await scenarioOf(scenarioId, yaml), { flow: flowId, exec: execs });
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
  yaml?: string,
): Promise<CommandOutcome> {
  const scenario = await scenarioOf(scenarioId, yaml);
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
