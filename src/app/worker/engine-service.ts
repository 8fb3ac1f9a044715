/**
 * What the worker does, as plain functions over the engine (also usable on the main thread in tests).
 * Scenarios are the YAML files in /scenarios, loaded lazily by Vite.
 */
import {
  applyExec,
  buildWorld,
  CommandError,
  findFlow,
  findNetns,
  loadScenario,
  logExec,
  netnsTables,
  runCommand,
  ScenarioError,
  traceBuilt,
  traceToPcapng,
  type BuiltWorld,
  type KernelObserver,
  type Scenario,
  type SetupLogEntry,
  type TableSnapshot,
} from '../../engine';
import { labScript } from '../../engine/lab/script';
import type { Exec, ScenarioInfo, Trace } from '../types';
import { infoOf } from './info';
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

/*
 * Worlds are reused. A built world, per scenario and list of changes, waits in `pool` until a
 * trace or a terminal command takes it (a flow runs in its world and uses it up; a command
 * that changes the world hands it back under the new list of changes, exactly as a build
 * with that change would be). After a trace the worker builds the next one while idle, and
 * keeps the traced world to answer `tables` for the namespaces the journey never touched.
 */
const pool = new WeakMap<Scenario, Map<string, BuiltWorld>>();
/** Worlds kept per scenario (a 10,000-Service world is tens of megabytes). */
const POOL_SIZE = 2;
let traced: { scenario: Scenario; key: string; flowId: string; built: BuiltWorld } | null = null;
let refill: ReturnType<typeof setTimeout> | null = null;

const keyOf = (execs: Exec[]): string => JSON.stringify(execs.map((e) => [e.netns, e.line]));

/**
 * Builds the world for a flow's own commands (`before`: part of the scenario, they must work) and
 * the learner's changes. A change that fails (a link's typo, a netns an edit removed) is skipped:
 * the setup log records it as failed, with the tool's own error, and the rest still run. With no
 * failure this is exactly buildWorld(s, { exec: [...before, ...execs] }).
 */
export function buildSkipping(s: Scenario, before: Exec[], execs: Exec[]): BuiltWorld {
  if (execs.length === 0) return buildWorld(s, { exec: before });
  const built = buildWorld(s, { exec: before });
  for (const ex of execs) {
    try {
      applyExec(built, ex);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      built.setup.push(skippedEntry(built, ex, e.message));
    }
  }
  return built;
}

/** The setup-log line of a change that was skipped: `output` is the tool's error, without the --exec label. */
function skippedEntry(built: BuiltWorld, ex: Exec, message: string): SetupLogEntry {
  const label = `--exec "${ex.netns}: ${ex.line}": `;
  const output = message.startsWith(label) ? message.slice(label.length) : message;
  const machine = findNetns(built.world, ex.netns)?.machine.name ?? '';
  return { machine, netns: ex.netns, command: ex.line, source: '--exec', ok: false, output };
}

function takeWorld(s: Scenario, before: Exec[], execs: Exec[]): BuiltWorld {
  const worlds = pool.get(s);
  const key = keyOf([...before, ...execs]);
  const hit = worlds?.get(key);
  if (hit) {
    worlds!.delete(key);
    return hit;
  }
  return buildSkipping(s, before, execs);
}

function keepWorld(s: Scenario, execs: Exec[], built: BuiltWorld): void {
  let worlds = pool.get(s);
  if (!worlds) pool.set(s, (worlds = new Map()));
  worlds.delete(keyOf(execs));
  worlds.set(keyOf(execs), built);
  while (worlds.size > POOL_SIZE) worlds.delete(worlds.keys().next().value!);
}

/** Build the world for (s, execs) in idle time, so the next trace or command starts from it. */
function refillLater(s: Scenario, before: Exec[], execs: Exec[]): void {
  if (refill !== null) clearTimeout(refill);
  refill = setTimeout(() => {
    refill = null;
    const all = [...before, ...execs];
    if (pool.get(s)?.has(keyOf(all))) return;
    try {
      keepWorld(s, all, buildSkipping(s, before, execs));
    } catch {
      // The trace already reported this world's error.
    }
  }, 0);
}

