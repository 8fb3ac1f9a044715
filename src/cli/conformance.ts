/**
 * npm run conformance [scenario...]: run every realizable flow of the given scenarios (all
 * of scenarios/ by default) on the real kernel in network namespaces, capture every
 * interface the Trace names, and compare the kernel's frames with the Trace's, frame by
 * frame. Prints a table and writes test-results/conformance.json; exits non-zero on any
 * difference not listed in conformance/known-differences.json.
 */
import { spawnSync } from 'node:child_process';
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
import { loadScenario, traceFlow, type Scenario, type Trace } from '../engine';
import { decodePacket } from '../engine/net/decode';
import type { Layer } from '../engine/net/layers';
import { captureFile, labScript, type CapturePoint } from '../engine/lab/script';
import { diffFrames, noise, pureAck, signature } from './conformance/compare';
import { readPcap } from './conformance/pcap';
import { probeKernel, realizable, type KernelSupport } from './conformance/probe';

interface KnownDifference {
  scenario: string;
  flow?: string;
  /** A substring of the difference text it explains. */
  match: string;
  why: string;
}

export interface FlowResult {
  scenario: string;
  flow: string;
  status: 'agree' | 'differ' | 'known' | 'not realizable' | 'error';
  compared: number;
  agreed: number;
  first?: string;
  why?: string;
  ignored: Record<string, number>;
}

/** Unique per run, so two runs on one machine never touch each other's namespaces. */
const PREFIX = `pjc${process.pid % 10000}-`;

function kernelFrames(
  dir: string,
  p: CapturePoint,
  d: 'tx' | 'rx',
  ignored: Record<string, number>,
): Layer[][] {
  const file = join(dir, captureFile(p, d));
  if (!existsSync(file)) return [];
  const pcap = readPcap(readFileSync(file));
  const first = pcap.linktype === 1 ? 'eth' : 'ipv4';
  const out: Layer[][] = [];
  for (const f of pcap.frames) {
    const rawType = first === 'eth' && f.data.length >= 14 ? (f.data[12]! << 8) | f.data[13]! : undefined;
    const pkt = decodePacket(f.data, first);
    const layers = pkt.layers;
    const why = noise(layers, rawType) ?? pureAck(layers, pkt.payload);
    if (why) {
      ignored[why] = (ignored[why] ?? 0) + 1;
      continue;
    }
    out.push(layers);
  }
  return out;
}

export function compareTrace(
  t: Trace,
  dir: string,
): Omit<FlowResult, 'status' | 'scenario' | 'flow'> & { diffs: string[] } {
  const points = capturePoints(t);
  // Ports the trace's NAT picked at random (--random-fully, or to resolve a clash).
  const randomPorts = new Set<number>();
  for (const ev of t.events) {
    if (ev.kind !== 'nat') continue;
    const from = /:(\d+)$/.exec(String(ev.explain.args.from ?? ''))?.[1];
    const to = /:(\d+)$/.exec(String(ev.explain.args.to ?? ''))?.[1];
    if (
      from &&
      to &&
      from !== to &&
      (ev.explain.code === 'nat.snat' || ev.explain.code === 'nat.undo-snat')
    ) {
      randomPorts.add(Number(ev.explain.code === 'nat.snat' ? to : from));
    }
  }
  let compared = 0;
  let agreed = 0;
  const diffs: string[] = [];
  const ignored: Record<string, number> = {};
  for (const p of points) {
    for (const d of ['tx', 'rx'] as const) {
      const engine = t.captures
        .filter((c) => c.netns === p.netns && c.interface === p.interface && c.direction === d)
        .filter((c) => !pureAck(c.layers, c.payload))
        .map((c) => c.layers);
      finsLast(engine);
      const kernel = finsLast(kernelFrames(dir, p, d, ignored));
      const n = Math.max(engine.length, kernel.length);
      for (let i = 0; i < n; i++) {
        compared++;
        const k = kernel[i];
        const e = engine[i];
        const where = `${p.netns}/${p.interface} ${d} frame ${i + 1}`;
        if (!k) diffs.push(`${where}: the trace has a frame the kernel did not send`);
        else if (!e)
          diffs.push(
            `${where}: the kernel sent a frame the trace lacks (${k.map((l) => l.proto).join('/')})`,
          );
        else {
          const diff = diffFrames(k, e, randomPorts);
          if (diff) diffs.push(`${where}: ${diff}`);
          else agreed++;
        }
      }
    }
  }
  return { compared, agreed, ignored, diffs, ...(diffs[0] ? { first: diffs[0] } : {}) };
}

