/**
 * What playing the largest flow costs the page's main thread, measured so that a loaded machine
 * does not change the figure much (not a test): the budget "frames per second while playing"
 * (scripts/budgets.ts) counts wall-clock frames, which other processes on the machine steal from;
 * the renderer's own CPU time per played stop does not depend on them as much.
 *
 *   npx tsx scripts/play-cost.ts                 (builds dist/, 5 runs of 40 stops)
 *   npx tsx scripts/play-cost.ts --no-build --runs 7 --stops 30
 *   npx tsx scripts/play-cost.ts --no-build --dist /tmp/dist-before   (another build, for an A/B)
 *   npx tsx scripts/play-cost.ts --no-build --stepped   (steps with the arrow key, a fixed number of
 *                                                frames each: the figure that depends least on the load)
 *   npx tsx scripts/play-cost.ts --no-build --trace /tmp/play.json   (also a Chromium trace of one run,
 *                                                and its longest main-thread tasks broken down)
 *
 * Per run: the page opens the flow budgets.ts plays (the scenario's largest), plays it at speed 4
 * from the start for `--stops` stops, and reads Chromium's Performance.getMetrics in thread time
 * (TaskDuration, ScriptDuration, LayoutDuration, RecalcStyleDuration) before and after. It prints
 * each run and the median per stop and per frame, beside the wall-clock frames for what they are worth.
 */
import { execSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '..');
const PORT = Number(process.env.BUDGETS_PORT ?? 4191);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The largest flow (budgets.ts finds it by tracing every scenario; it has not changed in a while).
const SCENARIO = process.env.PLAY_SCENARIO ?? 'k8s-dns';
const FLOW = process.env.PLAY_FLOW ?? 'ndots-external-name';

const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'] as const;
type Metric = (typeof METRICS)[number];

interface Run {
  stops: number;
  frames: number;
  longFrames: number;
  worst: number;
  wallMs: number;
  cpu: Record<Metric, number>;
  layouts: number;
  styles: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) || fallback : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`preview server did not start at ${url}`);
}

// Page code is passed as text: tsx's name-keeping helpers do not exist in the page.
/** Counts frames and the stops played (changes of the step counter) until `stops` were played. */
const WATCH = (stops: number) => `new Promise((resolve) => {
  const counter = document.querySelector('[data-testid="step-counter"]');
  let played = 0, frames = 0, long = 0, worst = 0, last = performance.now(), done = false;
  const start = last;
  const mo = new MutationObserver(() => {
    if (++played >= ${stops} && !done) {
      done = true;
      mo.disconnect();
      resolve({ stops: played, frames, longFrames: long, worst, wallMs: performance.now() - start });
    }
  });
  mo.observe(counter, { subtree: true, childList: true, characterData: true });
  const tick = (t) => {
    frames++;
    worst = Math.max(worst, t - last);
    if (t - last > 1000 / 55) long++;
    last = t;
    if (!done) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  // Pressed from here, not by Playwright: its selector engine is injected on a first use, a long
  // task the measure would count.
  const play = [...document.querySelectorAll('[data-transport] button')].find((b) => b.textContent === 'Play');
  play.click();
})`;

/**
 * Steps forward `stops` times (the Right arrow), each after the last step was drawn everywhere:
 * the panels caught up (no panel aria-busy) and a fixed number of frames passed. Unlike playing,
 * the work per step does not depend on how many frames a loaded machine manages to draw.
 */
const STEP = (stops: number) => `(async () => {
  const start = performance.now();
  let frames = 0, long = 0, worst = 0;
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  for (let i = 0; i < ${stops}; i++) {
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    let last = performance.now();
    for (let f = 0; f < 8 || document.querySelector('section[aria-busy="true"]'); f++) {
      const t = await frame();
      frames++;
      worst = Math.max(worst, t - last);
      if (t - last > 1000 / 55) long++;
      last = t;
    }
  }
  return { stops: ${stops}, frames, longFrames: long, worst, wallMs: performance.now() - start };
})()`;

async function metrics(cdp: import('@playwright/test').CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

async function playOnce(
  browser: Browser,
  base: string,
  stops: number,
  trace: string | null,
  profile: string | null,
  stepped: boolean,
): Promise<Run> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  try {
    await page.goto(`${base}?s=${SCENARIO}&f=${FLOW}`);
    await page
      .getByTestId('step-counter')
      .filter({ hasText: /\/ [1-9]/ })
      .waitFor();
    // The side panels are drawn when the browser is first idle: wait for them.
    await page.locator('[data-panel="events"]').waitFor();
    await page.waitForTimeout(500);
    await page.getByLabel('Speed').selectOption('4');
    const cdp = await page.context().newCDPSession(page);
    // Thread time: what the renderer's main thread itself spent, not what other processes took from it.
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    if (trace) {
      await browser.startTracing(page, {
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'disabled-by-default-devtools.timeline.frame',
          'blink.user_timing',
          'v8.execute',
          'disabled-by-default-v8.cpu_profiler',
          'toplevel',
          'disabled-by-default-devtools.timeline.stack',
        ],
      });
    }
    const before = await metrics(cdp);
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const seen = (await page.evaluate(stepped ? STEP(stops) : WATCH(stops))) as Omit<
      Run,
      'cpu' | 'layouts' | 'styles'
    >;
    const after = await metrics(cdp);
    if (trace) writeFileSync(trace, await browser.stopTracing());
    if (profile) {
      const { profile: p } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
      writeFileSync(profile, JSON.stringify(p));
    }
    if (!stepped) await page.getByRole('button', { name: 'Pause' }).click();
    const cpu = Object.fromEntries(
      METRICS.map((m) => [m, ((after[m] ?? 0) - (before[m] ?? 0)) * 1000]),
    ) as Record<Metric, number>;
    return {
      ...seen,
      cpu,
      layouts: (after.LayoutCount ?? 0) - (before.LayoutCount ?? 0),
      styles: (after.RecalcStyleCount ?? 0) - (before.RecalcStyleCount ?? 0),
    };
  } finally {
    await page.close();
  }
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown> };
}

