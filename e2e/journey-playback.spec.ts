/**
 * The journey stays consistent as a learner changes things: a command typed in the terminal keeps
 * the step (or the nearest one), the canvas names the packet by its own headers, a link to a
 * scenario or flow that does not exist says so, steps count from 1 (old `step=` links still open at
 * the same event), and the embed is offered at a legible size with its panels by name.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { loadScenario, traceFlow } from '../src/engine';
import type { TraceEvent } from '../src/engine/kernel/trace';

const root = path.resolve(import.meta.dirname, '..');
const scenario = (id: string) =>
  loadScenario(readFileSync(path.join(root, `scenarios/${id}.yaml`), 'utf8'), `scenarios/${id}.yaml`);

const counter = (page: Page) => page.getByTestId('step-counter');

async function ready(page: Page): Promise<void> {
  await expect(counter(page)).toHaveText(/^Step [1-9]\d* \/ [1-9]/);
  await expect(page.locator('.pj-canvas svg[data-ready]')).toHaveAttribute('data-ready', 'true', {
    timeout: 45_000,
  });
}

/** Types `line` in the terminal of `netns`, as a learner does. */
async function type(page: Page, netns: string, line: string): Promise<void> {
  const terminal = page.locator('section[data-panel="terminal"]');
  await terminal.locator('select').selectOption(netns);
  await terminal.locator('input').fill(line);
  await terminal.locator('input').press('Enter');
  await expect(page.getByTestId('changes-list')).toContainText(line);
}

test.describe('a terminal change keeps the step', () => {
  // flannel host-gw: pod1 on node A pings pod3 on node B through A's route to 10.1.16.0/24.
  const s = scenario('flannel-host-gw');
  const FLOW = 'pod1-ping-pod3';
  const plain = traceFlow(s, FLOW);
  const gatewayMac = plain.topology.netns
    .find((n) => n.name === 'A')!
    .interfaces.find((i) => i.name === 'cni0')!.mac;
  const NEIGH = `ip neigh add 10.1.15.1 lladdr ${gatewayMac} dev eth0 nud permanent`;
  const NO_ROUTE = 'ip route del 10.1.16.0/24';
  const known = traceFlow(s, FLOW, { exec: [{ netns: 'pod1', line: NEIGH }] });
  const cut = traceFlow(s, FLOW, {
    exec: [
      { netns: 'pod1', line: NEIGH },
      { netns: 'A', line: NO_ROUTE },
    ],
  });
  const inPod3 = (e: TraceEvent) => e.kind === 'rx' && e.netns === 'pod3';

  test('the same event where it now is, then the drop that now ends the journey', async ({ page }) => {
    test.setTimeout(120_000);
    const at = plain.events.findIndex(inPod3);
    const moved = known.events.findIndex(inPod3);
    // pod1 knows its gateway's MAC, so it sends without asking ARP first: pod3's event comes sooner.
    expect(moved).toBeLessThan(at);
    await page.goto(`/?s=flannel-host-gw&f=${FLOW}&event=${at + 1}`);
    await ready(page);
    await expect(counter(page)).toHaveText(`Step ${at + 1} / ${plain.events.length}`);

    await type(page, 'pod1', NEIGH);
    await expect(counter(page)).toHaveText(`Step ${moved + 1} / ${known.events.length}`);
    await expect(page).toHaveURL(new RegExp(`[?&]event=${moved + 1}(&|$)`));

    // Without A's route to pod3's subnet the echo request never reaches pod3: A drops it.
    await type(page, 'A', NO_ROUTE);
    const drop = cut.events.findIndex((e) => e.kind === 'drop');
    expect(cut.events[drop]!.netns).toBe('A');
    await expect(counter(page)).toHaveText(`Step ${drop + 1} / ${cut.events.length}`);
    await expect(page.getByTestId('drop-reason')).toBeVisible();
  });

  test('the canvas names the packet by its own headers after the change', async ({ page }) => {
    await page.goto(`/?s=flannel-host-gw&f=${FLOW}`);
    await ready(page);
    await type(page, 'A', NO_ROUTE);
    await expect(counter(page)).toHaveText(
      new RegExp(` / ${traceFlow(s, FLOW, { exec: [{ netns: 'A', line: NO_ROUTE }] }).events.length}$`),
    );
    // The packet back to pod1 is A's "net unreachable" (ping: "From 10.1.15.1 icmp_seq=1
    // Destination Net Unreachable"); it quotes the echo request, but it is not one.
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('End');
    const strip = page.getByTestId('packet-strip');
    await expect(strip.locator('.pj-block--icmp').first()).toHaveText(/^ICMP unreachable/);
    await expect(strip.locator('.pj-block--ipv4').first()).toContainText('10.1.15.1 → 10.1.15.2');
    const desc = page.locator('.pj-canvas svg desc');
    await expect(desc).toContainText('ICMP unreachable');
    await expect(desc).not.toContainText('echo request');
  });
});