export async function trace(
  scenarioId: string,
  flowId: string,
  execs: Exec[],
  yaml?: string,
): Promise<Trace> {
  const s = await scenarioOf(scenarioId, yaml);
  // The flow's own `before` commands are part of its world, as traceFlow builds it.
  const before = findFlow(s, flowId).before ?? [];
  const all = [...before, ...execs];
  const built = takeWorld(s, before, execs);
  const t = traceBuilt(s, flowId, built);
  traced = { scenario: s, key: keyOf(all), flowId, built };
  refillLater(s, before, execs);
  return t;
}

/**
 * The tables of a namespace the Trace does not carry (the journey never touched it), as
 * versions at step 0: they are as the world was built for the whole flow.
 */
export async function tables(
  scenarioId: string,
  flowId: string,
  execs: Exec[],
  netns: string,
  yaml?: string,
): Promise<TableSnapshot[]> {
  const s = await scenarioOf(scenarioId, yaml);
  const before = findFlow(s, flowId).before ?? [];
  const all = [...before, ...execs];
  let built: BuiltWorld;
  if (traced && traced.scenario === s && traced.key === keyOf(all) && traced.flowId === flowId)
    built = traced.built;
  else {
    built = pool.get(s)?.get(keyOf(all)) ?? buildSkipping(s, before, execs);
    keepWorld(s, all, built);
  }
  const out = netnsTables(built.world, netns);
  if (!out) throw new Error(`no netns "${netns}"`);
  return out;
}

/** The kernel-lab bash script for a scenario and flow, with the terminal's changes as exec lines. */
export async function lab(scenarioId: string, flowId: string, execs: Exec[], yaml?: string): Promise<string> {
  return labScript(await scenarioOf(scenarioId, yaml), { flow: flowId, exec: execs });
}

/** Watches a world for changes: any table written, as the kernel model reports it (versions, not text). */
class ChangeWatch implements KernelObserver {
  changed = false;
  event(): void {}
  capture(): void {}
  tableChanged(): void {
    this.changed = true;
  }
}

/**
 * Runs a terminal command in the world the Trace of `flowId` was computed from: the scenario's
 * setup, the flow's `before` commands, then the learner's earlier changes. Without a flow (none
 * picked yet) it is the scenario's world with the changes alone. A change is kept (and the flow
 * traced again) as an exec after the `before` commands, so nothing runs twice.
 */
export async function command(
  scenarioId: string,
  flowId: string | null,
  execs: Exec[],
  netns: string,
  line: string,
  yaml?: string,
): Promise<CommandOutcome> {
  const scenario = await scenarioOf(scenarioId, yaml);
  const before = flowId === null ? [] : (findFlow(scenario, flowId).before ?? []);
  const built = takeWorld(scenario, before, execs);
  const { world } = built;
  const found = findNetns(world, netns);
  if (!found) {
    keepWorld(scenario, [...before, ...execs], built);
    return { output: `no netns "${netns}"`, failed: true, changed: false };
  }
  const watch = new ChangeWatch();
  world.observers.push(watch);
  const namespaces = world.netns.size;
  const createdBefore = world.created.length;
  built.building = true;
  try {
    // Written as the build writes an exec, so the changed world is the one a build with it gives.
    const r = runCommand({ world, machine: found.machine, ns: found.ns, origin: '--exec' }, line);
    if (r.process) {
      // The program was created but not run: this world is no longer the built one.
      const note = `(${line.split(/\s+/)[0]} runs as a flow here: pick a flow above to watch its journey)`;
      return { output: [r.output, note].filter(Boolean).join('\n'), failed: false, changed: false };
    }
    const changed = watch.changed || world.netns.size !== namespaces;
    if (changed) logExec(built, { netns, line }, r.output, createdBefore);
    keepWorld(scenario, [...before, ...execs, ...(changed ? [{ netns, line }] : [])], built);
    return { output: r.output, failed: false, changed };
  } catch (e) {
    // A command the tool refuses changes nothing: the world goes back as it was.
    if (e instanceof CommandError) keepWorld(scenario, [...before, ...execs], built);
    const output = e instanceof CommandError || e instanceof Error ? e.message : String(e);
    return { output, failed: true, changed: false };
  } finally {
    built.building = false;
    world.observers.splice(world.observers.indexOf(watch), 1);
  }
}
