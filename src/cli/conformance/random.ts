/**
 * npm run conformance -- --random N [--seed S] [--jobs J] [--minimize RUNS] [--out DIR]:
 * random-scenario conformance. Seeds S..S+N-1 each give a random world (the generator in
 * src/engine/scenario/random); every flow runs on the kernel, its frames and its output are
 * compared with the Trace, each difference is classified by cause, the first of each cause
 * is minimised into a scenario file under DIR, and a summary by cause is printed and
 * written to test-results/conformance-random.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildWorld, loadScenario, type Scenario } from '../../engine';
import { randomScenario } from '../../engine/scenario/random/generate';
import { classify } from './classify';
import { labRun, labRunChain, type LabResult } from './labrun';
import { minimize } from './minimize';
import { realizable, type KernelSupport } from './probe';

export interface KnownDifference {
  scenario: string;
  flow?: string;
  match: string;
  why: string;
}

export interface RandomOptions {
  count: number;
  seed: number;
  jobs: number;
  minimize: number;
  out: string;
  /** The JSON report (written every 25 flows, so a long campaign can be read while it runs). */
  report: string;
  /** --seeds A,B,...: exactly these seeds (CI's fixed set) instead of --seed S and N from it. */
  seeds?: number[];
}

interface Row {
  seed: number;
  flow: string;
  command: string;
  status: 'agree' | 'differ' | 'known' | 'not realizable' | 'error';
  compared: number;
  agreed: number;
  cause?: string;
  first?: string;
  /** Every difference (up to 20), for known-differences.json and for reading. */
  diffs?: string[];
}

/** Runs tasks with at most `jobs` at once; each gets a worker index (for its namespace prefix). */
export async function pool<T>(
  items: T[],
  jobs: number,
  f: (x: T, worker: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, jobs) }, async (_, w) => {
      while (next < items.length) await f(items[next++]!, w);
    }),
  );
}

export function parseRandomArgs(argv: string[]): RandomOptions | undefined {
  const val = (name: string, dflt: number): number => {
    const i = argv.indexOf(name);
    if (i < 0) return dflt;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 0)
      throw new Error(`conformance: ${name} expects a whole number, got "${argv[i + 1] ?? ''}"`);
    return v;
  };
  if (!argv.includes('--random') && !argv.includes('--seeds')) return undefined;
  const outAt = argv.indexOf('--out');
  const reportAt = argv.indexOf('--report');
  const listAt = argv.indexOf('--seeds');
  const seeds = listAt >= 0 ? (argv[listAt + 1] ?? '').split(',').map(Number) : undefined;
  if (seeds && (seeds.length === 0 || seeds.some((n) => !Number.isInteger(n) || n < 0)))
    throw new Error(
      `conformance: --seeds expects whole numbers separated by commas, got "${argv[listAt + 1] ?? ''}"`,
    );
  return {
    ...(seeds ? { seeds } : {}),
    count: seeds ? seeds.length : val('--random', 10),
    seed: val('--seed', 1),
    jobs: val('--jobs', 3),
    minimize: val('--minimize', 24),
    out: outAt >= 0 ? argv[outAt + 1]! : 'test-results/random-diffs',
    report: reportAt >= 0 ? argv[reportAt + 1]! : 'test-results/conformance-random.json',
  };
}

function isKnown(known: KnownDifference[], id: string, flow: string, d: string): boolean {
  return known.some((k) => k.scenario === id && (!k.flow || k.flow === flow) && d.includes(k.match));
}

interface Task {
  seed: number;
  yaml: string;
  s: Scenario;
  flow: string;
  /** The seed's flows may run one after another in one build (labRunChain). */
  chain: boolean;
}

/**
 * Flows chain when none has commands of its own to run first and the setup sent no traffic:
 * the state such traffic leaves (neighbours, conntrack) is what the lab clears between flows.
 */
function chainable(s: Scenario, setup: { command: string }[]): boolean {
  return (
    s.flows.every((f) => (f.before ?? []).length === 0) &&
    !setup.some((e) => /^(ping|curl|nc)\s/.test(e.command))
  );
}

