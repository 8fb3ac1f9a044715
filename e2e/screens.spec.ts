/**
 * The page at the screen sizes it is used at: a desktop at 1920x1080 (and 1366x768), a projector in
 * presenter mode at 1280x720, a phone at 390x844, for three journeys in English and one of them in Chinese. Each
 * takes screenshots (attached to the report) and measures what can be measured: the canvas's share
 * of the viewport, a one-row header, the deciding row in view, the caption's size, the phone's text
 * size and width.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { loadScenario, traceFlow } from '../src/engine';
import type { TraceEvent } from '../src/engine/kernel/trace';

const root = path.resolve(import.meta.dirname, '..');

interface Journey {
  scenario: string;
  flow: string;
  /** The step shown: a key moment of the journey. */
  key: (e: TraceEvent) => boolean;
  /**
   * Also measured in Chinese. One journey is enough there: the sizes and the layout are the same
   * code in both languages, and this one has the most words on the canvas (NAT callouts, chains).
   */
  zh?: boolean;
}

const JOURNEYS: Journey[] = [
  { scenario: 'flannel-vxlan', flow: 'pod-a-ping-pod-b', key: (e) => e.kind === 'encap' },
  {
    scenario: 'docker-bridge',
    flow: 'c1-to-web',
    key: (e) => e.decidedBy?.table === 'iptables' && e.decidedBy.row.includes('MASQUERADE'),
  },
  { scenario: 'k8s-service-iptables', flow: 'client-to-clusterip', key: (e) => e.kind === 'nat', zh: true },
];

function keyEvent(j: Journey): TraceEvent {
  const file = `scenarios/${j.scenario}.yaml`;
  const trace = traceFlow(loadScenario(readFileSync(path.join(root, file), 'utf8'), file), j.flow);
  const ev = trace.events.find(j.key);
  if (!ev) throw new Error(`${j.scenario} ${j.flow}: no key step`);
  return ev;
}

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(name);
  await page.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('.pj-canvas svg[data-ready]')).toHaveAttribute('data-ready', 'true', {
    // ELK lays the topology out in a worker: slow on a busy machine.
    timeout: 45_000,
  });
  await expect(page.locator('section[aria-busy="true"]')).toHaveCount(0);
}

/** The part of the viewport the canvas covers (0..1). */
function canvasShare(page: Page): Promise<number> {
  return page.locator('.pj-canvas').evaluate((el) => {
    const r = el.getBoundingClientRect();
    const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
    const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
    return (w * h) / (innerWidth * innerHeight);
  });
}

/**
 * The smallest text drawn on the canvas, in screen pixels (font size times the drawing's zoom), over
 * the text that is shown and inside the canvas's view; the packet strip under the drawing with it.
 */
function canvasTextPx(page: Page): Promise<{ drawing: number; strip: number }> {
  return page.locator('.pj-canvas').evaluate((canvas) => {
    const svg = canvas.querySelector('svg')!.getBoundingClientRect();
    let drawing = Infinity;
    for (const t of canvas.querySelectorAll<SVGTextElement>('svg text')) {
      if (!t.textContent?.trim() || !t.checkVisibility()) continue;
      const r = t.getBoundingClientRect();
      if (r.right < svg.left || r.left > svg.right || r.bottom < svg.top || r.top > svg.bottom) continue;
      const m = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 1);
      drawing = Math.min(drawing, px);
    }
    let strip = Infinity;
    for (const el of canvas.querySelectorAll<HTMLElement>('.pj-strip *')) {
      if (el.textContent?.trim() && el.checkVisibility())
        strip = Math.min(strip, parseFloat(getComputedStyle(el).fontSize));
    }
    return { drawing, strip };
  });
}

/** How far apart the vertical centres of the header's visible controls are, and its height. */
function headerRow(page: Page): Promise<{ spread: number; height: number }> {
  return page.locator('header').evaluate((h) => {
    const centres = [...h.querySelectorAll('h1, select, button')]
      .filter((c) => c.checkVisibility() && !c.closest('[hidden]'))
      .map((c) => {
        const r = c.getBoundingClientRect();
        return r.top + r.height / 2;
      });
    return { spread: Math.max(...centres) - Math.min(...centres), height: h.getBoundingClientRect().height };
  });
}

/** Visible text outside the canvas drawn smaller than `min` px. */
function smallText(page: Page, min: number): Promise<string[]> {
  return page.evaluate((min) => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent?.trim();
      if (!el || !text || el.closest('svg, select, [hidden], dialog:not([open])')) continue;
      if (!el.checkVisibility()) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < min) out.push(`${px}px "${text.slice(0, 40)}"`);
    }
    for (const s of document.querySelectorAll('select')) {
      const px = parseFloat(getComputedStyle(s).fontSize);
      if (s.checkVisibility() && px < min) out.push(`${px}px <select>`);
    }
    return out;
  }, min);
}

