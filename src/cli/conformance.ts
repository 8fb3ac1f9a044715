/**
 * npm run conformance [scenario...]: run every realizable flow of the given scenarios (all
 * of scenarios/ by default) on the real kernel in network namespaces, capture every
 * interface the Trace names, and compare the kernel's frames with the Trace's, frame by
 * frame. Prints a table and writes test-results/conformance.json; exits non-zero on any
 * difference not listed in conformance/known-differences.json.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadScenario, traceFlow, type Scenario } from '../engine';
import { LAB_SETTLE_US, labScript } from '../engine/lab/script';
import { capturePoints, compareTrace } from './conformance/frames';
import { parseRandomArgs, pool, randomCampaign, type KnownDifference } from './conformance/random';
import { runScript } from './conformance/labrun';
import { probeKernel, realizable, type KernelSupport } from './conformance/probe';

export interface FlowResult {
  scenario: string;
  flow: string;
  status: 'agree' | 'differ' | 'known' | 'not realizable' | 'by hand' | 'error';
  compared: number;
  agreed: number;
  first?: string;
  why?: string;
  ignored: Record<string, number>;
}

/** Unique per run, so two runs on one machine never touch each other's namespaces. */
const PREFIX = `pjc${process.pid % 10000}-`;

async function runFlow(
  s: Scenario,
  flowId: string,
  known: KnownDifference[],
  prefix: string,
): Promise<FlowResult> {
  // The lab waits LAB_SETTLE_US between the setup and the flow; setup's timers run meanwhile.
  const t = traceFlow(s, flowId, { settleUs: LAB_SETTLE_US });
  const dir = mkdtempSync(join(tmpdir(), 'pj-conformance-'));
  try {
    const script = labScript(s, { flow: flowId, prefix, capture: { dir, points: capturePoints(t) } });
    const scriptFile = join(dir, 'lab.sh');
    writeFileSync(scriptFile, script);
    const r = await runScript(scriptFile, 180_000, prefix);
    if (r.code !== 0) {
      return {
        scenario: s.id,
        flow: flowId,
        status: 'error',
        compared: 0,
        agreed: 0,
        ignored: {},
        first: `lab script failed: ${r.out.trim().split('\n').slice(-3).join(' | ')}`,
      };
    }
    const res = compareTrace(t, dir);
    const unexplained = res.diffs.filter(
      (d) => !known.some((k) => k.scenario === s.id && (!k.flow || k.flow === flowId) && d.includes(k.match)),
    );
    const explained = res.diffs.find((d) => !unexplained.includes(d));
    const why = explained ? known.find((k) => explained.includes(k.match))?.why : undefined;
    return {
      scenario: s.id,
      flow: flowId,
      status: res.diffs.length === 0 ? 'agree' : unexplained.length === 0 ? 'known' : 'differ',
      compared: res.compared,
      agreed: res.agreed,
      ignored: res.ignored,
      ...((unexplained[0] ?? res.first) ? { first: unexplained[0] ?? res.first } : {}),
      ...(why ? { why } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(rows: FlowResult[]): string {
  const head = ['scenario', 'flow', 'result', 'frames', 'agreed', 'first difference'];
  const body = rows.map((r) => [
    r.scenario,
    r.flow,
    r.status,
    String(r.compared),
    String(r.agreed),
    r.first ?? r.why ?? '',
  ]);
  const w = head.map((h, i) => Math.min(40, Math.max(h.length, ...body.map((b) => b[i]!.length))));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(w[i]!) : c)).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...body.map(line)].join('\n');
}

/** --jobs J: flows run J at a time, each in namespaces of its own prefix (default 2: most of a flow is waiting). */
function jobsOf(argv: string[]): number {
  const i = argv.indexOf('--jobs');
  const n = i >= 0 ? Number(argv[i + 1]) : 2;
  return Number.isInteger(n) && n > 0 ? n : 2;
}

/** One flow waiting for a worker; `at` is its row, kept in catalog order whatever the finish order. */
interface FlowTask {
  s: Scenario;
  flow: string;
  at: number;
}

export async function main(argv: string[]): Promise<number> {
  const jobs = jobsOf(argv);
  const want = argv.filter((a, i) => !a.startsWith('-') && argv[i - 1] !== '--jobs');
  const files = scenarioFiles(want);
  const known = knownDifferences();
  mkdirSync('test-results', { recursive: true });
  const support = probeOrSkip(files.length);
  if (!support) return 0;
  console.log(describeSupport(support));
  const { rows, tasks } = planFlows(files, want, support);
  await pool(tasks, jobs, async (t, w) => {
    rows[t.at] = await runFlow(t.s, t.flow, known, `${PREFIX}w${w}-`);
    process.stderr.write('.');
  });
  process.stderr.write('\n');
  return report(rows);
}

/** A catalog id names scenarios/<id>.yaml; a path to a .yaml file (a test fixture) is taken as is. */
function scenarioFiles(want: string[]): string[] {
  const paths = want.filter((w) => w.endsWith('.yaml') && existsSync(w));
  const ids = want.filter((w) => !paths.includes(w));
  return readdirSync('scenarios')
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .filter((f) => want.length === 0 || ids.includes(basename(f, '.yaml')))
    .map((f) => join('scenarios', f))
    .concat(paths);
}

/** Without a usable kernel the run is skipped, not failed, so machines without root still pass. */
function probeOrSkip(fileCount: number): KernelSupport | undefined {
  try {
    return probeKernel();
  } catch (e) {
    const why = (e as Error).message;
    console.log(`conformance: skipped: ${why}`);
    writeFileSync(
      'test-results/conformance.json',
      JSON.stringify({ passed: 0, failed: 0, skipped: fileCount, why }),
    );
    return undefined;
  }
}

/** Names the kernel and its missing device types up front, since they explain the skipped flows. */
function describeSupport(support: KernelSupport): string {
  return `kernel ${support.kernel}; device types: ${Object.entries(support.kinds)
    .map(([k, ok]) => `${k}${ok ? '' : ' (missing)'}`)
    .join(', ')}`;
}

/** One row per flow; the flows that can run become tasks whose row stays 'error' until they finish. */
function planFlows(
  files: string[],
  want: string[],
  support: KernelSupport,
): { rows: FlowResult[]; tasks: FlowTask[] } {
  const rows: FlowResult[] = [];
  const tasks: FlowTask[] = [];
  const manual = byHand();
  for (const f of files) {
    const s = loadScenario(readFileSync(f, 'utf8'), f);
    for (const flow of s.flows) {
      // Scenarios too slow for CI's budget run only when named (conformance/by-hand.json).
      const slow = want.length === 0 ? manual.find((m) => m.scenario === s.id) : undefined;
      const why = slow ? `by hand: ${slow.why}` : realizable(s, flow.id, support);
      if (why) {
        rows.push(notRunRow(s.id, flow.id, slow ? 'by hand' : 'not realizable', why));
        continue;
      }
      tasks.push({ s, flow: flow.id, at: rows.length });
      rows.push({ scenario: s.id, flow: flow.id, status: 'error', compared: 0, agreed: 0, ignored: {} });
    }
  }
  return { rows, tasks };
}

/** A flow left out of the run, with the reason in `first` where the table shows it. */
function notRunRow(scenario: string, flow: string, status: FlowResult['status'], why: string): FlowResult {
  return { scenario, flow, status, compared: 0, agreed: 0, ignored: {}, first: why };
}

/** Prints the table and summary and writes the JSON report; the exit code is 1 on any failure. */
function report(rows: FlowResult[]): number {
  console.log(table(rows));
  logIgnored(rows);
  const failed = rows.filter((r) => r.status === 'differ' || r.status === 'error');
  const passed = rows.filter((r) => r.status === 'agree' || r.status === 'known');
  for (const r of failed) console.log(`FAIL ${r.scenario} ${r.flow}: ${r.first ?? ''}`);
  writeFileSync(
    'test-results/conformance.json',
    JSON.stringify(
      {
        passed: passed.length,
        failed: failed.length,
        skipped: rows.length - passed.length - failed.length,
        rows,
      },
      null,
      2,
    ),
  );
  const manualRows = rows.filter((r) => r.status === 'by hand').length;
  console.log(
    `conformance: ${passed.length} passed, ${failed.length} failed, ${rows.length - passed.length - failed.length - manualRows} not realizable${manualRows ? `, ${manualRows} left for a run by hand` : ''}`,
  );
  return failed.length > 0 ? 1 : 0;
}

/** Frames ignored by known differences are totalled over all flows, so none is silently hidden. */
function logIgnored(rows: FlowResult[]): void {
  const ignored: Record<string, number> = {};
  for (const r of rows) for (const [k, v] of Object.entries(r.ignored)) ignored[k] = (ignored[k] ?? 0) + v;
  for (const [k, v] of Object.entries(ignored)) console.log(`ignored ${v} frame(s): ${k}`);
}

/** --random N [--seed S]: random worlds instead of the catalog (src/cli/conformance/random.ts). */
async function mainRandom(argv: string[]): Promise<number> {
  const o = parseRandomArgs(argv)!;
  mkdirSync('test-results', { recursive: true });
  let support: KernelSupport;
  try {
    support = probeKernel();
  } catch (e) {
    const why = (e as Error).message;
    console.log(`conformance --random: skipped: ${why}`);
    writeFileSync(
      'test-results/conformance-random.json',
      JSON.stringify({ passed: 0, failed: 0, skipped: o.count, why }),
    );
    return 0;
  }
  return randomCampaign(o, support, knownDifferences());
}

/** Scenarios the default catalog run leaves out (CI's time budget), each with the command that runs them. */
function byHand(): { scenario: string; why: string }[] {
  return existsSync('conformance/by-hand.json')
    ? (JSON.parse(readFileSync('conformance/by-hand.json', 'utf8')) as { scenario: string; why: string }[])
    : [];
}

export function knownDifferences(): KnownDifference[] {
  return existsSync('conformance/known-differences.json')
    ? (JSON.parse(readFileSync('conformance/known-differences.json', 'utf8')) as KnownDifference[])
    : [];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  if (argv.includes('--random') || argv.includes('--seeds'))
    void mainRandom(argv).then((code) => process.exit(code));
  else void main(argv).then((code) => process.exit(code));
}