function plan(
  o: RandomOptions,
  support: KernelSupport,
  rows: Row[],
  features: Record<string, number>,
): Task[] {
  const tasks: Task[] = [];
  const seeds = o.seeds ?? Array.from({ length: o.count }, (_, i) => o.seed + i);
  for (const seed of seeds) {
    const r = randomScenario(seed);
    for (const f of r.features) features[f] = (features[f] ?? 0) + 1;
    let s: Scenario;
    let chain: boolean;
    try {
      s = loadScenario(r.yaml, `${r.id}.yaml`);
      chain = chainable(s, buildWorld(s).setup);
    } catch (e) {
      // A generator bug, not a kernel difference: counted as a failure, the campaign goes on.
      rows.push({
        seed,
        flow: '-',
        command: '-',
        status: 'error',
        compared: 0,
        agreed: 0,
        first: `generator: ${(e as Error).message}`,
      });
      continue;
    }
    for (const f of s.flows) {
      const why = realizable(s, f.id, support);
      if (why)
        rows.push({
          seed,
          flow: f.id,
          command: f.command,
          status: 'not realizable',
          compared: 0,
          agreed: 0,
          first: why,
        });
      else tasks.push({ seed, yaml: r.yaml, s, flow: f.id, chain });
    }
  }
  return tasks;
}

/** The tasks of each seed together (plan makes them consecutive). */
function bySeed(tasks: Task[]): Task[][] {
  const groups: Task[][] = [];
  for (const t of tasks) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.seed === t.seed) last.push(t);
    else groups.push([t]);
  }
  return groups;
}

interface Cause {
  flows: number;
  example: Task;
  first: string;
  file?: string;
}

function summary(rows: Row[], causes: Map<string, Cause>, seeds: number): Record<string, unknown> {
  const ran = rows.filter((r) => r.status !== 'not realizable');
  const passed = rows.filter((r) => r.status === 'agree' || r.status === 'known').length;
  const failed = rows.filter((r) => r.status === 'differ' || r.status === 'error').length;
  return {
    passed,
    failed,
    skipped: rows.length - passed - failed,
    seeds,
    flows: rows.length,
    flowsRun: ran.length,
    flowsAgreeing: rows.filter((r) => r.status === 'agree').length,
    framesCompared: ran.reduce((n, r) => n + r.compared, 0),
    framesAgreeing: ran.reduce((n, r) => n + r.agreed, 0),
    causes: Object.fromEntries(
      [...causes].map(([c, x]) => [
        c,
        {
          flows: x.flows,
          example: `seed ${x.example.seed} ${x.example.flow}`,
          first: x.first,
          ...(x.file ? { minimized: x.file } : {}),
        },
      ]),
    ),
  };
}

/** Counts the row; returns the cause when this is its first flow (to be minimised). */
function record(
  rows: Row[],
  causes: Map<string, Cause>,
  t: Task,
  row: Row,
  diffs: string[],
): string | undefined {
  rows.push(row);
  if (row.status !== 'differ' && row.status !== 'known') return undefined;
  const cause = classify(t.s, row.command, diffs);
  row.cause = cause;
  const c = causes.get(cause);
  if (c) c.flows++;
  else causes.set(cause, { flows: 1, example: t, first: diffs[0] ?? '' });
  return c ? undefined : cause;
}

