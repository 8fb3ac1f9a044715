/**
 * First paint and the first journey playable, measured in a fresh browser context (no cache, no
 * service worker), unthrottled or on DevTools' Fast 3G with a 4x slower CPU (by CDP). Used by
 * budgets.ts.
 */
import type { Browser } from '@playwright/test';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Marks, in the page, the first moment the journey can be played: the canvas has drawn the topology
 * (data-ready) at a step of the Trace (data-step), and Play is enabled.
 */
const MARK_PLAYABLE = `(() => {
  const ready = () =>
    document.querySelector('svg[data-ready="true"][data-step]') &&
    [...document.querySelectorAll('button[aria-keyshortcuts="Space"]')].some((b) => !b.disabled);
  new MutationObserver((_, obs) => {
    if (window.__playable === undefined && ready()) {
      window.__playable = performance.now();
      obs.disconnect();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
})()`;

/** Chrome DevTools' "Fast 3G" preset, as its network panel defines it. */
const FAST_3G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9,
  uploadThroughput: ((750 * 1000) / 8) * 0.9,
};

export interface FirstJourney {
  paint: number;
  playable: number;
}

/** First paint and the first journey playable, in ms from navigation, in a fresh context (no cache). */
async function firstJourney(browser: Browser, url: string, throttled: boolean): Promise<FirstJourney> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 720 },
    serviceWorkers: 'block',
  });
  const page = await context.newPage();
  await page.addInitScript(MARK_PLAYABLE);
  if (throttled) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', FAST_3G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  }
  await page.goto(url);
  // Polled with evaluate: waitForFunction compiles its text in the page, which the CSP forbids.
  for (let t = 0; !(await page.evaluate('window.__playable !== undefined')); t += 100) {
    if (t > 60_000) throw new Error(`the first journey was not playable within 60 s at ${url}`);
    await page.waitForTimeout(100);
  }
  const out = (await page.evaluate(`({
    paint: performance.getEntriesByName('first-paint')[0]?.startTime ?? NaN,
    playable: window.__playable,
  })`)) as FirstJourney;
  await context.close();
  return out;
}

export async function firstJourneys(browser: Browser, url: string, throttled: boolean, runs: number) {
  const all: FirstJourney[] = [];
  for (let i = 0; i < runs; i++) all.push(await firstJourney(browser, url, throttled));
  return {
    paint: median(all.map((r) => r.paint)),
    playable: median(all.map((r) => r.playable)),
    runs: all,
  };
}