for (const j of JOURNEYS) {
  for (const lang of j.zh ? ['en', 'zh-CN'] : ['en']) {
    test(`${j.scenario} ${j.flow} (${lang}) at desktop, projector and phone sizes`, async ({
      page,
    }, testInfo) => {
      test.setTimeout(240_000);
      const ev = keyEvent(j);
      const url = `/?s=${j.scenario}&f=${j.flow}&step=${ev.step}&lang=${lang}`;
      const tag = `${j.scenario}-${lang}`;

      // Desktop: canvas first, one-row header, the deciding panel forward with its row in view.
      for (const [w, h] of [
        [1920, 1080],
        [1366, 768],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        await open(page, url);
        const share = await canvasShare(page);
        testInfo.annotations.push({
          type: `normal ${w}x${h}`,
          description: `canvas share ${share.toFixed(3)}`,
        });
        expect(share, `canvas share at ${w}x${h}`).toBeGreaterThanOrEqual(0.6);
        const row = await headerRow(page);
        expect(row.spread, `header controls in one row at ${w}x${h}`).toBeLessThanOrEqual(4);
        expect(row.height).toBeLessThanOrEqual(64);
        const decided = page.locator('.pj-column [aria-current="true"]').first();
        if (ev.decidedBy) await expect(decided).toBeInViewport();
        await shot(page, testInfo, `${tag}-${w}x${h}.png`);
      }

      // Presenter mode on a 1280x720 projector: the canvas fills the screen, the caption is large.
      await page.setViewportSize({ width: 1280, height: 720 });
      await open(page, `${url}&present=1`);
      const caption = page.getByTestId('caption');
      await expect(caption).toBeVisible();
      await expect(caption).not.toBeEmpty();
      expect(await canvasShare(page), 'presenter canvas share at 1280x720').toBeGreaterThanOrEqual(0.8);
      const captionPx = await caption.evaluate((el) =>
        Math.min(...[el, ...el.querySelectorAll('*')].map((e) => parseFloat(getComputedStyle(e).fontSize))),
      );
      expect(captionPx).toBeGreaterThanOrEqual(28);
      // The camera has settled on the packet (it eases in): text as the class reads it.
      await page.waitForTimeout(1200);
      const text = await canvasTextPx(page);
      testInfo.annotations.push({
        type: 'presenter 1280x720',
        description: `canvas share ${(await canvasShare(page)).toFixed(3)}, smallest drawn text ${text.drawing.toFixed(1)} px, strip ${text.strip} px`,
      });
      expect(text.drawing, 'smallest drawn canvas text in presenter mode').toBeGreaterThanOrEqual(18);
      expect(text.strip, 'smallest packet strip text in presenter mode').toBeGreaterThanOrEqual(18);
      await shot(page, testInfo, `${tag}-presenter-1280x720.png`);
      await page.setViewportSize({ width: 1920, height: 1080 });
      expect(await canvasShare(page), 'presenter canvas share at 1920x1080').toBeGreaterThanOrEqual(0.8);
      await page.waitForTimeout(1200);
      testInfo.annotations.push({
        type: 'presenter 1920x1080',
        description: `canvas share ${(await canvasShare(page)).toFixed(3)}, smallest drawn text ${(await canvasTextPx(page)).drawing.toFixed(1)} px`,
      });
      await shot(page, testInfo, `${tag}-presenter-1920x1080.png`);

      // The phone: a vertical journey, nothing wider than the screen, no text under 14 px.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(url);
      const journey = page.getByTestId('journey');
      await expect(journey.locator('[aria-current="step"]')).toBeVisible({ timeout: 45_000 });
      await expect(page.locator('section[aria-busy="true"]')).toHaveCount(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(await smallText(page, 14)).toEqual([]);
      // The player stays on screen as the page scrolls.
      const play = page.getByRole('button', { name: lang === 'en' ? 'Play' : '播放' });
      await expect(play).toBeInViewport();
      await shot(page, testInfo, `${tag}-390x844.png`);
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await expect(play).toBeInViewport();
      // The canvas is one tap away.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.getByRole('button', { name: lang === 'en' ? 'Canvas' : '拓扑图', exact: true }).click();
      await expect(page.locator('.pj-canvas svg[data-ready]')).toHaveAttribute('data-ready', 'true', {
        timeout: 45_000,
      });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(page, testInfo, `${tag}-390x844-canvas.png`);
    });
  }
}

test('a notice never moves the layout; the tools wait in the header menus', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await open(page, '/?s=docker-bridge&f=c1-to-web');
  const box = async () => page.locator('.pj-canvas').boundingBox();
  const before = await box();
  await expect(page.getByRole('button', { name: 'Copy link' })).toBeHidden();
  await page.getByRole('button', { name: 'Share' }).click();
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByTestId('share-link')).toHaveValue(/^http/);
  expect(await box()).toEqual(before);
  // The menu closed once its tool ran; Escape closes an open one.
  await expect(page.getByRole('button', { name: 'Copy link' })).toBeHidden();
  await page.getByRole('button', { name: 'Classroom' }).click();
  await expect(page.getByRole('button', { name: 'Glossary' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Glossary' })).toBeHidden();
});
