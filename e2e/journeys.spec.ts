/**
 * Every scenario and flow, driven through the page as a learner would: load it from the URL,
 * play to the end, and compare what the page shows with the engine's own Trace computed here in Node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
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

/** The panels follow the store one React transition behind the step counter (panelState.tsx). */
async function settled(page: Page): Promise<void> {
  await expect(page.locator('section[aria-busy="true"]')).toHaveCount(0);
}

async function panelTexts(page: Page): Promise<Record<string, string>> {
  await settled(page);
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

/**
 * Walked in full (every panel, arrows, Play, axe): one flow of each kind of world — a bare veth,
 * Docker, each overlay, Calico with and without policy, each kube-proxy mode, nftables, Weave, a
 * pod, a drop. Every other flow is opened and ended below, one page per scenario: the panels and
 * controls are the same code for all, the journeys differ.
 */
const WALKED = new Set([
  'veth-pair',
  'docker-bridge',
  'flannel-vxlan',
  'flannel-host-gw',
  'calico-ipip',
  'calico-policy',
  'k8s-service-iptables',
  'k8s-service-ipvs',
  'nftables-gateway',
  'weave',
  'pod-pause',
  'troubleshoot-forward-drop',
]);
const walked = (x: Case): boolean => x.first && WALKED.has(x.scenario);

test('every walked scenario exists', () => {
  const ids = new Set(cases.map((c) => c.scenario));
  expect([...WALKED].filter((id) => !ids.has(id))).toEqual([]);
});

for (const c of cases.filter(walked)) {
  test(`${c.scenario} / ${c.flow}`, async ({ page }, testInfo) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`/?s=${c.scenario}&f=${c.flow}`);
    const counter = page.getByTestId('step-counter');
    // The first Trace of a big world (IPVS) can take a few seconds on a busy 2-core machine.
    await expect(counter).toHaveText(`Step 1 / ${c.steps}`, { timeout: 20_000 });

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
    await settled(page);
    const before = await headers.innerText();
    // Shift+arrows move one kernel event (plain arrows move by hop).
    await page.keyboard.press('Shift+ArrowLeft');
    await expect(counter).toHaveText(`Step ${middle} / ${c.steps}`);
    await page.keyboard.press('Shift+ArrowRight');
    await expect(counter).toHaveText(`Step ${middle + 1} / ${c.steps}`);
    await settled(page);
    expect(await headers.innerText()).toBe(before);

    // Play to the end: the verdict matches the engine's.
    await page.getByRole('button', { name: 'Play' }).click();
    // A journey of two events (the command and a local error, one hop) is already at its end.
    if (c.steps > 2) await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
    await page.keyboard.press('End');
    await expect(counter).toHaveText(`Step ${c.steps} / ${c.steps}`);
    await expect(page.getByTestId('verdict')).toHaveText(c.verdict);
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
    // The URL follows the step shortly after (it is written off the input's critical path).
    await expect(page).toHaveURL(new RegExp(`[?&]event=${c.steps}(&|$)`));

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

/**
 * The other flows, scenarios grouped so that one page visits several of them through the Scenario
 * picker, as a learner moves on: a page load per scenario was most of these tests' time, and the
 * link of each flow is the same code, checked by the walked flows and the share specs.
 */
const OPENED = [...new Set(cases.filter((x) => !walked(x)).map((x) => x.scenario))];
/** Flows per test: enough to amortise the page load, few enough to keep both workers busy. */
const PER_TEST = 14;
const groups: string[][] = [];
let flowsInGroup = 0;
for (const scenario of OPENED) {
  const n = cases.filter((x) => x.scenario === scenario && !walked(x)).length;
  if (!groups.length || flowsInGroup + n > PER_TEST) {
    groups.push([]);
    flowsInGroup = 0;
  }
  groups.at(-1)!.push(scenario);
  flowsInGroup += n;
}

for (const group of groups) {
  test(`${group.join(', ')}: each flow opens at step 1 and ends as the engine says`, async ({ page }) => {
    const own = cases.filter((x) => group.includes(x.scenario) && !walked(x));
    // Each flow waits for its own Trace and layout: the budget grows with the flows visited.
    test.setTimeout(20_000 + own.length * 10_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`/?s=${own[0]!.scenario}&f=${own[0]!.flow}`);
    let previous = own[0]!;
    for (const c of own) {
      if (c.scenario !== previous.scenario) {
        await page.getByRole('combobox', { name: 'Scenario' }).selectOption(c.scenario);
        await expect(page).toHaveURL(new RegExp(`[?&]s=${c.scenario}(&|$)`));
      }
      if (c !== own[0]) await page.getByRole('combobox', { name: 'Flow' }).selectOption(c.flow);
      previous = c;
      await expect(page).toHaveURL(new RegExp(`[?&]f=${c.flow}(&|$)`));
      const counter = page.getByTestId('step-counter');
      await expect(counter).toHaveText(`Step 1 / ${c.steps}`, { timeout: 20_000 });
      await page.getByRole('heading', { level: 1 }).click();
      await page.keyboard.press('End');
      await expect(counter).toHaveText(`Step ${c.steps} / ${c.steps}`);
      await expect(page.getByTestId('verdict')).toHaveText(c.verdict);
    }
    expect(errors).toEqual([]);
  });
}

/** The netfilter panels follow the Trace: the deciding iptables rule and the conntrack entry of a step. */
test.describe('netfilter panels (docker-bridge / c1-to-web)', () => {
  const file = path.join(dir, 'docker-bridge.yaml');
  const scenario = loadScenario(readFileSync(file, 'utf8'), 'scenarios/docker-bridge.yaml');
  const trace = traceFlow(scenario, 'c1-to-web');
  const ruleStep = trace.events.find(
    (e) =>
      e.decidedBy?.table === 'iptables' &&
      e.decidedBy.row.startsWith('-A ') &&
      (e.traversed?.length ?? 0) > 1,
  )!;
  const ctStep = trace.events.find(
    (e) =>
      e.decidedBy?.table === 'conntrack' &&
      trace.tables.some(
        (t) =>
          t.table === 'conntrack' &&
          t.netns === e.netns &&
          t.step <= e.step &&
          t.rows.includes(e.decidedBy!.row),
      ),
  )!;
  const exec = { netns: 'host1', line: 'iptables -I FORWARD -s 172.17.0.2 -j DROP' };
  const dropped = traceFlow(scenario, 'c1-to-web', { exec: [exec] });

  test('iptables marks the rules traversed and the deciding rule; Conntrack highlights the entry', async ({
    page,
  }) => {
    expect(ruleStep).toBeDefined();
    expect(ctStep).toBeDefined();
    await page.goto(`/?s=docker-bridge&f=c1-to-web&step=${ruleStep.step}`);
    const counter = page.getByTestId('step-counter');
    await expect(counter).toHaveText(`Step ${ruleStep.step + 1} / ${trace.events.length}`);

    const iptables = page.getByRole('region', { name: 'iptables', exact: true });
    const decided = iptables.locator('li[aria-current="true"]');
    await expect(decided).toHaveCount(1);
    await expect(decided).toContainText(ruleStep.decidedBy!.row);
    await expect(decided).toContainText('(decided this step)');
    // Every other rule evaluated at this step is marked, matched or not.
    const others = new Set(ruleStep.traversed!.map((t) => `${t.table} ${t.row}`)).size - 1;
    await expect(
      iptables.locator('li[data-rule-state="matched"], li[data-rule-state="evaluated"]'),
    ).toHaveCount(others);
    await expect(iptables.getByRole('group', { name: 'table nat' })).toBeVisible();

    await page.getByRole('slider', { name: 'Step' }).fill(String(ctStep.step));
    await expect(counter).toHaveText(`Step ${ctStep.step + 1} / ${trace.events.length}`);
    const conntrack = page.getByRole('region', { name: 'Conntrack', exact: true });
    const entry = conntrack.locator('li[aria-current="true"]');
    await expect(entry).toHaveCount(1);
    // The whole row, read from the DOM and waited for (toContainText normalises whitespace): the
    // side column keeps panels off screen out of rendering (content-visibility), where innerText
    // reads nothing until the column has scrolled the row into view.
    await expect(entry).toContainText(ctStep.decidedBy!.row.replace(/\s+/g, ' '));
    // A step elsewhere shows the empty state of a namespace without rules.
    await page.getByRole('slider', { name: 'Step' }).fill('0');
    await expect(iptables).toContainText(`No iptables rules are loaded in ${trace.events[0]!.netns}`);
  });

  test('an iptables change typed in the terminal re-runs the flow into the drop', async ({ page }) => {
    await page.goto(`/?s=docker-bridge&f=c1-to-web&step=${ruleStep.step}`);
    const counter = page.getByTestId('step-counter');
    await expect(counter).toHaveText(`Step ${ruleStep.step + 1} / ${trace.events.length}`);
    const input = page.getByRole('textbox', { name: /^Command in / });
    await expect(input).toHaveAccessibleName(/Command in host1/);
    await input.fill(exec.line);
    await input.press('Enter');
    await expect(counter).toContainText(`/ ${dropped.events.length}`);
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('End');
    await expect(page.getByTestId('verdict')).toHaveText(verdictText(dropped));
    const decided = page
      .getByRole('region', { name: 'iptables', exact: true })
      .locator('li[aria-current="true"]');
    await expect(decided).toContainText('-A FORWARD -s 172.17.0.2/32 -j DROP');
    await page.getByRole('button', { name: 'Tools', exact: true }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Run this on Linux' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('docker-bridge-c1-to-web-lab.sh');
  });
});

/** The nftables panel prints `nft list ruleset` and marks the rules nf_tables walked at the step. */
test('nftables marks the rules evaluated and the deciding rule (nftables-gateway / laptop-ssh-gw)', async ({
  page,
}) => {
  const file = path.join(dir, 'nftables-gateway.yaml');
  const trace = traceFlow(
    loadScenario(readFileSync(file, 'utf8'), 'scenarios/nftables-gateway.yaml'),
    'laptop-ssh-gw',
  );
  const step = trace.events.find(
    (e) => e.decidedBy?.table === 'nftables' && e.decidedBy.row.includes('@trusted'),
  )!;
  await page.goto(`/?s=nftables-gateway&f=laptop-ssh-gw&step=${step.step}`);
  await expect(page.getByTestId('step-counter')).toHaveText(`Step ${step.step + 1} / ${trace.events.length}`);
  const nft = page.getByRole('region', { name: 'nftables', exact: true });
  await expect(nft.getByRole('group', { name: 'table inet filter' })).toContainText('chain input {');
  const decided = nft.locator('li[aria-current="true"]');
  await expect(decided).toContainText('ip saddr @trusted tcp dport 22 accept (decided this step)');
  await expect(nft.locator('li[data-rule-state="evaluated"]')).toHaveCount(step.traversed!.length - 1);
  await expect(
    page.getByRole('region', { name: 'iptables', exact: true }).locator('li[aria-current]'),
  ).toHaveCount(0);
});

test("the terminal runs in the flow's world: its `before` commands are there", async ({ page }) => {
  // flannel-vxlan / vxlan-dropped-in-input: before: "node-64-217: iptables -I INPUT -p udp --dport 8472 -j DROP".
  await page.goto('/?s=flannel-vxlan&f=vxlan-dropped-in-input');
  await page.getByRole('combobox', { name: 'Namespace', exact: true }).selectOption('node-64-217');
  const input = page.getByRole('textbox', { name: /^Command in / });
  await expect(input).toHaveAccessibleName(/Command in node-64-217/);
  await input.fill('iptables -S INPUT');
  await input.press('Enter');
  await expect(page.getByRole('log', { name: 'Terminal output' })).toContainText(
    '-A INPUT -p udp -m udp --dport 8472 -j DROP',
  );
});
