/**
 * How long the canvas takes to draw a big world (scripts/big-topology.ts: 300 machines, 1,200
 * namespaces), in the built page: from navigation to the Trace shown (the step counter counts its
 * events) and to the topology drawn (the canvas's data-ready at a step), and between the two (the
 * layout and the drawing, what the canvas itself costs). The scenario is handed to the page as a
 * local draft (share/draft.ts), as an edited scenario too large for a link is. Used by budgets.ts;
 * run alone it also takes the fit-to-view screenshots:
 *
 *   npx tsx scripts/big-draw.ts http://127.0.0.1:4191/ [outdir]
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { bigTopology } from './big-topology';

/** Marks, in the page, when the Trace is shown and when the topology is drawn for it. */
const MARK_DRAWN = `(() => {
  const traced = () => /\\/\\s*[1-9]/.test(document.querySelector('[data-testid="step-counter"]')?.textContent ?? '');
  const drawn = () => document.querySelector('svg[data-ready="true"][data-step]');
  new MutationObserver((_, obs) => {
    if (window.__traced === undefined && traced()) window.__traced = performance.now();
    if (window.__drawn === undefined && drawn()) {
      window.__drawn = performance.now();
      obs.disconnect();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
})()`;

export interface BigDraw {
  machines: number;
  namespaces: number;
  /** ms from navigation. */
  traced: number;
  drawn: number;
  /** The canvas's own measures (TopologyCanvas): its layouts and its drawings of them, in ms. */
  layout: number[];
  draw: number[];
}

/** Opens the big world in `page` (a fresh context's) and waits until it is drawn. */
export async function openBig(page: Page, base: string, machines = 300, pods = 3): Promise<BigDraw> {
  const big = bigTopology(machines, pods);
  await page.goto(base);
  const id = 'b16b16b16b16';
  await page.evaluate(
    ([key, json]) => localStorage.setItem(key!, json!),
    [`packet-journey:draft:${id}`, JSON.stringify({ savedAt: Date.now(), yaml: big.yaml })],
  );
  await page.addInitScript(MARK_DRAWN);
  await page.goto(`${base}?s=${big.id}&f=${big.flow}#draft=${id}`);
  // Polled with evaluate: waitForFunction compiles its text in the page, which the CSP forbids.
  for (let t = 0; !(await page.evaluate('window.__drawn !== undefined')); t += 200) {
    if (t > 120_000) throw new Error(`the ${machines}-machine world was not drawn within 120 s`);
    await page.waitForTimeout(200);
  }
  const at = (await page.evaluate(`({
    traced: window.__traced,
    drawn: window.__drawn,
    layout: performance.getEntriesByName('pj:layout').map((e) => e.duration),
    draw: performance.getEntriesByName('pj:draw').map((e) => e.duration),
  })`)) as Omit<BigDraw, 'machines' | 'namespaces'>;
  return { machines, namespaces: machines * (pods + 1), ...at };
}

/** The big world drawn `runs` times, each in a fresh context (no cache of layouts or the Trace). */
export async function bigDraws(browser: Browser, base: string, runs: number): Promise<BigDraw[]> {
  const out: BigDraw[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    out.push(await openBig(await context.newPage(), base));
    await context.close();
  }
  return out;
}

const ms = (xs: number[]) => xs.map((x) => `${x.toFixed(0)} ms`).join(', ');

async function main(): Promise<void> {
  const base = process.argv[2] ?? 'http://127.0.0.1:4191/';
  const dir = process.argv[3] ?? '/tmp';
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic'],
  });
  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ] as const) {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    const d = await openBig(page, base);
    console.log(
      `${width}x${height}: Trace shown ${d.traced.toFixed(0)} ms, drawn ${d.drawn.toFixed(0)} ms (${(d.drawn - d.traced).toFixed(0)} ms after the Trace; layouts ${ms(d.layout)}, drawings ${ms(d.draw)})`,
    );
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${dir}/big-300-${width}x${height}.png` });
    await context.close();
  }
  await browser.close();
}

if (process.argv[1]?.endsWith('big-draw.ts')) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
