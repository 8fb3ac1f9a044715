/**
 * Prints the app's budgets (not a test): initial JavaScript (gzip), frames per second while
 * playing the largest scenario in headless Chromium, input latency (key press or click to
 * the next animation frame), first paint and the first journey playable (the default link in a fresh
 * browser, unthrottled and on Fast 3G with a 4x slower CPU), and Lighthouse (mobile preset)
 * performance and accessibility, and how long the canvas takes to draw a 300-machine world
 * (scripts/big-draw.ts).
 *
 *   npm run budgets
 *   npm run budgets -- --no-lighthouse
 *   npm run budgets -- --lighthouse-runs 5
 *
 * Lighthouse scores vary from run to run on a shared machine; its authors advise the median of
 * several runs (https://github.com/GoogleChrome/lighthouse/blob/main/docs/variability.md), so it runs
 * three times by default and prints every run beside the median.
 */
import { execSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { listFlows, loadScenario, traceFlow } from '../src/engine';
import { bigDraws } from './big-draw';
import { firstJourneys, type FirstJourney } from './first-journey';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
// BUDGETS_PORT lets several checkouts measure side by side.
const PORT = Number(process.env.BUDGETS_PORT ?? 4191);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} KB`;
}

function initialJs(): { files: string[]; gzip: number; raw: number } {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const refs = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)) refs.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) refs.add(m[1]!);
  // The loader of scripts/boot-plugin.ts adds the entry and its imports after the first paint.
  for (const m of html.matchAll(/data-initial-js="([^"]+)"/g)) for (const f of m[1]!.split(' ')) refs.add(f);
  let gzip = 0;
  let raw = 0;
  for (const ref of refs) {
    const buf = readFileSync(path.join(dist, ref.replace(/^\.?\//, '')));
    raw += buf.length;
    gzip += gzipSync(buf, { level: 9 }).length;
  }
  return { files: [...refs], gzip, raw };
}

function largestFlow(): { scenario: string; flow: string; events: number } {
  let best = { scenario: '', flow: '', events: -1 };
  const dir = path.join(root, 'scenarios');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    try {
      const s = loadScenario(readFileSync(path.join(dir, file), 'utf8'), `scenarios/${file}`);
      for (const f of listFlows(s)) {
        const n = traceFlow(s, f.id).events.length;
        if (n > best.events) best = { scenario: s.id, flow: f.id, events: n };
      }
    } catch (e) {
      // A scenario the engine cannot run (yet) is not a budget figure: say so and measure the others.
      console.warn(`skipping ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return best;
}

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`preview server did not start at ${url}`);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

interface LighthouseFigures {
  performance: number;
  accessibility: number;
  metrics: Record<string, string>;
  /** Accessibility audits that failed, by id. */
  a11yFailures: string[];
}

/** Lighthouse with its default (mobile) preset against the preview server, in Debian's Chromium. */
async function runLighthouse(url: string): Promise<LighthouseFigures> {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility'],
    });
    if (!result) throw new Error('Lighthouse returned no result');
    const { lhr } = result;
    const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
    const metrics: Record<string, string> = {};
    for (const id of [
      'first-contentful-paint',
      'largest-contentful-paint',
      'total-blocking-time',
      'cumulative-layout-shift',
      'speed-index',
    ]) {
      const a = lhr.audits[id];
      if (a?.displayValue) metrics[a.title] = a.displayValue;
    }
    const a11yFailures = (lhr.categories.accessibility?.auditRefs ?? [])
      .map((r) => lhr.audits[r.id])
      .filter((a) => a && a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
      .map((a) => a!.id);
    return {
      performance: score('performance'),
      accessibility: score('accessibility'),
      metrics,
      a11yFailures,
    };
  } finally {
    chrome.kill();
  }
}

