/**
 * One flow on the real kernel, asynchronously (a campaign runs several at once): write the
 * lab script with captures, run it, then compare every captured frame and the flow's own
 * output with the Trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { traceFlow, type Scenario, type Trace } from '../../engine';
import { LAB_SETTLE_US, LAB_TAIL_US, labScript, type CapturePoint } from '../../engine/lab/script';
import { capturePoints, compareTrace, type Window } from './frames';
import { compareOutput } from './output';

export interface LabResult {
  trace: Trace;
  /** The lab script itself failed (a setup command the kernel refused, a timeout). */
  error?: string;
  compared: number;
  agreed: number;
  ignored: Record<string, number>;
  /** Frame differences, then an output difference if any. */
  diffs: string[];
  kernelOutput: string;
}

export function run(file: string, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('nice', ['bash', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill('SIGTERM');
    }, timeoutMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: timedOut ? `${out}\ntimed out after ${timeoutMs / 1000} s` : out });
    });
  });
}

/** Runs a lab script; one stopped by the timeout has what it left behind removed. */
export async function runScript(
  file: string,
  timeoutMs: number,
  prefix: string,
): Promise<{ code: number | null; out: string }> {
  const r = await run(file, timeoutMs);
  if (r.code === null) removeLeftovers(prefix);
  return r;
}

/**
 * A script stopped by the timeout may die before its own cleanup: remove what is left of
 * its namespaces (all carry this run's prefix) and the processes in them.
 */
function removeLeftovers(prefix: string): void {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const name of list.split('\n').map((l) => l.split(' ')[0] ?? '')) {
    if (!name.startsWith(prefix)) continue;
    const pids = (spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout ?? '').split(/\s+/);
    for (const pid of pids) if (/^\d+$/.test(pid)) spawnSync('kill', [pid]);
    spawnSync('ip', ['netns', 'del', name]);
  }
}

/** What went wrong with a lab script, in its last error lines. */
function scriptError(out: string): string {
  const lines = out.trim().split('\n');
  const err = lines.filter((l) => /error|cannot|no such|timed out|not found|RTNETLINK/i.test(l));
  return `lab script failed: ${(err.length > 0 ? err : lines).slice(-3).join(' | ')}`;
}

/** A flow whose lab script failed: nothing compared, the script's error said. */
function scriptFailed(trace: Trace, out: string): LabResult {
  return { trace, error: scriptError(out), compared: 0, agreed: 0, ignored: {}, diffs: [], kernelOutput: '' };
}

/** When a flow's command began and its capture tail ended, as the lab script marked them (µs). */
function flowWindow(dir: string, id: string): Window | undefined {
  const marks = existsSync(join(dir, 'marks')) ? readFileSync(join(dir, 'marks'), 'utf8') : '';
  const at = (what: string): number | undefined => {
    const m = new RegExp(`^${what} ${id} (\\d+)$`, 'm').exec(marks);
    return m ? Number(m[1]) : undefined;
  };
  const from = at('start');
  const to = at('end');
  return from === undefined || to === undefined ? undefined : { from, to };
}

function compareFlow(trace: Trace, dir: string, outFile: string, window?: Window): LabResult {
  const res = compareTrace(trace, dir, window);
  const kernelOutput = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
  const outDiff = compareOutput(trace.command.line, kernelOutput, trace.output);
  return {
    trace,
    compared: res.compared,
    agreed: res.agreed,
    ignored: res.ignored,
    diffs: [...res.diffs, ...(outDiff ? [outDiff] : [])],
    kernelOutput,
  };
}

/**
 * Several flows of one world in one build, one after another (the lab clears the state each
 * leaves, script.ts resetLines), each compared with its own Trace on the frames of its own
 * window. Building and removing a world is most of a flow's lab time, so a seed's flows cost
 * little more than one. A caller runs a flow that does not agree here again alone: a
 * difference only counts from a freshly built world.
 */
export async function labRunChain(s: Scenario, flowIds: string[], prefix: string): Promise<LabResult[]> {
  const traces = flowIds.map((id) => traceFlow(s, id, { tailUs: LAB_TAIL_US, settleUs: LAB_SETTLE_US }));
  const points = new Map<string, CapturePoint>();
  for (const t of traces) for (const p of capturePoints(t)) points.set(`${p.netns}/${p.interface}`, p);
  const dir = mkdtempSync(join(tmpdir(), 'pj-random-'));
  try {
    const script = labScript(s, {
      flow: flowIds[0]!,
      then: flowIds.slice(1),
      prefix,
      capture: { dir, points: [...points.values()] },
    });
    const file = join(dir, 'lab.sh');
    writeFileSync(file, script);
    const r = await run(file, 600_000);
    if (r.code === null) removeLeftovers(prefix);
    return traces.map((trace, k) => {
      const id = flowIds[k]!;
      const window = flowWindow(dir, id);
      if (r.code !== 0 || window === undefined) return scriptFailed(trace, r.out);
      // A flow's own frames only: its window is the capture's, and every capture point of the
      // chain that its Trace does not name is left out, as a lone run would not capture it.
      return compareFlow(trace, dir, join(dir, `flow-${id}.out`), window);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function labRun(s: Scenario, flowId: string, prefix: string): Promise<LabResult> {
  // The lab waits 1.5 s before the flow and captures for 0.5 s after its command exits
  // (`sleep 0.5`): so does the model.
  const trace = traceFlow(s, flowId, { tailUs: LAB_TAIL_US, settleUs: LAB_SETTLE_US });
  const dir = mkdtempSync(join(tmpdir(), 'pj-random-'));
  try {
    const script = labScript(s, { flow: flowId, prefix, capture: { dir, points: capturePoints(trace) } });
    const file = join(dir, 'lab.sh');
    writeFileSync(file, script);
    // A loaded machine (tcpdump starting under nice) can take minutes over one flow; the flow
    // itself is bounded far below this.
    const r = await run(file, 600_000);
    if (r.code === null) removeLeftovers(prefix);
    if (r.code !== 0) return scriptFailed(trace, r.out);
    // The captures start during the settle: frames from before the flow began are not its own.
    return compareFlow(trace, dir, join(dir, 'flow.out'), flowWindow(dir, flowId));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