/**
 * The two ends of a connection close independently (curl once it has read the whole
 * response, the server once its child exits): which FIN goes first is a race in the
 * kernel. Bare FINs are compared after the other frames, in a fixed order.
 */
export function finsLast(frames: Layer[][]): Layer[][] {
  const isFin = (f: Layer[]): boolean =>
    f.some((l) => l.proto === 'tcp' && l.flags.includes('F') && !l.flags.includes('P'));
  const key = (f: Layer[]): string =>
    JSON.stringify(
      f
        .filter((l) => l.proto === 'ipv4' || l.proto === 'tcp')
        .map((l) => (l.proto === 'ipv4' ? [l.src, l.dst] : [signature(l).sport, signature(l).dport])),
    );
  const fins = frames.filter(isFin).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const rest = frames.filter((f) => !isFin(f));
  frames.splice(0, frames.length, ...rest, ...fins);
  return frames;
}

export function capturePoints(t: Trace): CapturePoint[] {
  const seen = new Map<string, CapturePoint>();
  for (const c of t.captures)
    seen.set(`${c.netns}/${c.interface}`, { netns: c.netns, interface: c.interface });
  return [...seen.values()];
}

function runFlow(s: Scenario, flowId: string, known: KnownDifference[]): FlowResult {
  const t = traceFlow(s, flowId);
  const dir = mkdtempSync(join(tmpdir(), 'pj-conformance-'));
  try {
    const script = labScript(s, { flow: flowId, prefix: PREFIX, capture: { dir, points: capturePoints(t) } });
    const scriptFile = join(dir, 'lab.sh');
    writeFileSync(scriptFile, script);
    const r = spawnSync('bash', [scriptFile], { encoding: 'utf8', timeout: 90_000 });
    if (r.status !== 0) {
      return {
        scenario: s.id,
        flow: flowId,
        status: 'error',
        compared: 0,
        agreed: 0,
        ignored: {},
        first: `lab script failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`,
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

export function main(argv: string[]): number {
  const want = argv.filter((a) => !a.startsWith('-'));
  // A catalog id names scenarios/<id>.yaml; a path to a .yaml file (a test fixture) is taken as is.
  const paths = want.filter((w) => w.endsWith('.yaml') && existsSync(w));
  const ids = want.filter((w) => !paths.includes(w));
  const files = readdirSync('scenarios')
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .filter((f) => want.length === 0 || ids.includes(basename(f, '.yaml')))
    .map((f) => join('scenarios', f))
    .concat(paths);
  const known: KnownDifference[] = existsSync('conformance/known-differences.json')
    ? (JSON.parse(readFileSync('conformance/known-differences.json', 'utf8')) as KnownDifference[])
    : [];
  mkdirSync('test-results', { recursive: true });
  let support: KernelSupport;
  try {
    support = probeKernel();
  } catch (e) {
    const why = (e as Error).message;
    console.log(`conformance: skipped: ${why}`);
    writeFileSync(
      'test-results/conformance.json',
      JSON.stringify({ passed: 0, failed: 0, skipped: files.length, why }),
    );
    return 0;
  }
  console.log(
    `kernel ${support.kernel}; device types: ${Object.entries(support.kinds)
      .map(([k, ok]) => `${k}${ok ? '' : ' (missing)'}`)
      .join(', ')}`,
  );
  const rows: FlowResult[] = [];
  for (const f of files) {
    const s = loadScenario(readFileSync(f, 'utf8'), f);
    for (const flow of s.flows) {
      const why = realizable(s, flow.id, support);
      if (why) {
        rows.push({
          scenario: s.id,
          flow: flow.id,
          status: 'not realizable',
          compared: 0,
          agreed: 0,
          ignored: {},
          first: why,
        });
        continue;
      }
      rows.push(runFlow(s, flow.id, known));
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  console.log(table(rows));
  const ignored: Record<string, number> = {};
  for (const r of rows) for (const [k, v] of Object.entries(r.ignored)) ignored[k] = (ignored[k] ?? 0) + v;
  for (const [k, v] of Object.entries(ignored)) console.log(`ignored ${v} frame(s): ${k}`);
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
  console.log(
    `conformance: ${passed.length} passed, ${failed.length} failed, ${rows.length - passed.length - failed.length} not realizable`,
  );
  return failed.length > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exit(main(process.argv.slice(2)));