/** The main thread's longest tasks in a Chromium trace, each with its time by kind of work. */
export function longTasks(file: string, json: string, top = 8): string[] {
  const events = (JSON.parse(json) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return [`${file}: no renderer main thread`];
  const own = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const tasks = own.filter((e) => e.name === 'RunTask').sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0));
  const kinds = new Set([
    'FunctionCall',
    'TimerFire',
    'FireAnimationFrame',
    'EventDispatch',
    'UpdateLayoutTree',
    'Layout',
    'PrePaint',
    'Paint',
    'Layerize',
    'UpdateLayer',
    'CompositeLayers',
    'Commit',
    'HitTest',
    'ParseHTML',
    'MajorGC',
    'MinorGC',
    'V8.GC_SCAVENGER',
    'BlinkGC.AtomicPhase',
    'v8.run',
    'RunMicrotasks',
    'ScheduleStyleRecalculation',
    'InvalidateLayout',
    'IntersectionObserverController::computeIntersections',
  ]);
  const out = [`${file}: ${tasks.length} main-thread tasks, the longest:`];
  for (const task of tasks.slice(0, top)) {
    const end = task.ts + (task.dur ?? 0);
    const inside = own.filter((e) => e !== task && e.ts >= task.ts && e.ts < end && kinds.has(e.name));
    const byKind = new Map<string, number>();
    for (const e of inside) byKind.set(e.name, (byKind.get(e.name) ?? 0) + (e.dur ?? 0));
    const parts = [...byKind.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`)
      .join(', ');
    const fn = inside.find((e) => e.name === 'FunctionCall')?.args?.data;
    out.push(
      `  ${((task.dur ?? 0) / 1000).toFixed(1)} ms at ${((task.ts - tasks[0]!.ts) / 1000).toFixed(0)}: ${parts}${
        fn
          ? ` (first call ${String(fn.functionName || '?')} ${String(fn.url ?? '')
              .split('/')
              .pop()}:${String(fn.lineNumber ?? '')})`
          : ''
      }`,
    );
  }
  return out;
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** A CPU profile's functions by self time, and by total time (a function's own and its callees'). */
export function selfTimes(p: CpuProfile, top = 25): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i + 1] ?? 0;
    self.set(name(id), (self.get(name(id)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = name(at);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  });
  const list = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `  ${(v / 1000).toFixed(1).padStart(8)} ms  ${k}`);
  return ['self time:', ...list(self), 'total time:', ...list(total)];
}

async function main(): Promise<void> {
  const runs = arg('--runs', 5);
  const stops = arg('--stops', 40);
  const ti = process.argv.indexOf('--trace');
  const trace = ti >= 0 ? process.argv[ti + 1]! : null;
  const stepped = process.argv.includes('--stepped');
  const pi = process.argv.indexOf('--profile');
  const profile = pi >= 0 ? process.argv[pi + 1]! : null;
  if (!process.argv.includes('--no-build')) {
    console.log('building…');
    execSync('npx vite build', { cwd: root, stdio: 'ignore' });
  }
  const di = process.argv.indexOf('--dist');
  const outDir = di >= 0 ? ['--outDir', process.argv[di + 1]!] : [];
  const preview = [
    'vite',
    'preview',
    '--host',
    '127.0.0.1',
    '--port',
    String(PORT),
    '--strictPort',
    ...outDir,
  ];
  const server = spawn('npx', preview, {
    cwd: root,
    stdio: 'ignore',
    detached: true,
  });
  const base = `http://127.0.0.1:${PORT}/`;
  try {
    await waitForServer(base);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    const all: Run[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await playOnce(
        browser,
        base,
        stops,
        i === 0 ? trace : null,
        i === 0 ? profile : null,
        stepped,
      );
      all.push(r);
      const per = (m: Metric) => (r.cpu[m] / r.stops).toFixed(1);
      console.log(
        `run ${i + 1}: ${r.stops} stops, ${r.frames} frames (${r.longFrames} over 18 ms, worst ${r.worst.toFixed(0)} ms, ${((r.frames * 1000) / r.wallMs).toFixed(1)} fps); per stop: task ${per('TaskDuration')} ms, script ${per('ScriptDuration')}, layout ${per('LayoutDuration')} (${(r.layouts / r.stops).toFixed(1)}x), style ${per('RecalcStyleDuration')} (${(r.styles / r.stops).toFixed(1)}x)`,
      );
    }
    await browser.close();
    const med = (f: (r: Run) => number) => median(all.map(f)).toFixed(1);
    console.log(
      `median of ${runs} runs, per stop: task ${med((r) => r.cpu.TaskDuration / r.stops)} ms, script ${med((r) => r.cpu.ScriptDuration / r.stops)} ms, layout ${med((r) => r.cpu.LayoutDuration / r.stops)} ms, style ${med((r) => r.cpu.RecalcStyleDuration / r.stops)} ms; per frame: task ${med((r) => r.cpu.TaskDuration / r.frames)} ms; wall clock ${med((r) => (r.frames * 1000) / r.wallMs)} fps, worst frame ${med((r) => r.worst)} ms`,
    );
    if (trace) for (const line of longTasks(trace, readFileSync(trace, 'utf8'))) console.log(line);
    if (profile)
      for (const line of selfTimes(JSON.parse(readFileSync(profile, 'utf8')) as CpuProfile))
        console.log(line);
  } finally {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