export async function randomCampaign(
  o: RandomOptions,
  support: KernelSupport,
  known: KnownDifference[],
): Promise<number> {
  const rows: Row[] = [];
  const features: Record<string, number> = {};
  const causes = new Map<string, Cause>();
  const tasks = plan(o, support, rows, features);
  const base = `pjr${process.pid % 1000}w`;
  const report = o.report;
  mkdirSync(dirname(report), { recursive: true });
  let done = 0;
  // Flows run in a chain: how many agreed there, how many were run again alone.
  const chain = { agreed: 0, again: 0 };
  const one = async (t: Task, r: LabResult, w: number): Promise<void> => {
    const id = t.s.id;
    const unexplained = r.diffs.filter((d) => !isKnown(known, id, t.flow, d));
    const status = r.error
      ? 'error'
      : r.diffs.length === 0
        ? 'agree'
        : unexplained.length === 0
          ? 'known'
          : 'differ';
    const first = r.error ?? unexplained[0] ?? r.diffs[0];
    const row: Row = {
      seed: t.seed,
      flow: t.flow,
      command: r.trace.command.line,
      status,
      compared: r.compared,
      agreed: r.agreed,
      ...(first ? { first } : {}),
      ...(r.diffs.length > 0 ? { diffs: r.diffs.slice(0, 20) } : {}),
    };
    const fresh = record(rows, causes, t, row, r.diffs);
    process.stderr.write({ agree: '.', known: 'k', differ: 'x', error: 'E', 'not realizable': '-' }[status]);
    // The first flow of each cause is minimised at once, so a long campaign yields its
    // regression scenarios while it runs.
    if (fresh && o.minimize > 0) await minimizeCause(o, fresh, causes.get(fresh)!, `${base}m${w}-`);
    if (++done % 25 === 0)
      writeFileSync(report, JSON.stringify({ ...summary(rows, causes, o.count), features, rows }, null, 2));
  };
  await pool(bySeed(tasks), o.jobs, async (group, w) => {
    const prefix = `${base}${w}-`;
    const chained =
      group.length > 1 && group[0]!.chain
        ? await labRunChain(
            group[0]!.s,
            group.map((t) => t.flow),
            prefix,
          )
        : [];
    for (const [k, t] of group.entries()) {
      const c = chained[k];
      // Only an agreement counts from a chain; anything else is measured again in a fresh world.
      const agreed = c !== undefined && !c.error && c.diffs.length === 0;
      if (c) chain[agreed ? 'agreed' : 'again']++;
      await one(t, agreed ? c : await labRun(t.s, t.flow, prefix), w);
    }
  });
  process.stderr.write('\n');
  const sum: Record<string, unknown> = { ...summary(rows, causes, o.count), chain };
  writeFileSync(report, JSON.stringify({ ...sum, features, rows }, null, 2));
  print(rows, causes, sum, features);
  console.log(
    `flows run in a chain (one build per seed): ${chain.agreed} agreed there, ${chain.again} run again alone`,
  );
  return (sum.failed as number) > 0 ? 1 : 0;
}

async function minimizeCause(o: RandomOptions, cause: string, c: Cause, prefix: string): Promise<void> {
  mkdirSync(o.out, { recursive: true });
  const id = `random-${c.example.seed}-${c.example.flow}`;
  const m = await minimize(c.example.yaml, id, c.example.flow, cause, prefix, o.minimize);
  if (!m) return;
  const file = join(o.out, `${id}.yaml`);
  const head = [
    `# Random scenario ${c.example.seed}, flow ${c.example.flow}, minimised (${m.removed} setup commands dropped, ${m.runs} kernel runs).`,
    `# Cause: ${cause}`,
    ...m.diffs.slice(0, 5).map((d) => `# Difference: ${d}`),
  ];
  writeFileSync(file, `${head.join('\n')}\n${m.yaml}`);
  c.file = file;
}

function print(
  rows: Row[],
  causes: Map<string, Cause>,
  sum: Record<string, unknown>,
  features: Record<string, number>,
): void {
  for (const r of rows.filter((x) => x.status === 'differ' || x.status === 'error'))
    console.log(`FAIL seed ${r.seed} ${r.flow} (${r.command}): ${r.cause ?? 'error'}: ${r.first ?? ''}`);
  console.log('');
  console.log(
    `seeds ${String(sum.seeds)}, flows ${String(sum.flows)} (${String(sum.flowsRun)} run on the kernel, ${String(sum.flowsAgreeing)} agree on every frame and word)`,
  );
  console.log(`frames compared ${String(sum.framesCompared)}, agreeing ${String(sum.framesAgreeing)}`);
  console.log('differences by cause (flows, example, minimised scenario):');
  for (const [c, x] of [...causes].sort((a, b) => b[1].flows - a[1].flows))
    console.log(
      `  ${String(x.flows).padStart(5)}  ${c}  (seed ${x.example.seed} ${x.example.flow}${x.file ? `; ${x.file}` : ''})`,
    );
  console.log(
    `features: ${Object.entries(features)
      .map(([f, n]) => `${f} ${n}`)
      .join(', ')}`,
  );
  console.log(
    `conformance --random: ${String(sum.passed)} passed, ${String(sum.failed)} failed, ${String(sum.skipped)} not realizable`,
  );
}
