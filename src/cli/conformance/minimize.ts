/**
 * Shrinks a random scenario that differs from the kernel while the difference (its cause)
 * persists: other flows go first, then whole machines, servers, and setup commands in
 * halving chunks. Every candidate is rebuilt by the model (a candidate whose remaining setup
 * fails is skipped, so the result reads as a clean regression test) and rerun on the kernel.
 */
import { parse, stringify } from 'yaml';
import { buildWorld, loadScenario, type Scenario } from '../../engine';
import { classify } from './classify';
import { labRun } from './labrun';

interface Doc {
  id: string;
  machines: Record<string, { setup: string[]; nics: unknown[] }>;
  servers: { netns: string }[];
  flows: { id: string; netns: string }[];
  [k: string]: unknown;
}

export interface Minimized {
  yaml: string;
  scenario: Scenario;
  diffs: string[];
  runs: number;
  removed: number;
}

function load(doc: Doc): Scenario | undefined {
  try {
    const s = loadScenario(stringify(doc, { lineWidth: 0 }), `${doc.id}.yaml`);
    const { setup } = buildWorld(s);
    return setup.every((e) => e.ok) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Every (machine, index) of a setup command, in order. */
function lines(doc: Doc): [string, number][] {
  return Object.entries(doc.machines).flatMap(([m, x]) => x.setup.map((_, i) => [m, i] as [string, number]));
}

function withoutLines(doc: Doc, drop: [string, number][]): Doc {
  const d = structuredClone(doc);
  for (const [m, x] of Object.entries(d.machines))
    x.setup = x.setup.filter((_, i) => !drop.some(([dm, di]) => dm === m && di === i));
  return d;
}

export async function minimize(
  yaml: string,
  id: string,
  flow: string,
  cause: string,
  prefix: string,
  budget: number,
): Promise<Minimized | undefined> {
  let doc = parse(yaml) as Doc;
  doc.id = id;
  const keep = doc.flows.find((f) => f.id === flow)!;
  doc.flows = [keep];
  let best: Minimized | undefined;
  let runs = 0;
  const total = lines(doc).length;
  const holds = async (d: Doc): Promise<boolean> => {
    const s = load(d);
    if (!s || runs >= budget) return false;
    runs++;
    const r = await labRun(s, flow, prefix);
    if (r.error || r.diffs.length === 0 || classify(s, r.trace.command.line, r.diffs) !== cause) return false;
    best = { yaml: stringify(d, { lineWidth: 0 }), scenario: s, diffs: r.diffs, runs, removed: 0 };
    return true;
  };
  if (!(await holds(doc))) return undefined;
  for (const m of Object.keys(doc.machines)) {
    if (m === keep.netns || Object.keys(doc.machines).length <= 2) continue;
    const d = structuredClone(doc);
    delete d.machines[m];
    d.servers = d.servers.filter((s) => s.netns !== m);
    if (await holds(d)) doc = d;
  }
  for (let i = doc.servers.length - 1; i >= 0; i--) {
    const d = structuredClone(doc);
    d.servers.splice(i, 1);
    if (await holds(d)) doc = d;
  }
  for (let chunk = Math.max(1, lines(doc).length >> 1); chunk >= 1; chunk >>= 1) {
    for (let at = lines(doc).length - chunk; at >= 0 && runs < budget; at -= chunk) {
      const d = withoutLines(doc, lines(doc).slice(at, at + chunk));
      if (await holds(d)) doc = d;
    }
  }
  if (best) best.removed = total - lines(doc).length;
  return best;
}