test.describe('a link to something that does not exist says so', () => {
  const hostGw = scenario('flannel-host-gw');
  const docker = scenario('docker-bridge');

  test('an unknown scenario, in English, over the page without moving it', async ({ page }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto('/?s=nope&f=nope');
    await ready(page);
    const notice = page.getByTestId('link-notice');
    await expect(notice).toContainText('“nope”');
    // What opened instead: the default journey, by its title.
    await expect(notice).toContainText(hostGw.title.en);
    await expect(page).toHaveURL(/[?&]s=flannel-host-gw(&|$)/);
    const box = await page.locator('.pj-canvas').boundingBox();
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);
    expect(await page.locator('.pj-canvas').boundingBox()).toEqual(box);
  });

  test('an unknown flow, in Chinese', async ({ page }) => {
    await page.goto('/?s=docker-bridge&f=nope&lang=zh-CN');
    await expect(page.locator('.pj-canvas svg[data-ready]')).toHaveAttribute('data-ready', 'true', {
      timeout: 45_000,
    });
    const notice = page.getByTestId('link-notice');
    await expect(notice).toContainText('“nope”');
    await expect(notice).toContainText(docker.title.zh!);
    await expect(notice).toContainText(docker.flows[0]!.title.zh!);
    await expect(notice).toContainText('没有流量');
    await notice.getByRole('button', { name: '关闭' }).click();
    await expect(notice).toHaveCount(0);
  });

  test('a known scenario and flow open without a notice', async ({ page }) => {
    await page.goto('/?s=docker-bridge&f=c1-to-web');
    await ready(page);
    await expect(page.getByTestId('link-notice')).toHaveCount(0);
  });
});

test.describe('steps count from 1', () => {
  const t = traceFlow(scenario('flannel-vxlan'), 'pod-a-ping-pod-b');

  test('an event link and an old step link open at the same event', async ({ page }) => {
    await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b&event=31');
    await ready(page);
    await expect(counter(page)).toHaveText(`Step 31 / ${t.events.length}`);
    // The old links counted from 0: step=30 is the same event, and the link is rewritten.
    await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b&step=30');
    await ready(page);
    await expect(counter(page)).toHaveText(`Step 31 / ${t.events.length}`);
    await expect(page).toHaveURL(/[?&]event=31(&|$)/);
    await expect(page).not.toHaveURL(/[?&]step=/);
  });

  test('a journey opens at hop 1', async ({ page }) => {
    await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b');
    await ready(page);
    await expect(page.getByTestId('hop-counter')).toHaveText(`Hop 1 / ${t.hops.length}`);
    await expect(counter(page)).toHaveText(new RegExp(`^Step [1-9]\\d* / ${t.events.length}$`));
  });
});

test('the embed is offered at a legible size, its panels by name', async ({ page }) => {
  await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b&event=5');
  await ready(page);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.getByRole('button', { name: 'Embed', exact: true }).click();
  const snippet = page.getByTestId('embed-snippet');
  const size = (await snippet.inputValue()).match(/width="(\d+)" height="(\d+)"/);
  expect(Number(size?.[1])).toBeGreaterThanOrEqual(1200);
  expect(Number(size?.[2])).toBeGreaterThanOrEqual(720);
  const panel = page.getByRole('dialog').getByRole('combobox', { name: 'Panel' });
  const names = await panel.locator('option').allTextContents();
  expect(names).toEqual(expect.arrayContaining(['Header stack', 'Routes', 'Bridge FDB', 'Event log']));
  expect(names).not.toContain('headers');
  await panel.selectOption({ label: 'Routes' });
  await expect(snippet).toHaveValue(/panel=routes"/);

  // The embed at that size: the canvas keeps most of the frame.
  const src = (await snippet.inputValue()).match(/src="([^"]+)"/)![1]!.replace(/&amp;/g, '&');
  await page.setViewportSize({ width: Number(size![1]), height: Number(size![2]) });
  await page.goto(src);
  await expect(page.getByTestId('embed-view')).toBeVisible();
  await ready(page);
  await expect(page.locator('section[data-panel="routes"]')).toBeVisible();
  const share = await page.locator('.pj-canvas').evaluate((el) => {
    const r = el.getBoundingClientRect();
    return (r.width * r.height) / (innerWidth * innerHeight);
  });
  expect(share).toBeGreaterThanOrEqual(0.5);
});

test('an exported step carries the packet strip under the drawing', async ({ page }) => {
  const t = traceFlow(scenario('flannel-vxlan'), 'pod-a-ping-pod-b');
  const encap = t.events.findIndex((e) => e.kind === 'encap');
  await page.goto(`/?s=flannel-vxlan&f=pod-a-ping-pod-b&event=${encap + 1}`);
  await ready(page);
  // The strip names the VXLAN envelope's VNI; the drawing does not.
  await expect(page.getByTestId('packet-strip')).toContainText('VNI');
  for (const label of ['Canvas as SVG', 'Canvas as PNG']) {
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await page.getByText('Export', { exact: true }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: label }).click(),
    ]);
    const file = await download.path();
    if (label.endsWith('SVG')) {
      const svg = readFileSync(file, 'utf8');
      expect(svg).toContain('>VNI<');
      expect(svg).toContain('>VXLAN<');
      // Taller than the drawing by the strip's height.
      const drawn = await page.locator('.pj-canvas svg[data-ready]').evaluate((el) => el.clientHeight);
      expect(Number(/<svg[^>]* height="(\d+)"/.exec(svg)?.[1])).toBeGreaterThan(drawn);
    } else {
      const png = readFileSync(file);
      // PNG height, at scale 2: the drawing and the strip.
      const drawn = await page.locator('.pj-canvas svg[data-ready]').evaluate((el) => el.clientHeight);
      expect(png.readUInt32BE(20)).toBeGreaterThan(2 * drawn);
    }
  }
});
