/**
 * Every scenario and flow, driven through the page as a learner would: load it from the URL,
 * play to the end, and compare what the page shows with the engine's own Trace computed here in Node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { listFlows, loadScenario, traceFlow } from '../src/engine';
import { verdictText } from '../src/app/panels/trace-select';

const dir = path.resolve(import.meta.dirname, '../scenarios');
const PANELS = [
  'Routes',
  'Neighbors',
  'Bridge FDB',
  'iptables',
  'Conntrack',
  'Header stack',
  'Capture',
  'Event log',
  'Explanation',
];
/** Steps visited per flow when checking that every panel shows something (spread over the trace). */
const SAMPLE = 24;

interface Case {
  scenario: string;
  flow: string;
  steps: number;
  verdict: string;
  first: boolean;
}

const cases: Case[] = [];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const s = loadScenario(readFileSync(path.join(dir, file), 'utf8'), `scenarios/${file}`);
  listFlows(s).forEach((f, i) => {
    const t = traceFlow(s, f.id);
    cases.push({
      scenario: s.id,
      flow: f.id,
      steps: t.events.length,
      verdict: verdictText(t),
      first: i === 0,
    });
  });
}

async function panelTexts(page: Page): Promise<Record<string, string>> {
  return page.evaluate((names) => {
    const out: Record<string, string> = {};
    for (const section of document.querySelectorAll('section[aria-labelledby]')) {
      const heading = document.getElementById(section.getAttribute('aria-labelledby') ?? '');
      const name = heading?.textContent ?? '';
      if (!names.includes(name)) continue;
      const body = section.querySelector('[id$="-body"]') as HTMLElement | null;
      out[name] = body?.innerText.trim() ?? '';
    }
    return out;
  }, PANELS);
}

test('the scenario picker lists every scenario on disk', async ({ page }) => {
  await page.goto('/');
  const ids = [...new Set(cases.map((c) => c.scenario))];
  const picker = page.getByLabel('Scenario');
  await expect(picker.locator('option')).toHaveCount(ids.length);
});

for (const c of cases) {
  test(`${c.scenario} / ${c.flow}`, async ({ page }, testInfo) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`/?s=${c.scenario}&f=${c.flow}`);
    const counter = page.getByTestId('step-counter');
    await expect(counter).toHaveText(`Step 1 / ${c.steps}`);

    for (const name of PANELS) {
      await expect(page.getByRole('region', { name, exact: true })).toBeVisible();
    }

    // Every panel shows something at one step at least.
    const scrubber = page.getByRole('slider', { name: 'Step' });
    const seen = new Set<string>();
    const stride = Math.max(1, Math.ceil(c.steps / SAMPLE));
    for (let step = 0; step < c.steps && seen.size < PANELS.length; step += stride) {
      await scrubber.fill(String(step));
      await expect(counter).toHaveText(`Step ${step + 1} / ${c.steps}`);
      for (const [name, text] of Object.entries(await panelTexts(page))) if (text) seen.add(name);
    }
    expect([...seen].sort()).toEqual([...PANELS].sort());

    // Back then forward gives the same header stack.
    const middle = Math.max(1, Math.floor(c.steps / 2));
    await scrubber.fill(String(middle));
    await page.getByRole('heading', { level: 1 }).click();
    const headers = page.getByRole('region', { name: 'Header stack' });
    const before = await headers.innerText();
    await page.keyboard.press('ArrowLeft');
    await expect(counter).toHaveText(`Step ${middle} / ${c.steps}`);
    await page.keyboard.press('ArrowRight');
    await expect(counter).toHaveText(`Step ${middle + 1} / ${c.steps}`);
    expect(await headers.innerText()).toBe(before);

    // Play to the end: the verdict matches the engine's.
    await page.getByRole('button', { name: 'Play' }).click();
    await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
    await page.keyboard.press('End');
    await expect(counter).toHaveText(`Step ${c.steps} / ${c.steps}`);
    await expect(page.getByTestId('verdict')).toHaveText(c.verdict);
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
    expect(page.url()).toContain(`step=${c.steps - 1}`);

    if (c.first) {
      await testInfo.attach(`${c.scenario}.png`, {
        body: await page.screenshot({ fullPage: true }),
        contentType: 'image/png',
      });
      const axe = await new AxeBuilder({ page }).analyze();
      const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
    expect(errors).toEqual([]);
  });
}