/** The run with the median performance score (its metrics are printed with it). */
function medianRun(runs: LighthouseFigures[]): LighthouseFigures {
  const sorted = [...runs].sort((a, b) => a.performance - b.performance);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function main(): Promise<void> {
  const withLighthouse = !process.argv.includes('--no-lighthouse');
  const runsArg = process.argv.indexOf('--lighthouse-runs');
  const lighthouseRuns = runsArg >= 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 1) : 3;
  console.log('building…');
  execSync('npx vite build', { cwd: root, stdio: 'ignore' });
  const js = initialJs();
  const target = largestFlow();

  const server = spawn(
    'npx',
    ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
    {
      cwd: root,
      stdio: 'ignore',
      detached: true,
    },
  );
  const base = `http://127.0.0.1:${PORT}/`;
  try {
    await waitForServer(base);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${base}?s=${target.scenario}&f=${target.flow}`);
    await page
      .getByTestId('step-counter')
      .filter({ hasText: `/ ${target.events}` })
      .waitFor();
    await page.waitForTimeout(500);

    // Frames per second while playing at the fastest speed.
    await page.getByLabel('Speed').selectOption('4');
    await page.getByRole('button', { name: 'Play' }).click();
    // Page code is passed as text: tsx's name-keeping helpers do not exist in the page.
    const fps = (await page.evaluate(`new Promise((resolve) => {
      const start = performance.now();
      let last = start, frames = 0, worst = 0;
      const tick = (t) => {
        frames++;
        worst = Math.max(worst, t - last);
        last = t;
        if (t - start < 3000) requestAnimationFrame(tick);
        else resolve({ fps: (frames * 1000) / (t - start), worst });
      };
      requestAnimationFrame(tick);
    })`)) as { fps: number; worst: number };
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.keyboard.press('Home');

    // Input latency: from the input event's timestamp to the next animation frame after it was handled.
    await page.evaluate(`(() => {
      window.__lat = [];
      const onInput = (e) => {
        const t0 = e.timeStamp;
        requestAnimationFrame(() => window.__lat.push(performance.now() - t0));
      };
      window.addEventListener('keydown', onInput);
      window.addEventListener('click', onInput);
    })()`);
    await page.getByRole('heading', { level: 1 }).click();
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press(i % 2 ? 'ArrowLeft' : 'ArrowRight');
      await page.waitForTimeout(50);
    }
    const keys = (await page.evaluate('window.__lat.splice(0)')) as number[];
    const fwd = page.getByRole('button', { name: 'Step forward' });
    const back = page.getByRole('button', { name: 'Step back' });
    for (let i = 0; i < 10; i++) {
      await fwd.click();
      await page.waitForTimeout(50);
      await back.click();
      await page.waitForTimeout(50);
    }
    const clicks = (await page.evaluate('window.__lat.splice(0)')) as number[];
    const fast = await firstJourneys(browser, base, false, 5);
    const slow = await firstJourneys(browser, base, true, 3);
    const big = await bigDraws(browser, base, 3);
    await browser.close();
    const runs: LighthouseFigures[] = [];
    for (let i = 0; withLighthouse && i < lighthouseRuns; i++) runs.push(await runLighthouse(base));
    const lh = runs.length ? medianRun(runs) : null;

    console.log('');
    console.log(
      `initial JS (gzip)     ${kb(js.gzip)} (raw ${kb(js.raw)}; ${js.files.join(', ')})  budget <= 150 KB`,
    );
    console.log(
      `frames per second     ${fps.fps.toFixed(1)} (longest frame ${fps.worst.toFixed(1)} ms) playing ${target.scenario}/${target.flow}, ${target.events} events  budget >= 55`,
    );
    console.log(
      `key press -> frame    median ${percentile(keys, 50).toFixed(1)} ms, p95 ${percentile(keys, 95).toFixed(1)} ms (${keys.length} presses)  budget < 20 ms`,
    );
    console.log(
      `click -> frame        median ${percentile(clicks, 50).toFixed(1)} ms, p95 ${percentile(clicks, 95).toFixed(1)} ms (${clicks.length} clicks)  budget < 20 ms`,
    );
    const ms = (r: FirstJourney[], k: keyof FirstJourney) => r.map((x) => x[k].toFixed(0)).join(', ');
    console.log(
      `first paint           median ${fast.paint.toFixed(0)} ms (runs ${ms(fast.runs, 'paint')}); Fast 3G + 4x CPU ${slow.paint.toFixed(0)} ms  budget < 150 ms`,
    );
    console.log(
      `first journey playable median ${fast.playable.toFixed(0)} ms (runs ${ms(fast.runs, 'playable')})  budget < 600 ms`,
    );
    console.log(
      `  on Fast 3G + 4x CPU  median ${slow.playable.toFixed(0)} ms (runs ${ms(slow.runs, 'playable')})  budget < 3000 ms`,
    );
    const after = big.map((d) => d.drawn - d.traced);
    console.log(
      `topology drawn        ${big[0]!.machines} machines, ${big[0]!.namespaces} namespaces: median ${percentile(after, 50).toFixed(0)} ms after the Trace is shown (runs ${after.map((x) => x.toFixed(0)).join(', ')}; ${percentile(
        big.map((d) => d.drawn),
        50,
      ).toFixed(0)} ms from navigation; the canvas's last layout ${percentile(
        big.map((d) => d.layout.at(-1) ?? NaN),
        50,
      ).toFixed(0)} ms, its drawing ${percentile(
        big.map((d) => d.draw.at(-1) ?? NaN),
        50,
      ).toFixed(0)} ms)  budget < 1500 ms`,
    );
    if (lh) {
      console.log(
        `Lighthouse performance ${lh.performance} (mobile preset; median of ${runs.length}: ${runs.map((r) => r.performance).join(', ')})  budget >= 90`,
      );
      console.log(
        `Lighthouse a11y       ${lh.accessibility} (runs: ${runs.map((r) => r.accessibility).join(', ')})${lh.a11yFailures.length ? ` (failing: ${lh.a11yFailures.join(', ')})` : ''}  budget 100`,
      );
      console.log(
        `Lighthouse metrics    (median run) ${Object.entries(lh.metrics)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    }
  } finally {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
