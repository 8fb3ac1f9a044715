/**
 * Share, edit, embed, export and untrusted input, in a real Chromium against the built site (under its CSP).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { encodeEdits, toBase64Url, deflate } from '../src/app/share/link';

const FDB_DEL = 'bridge fdb del 3e:01:ed:47:de:7f dev flannel.1 dst 10.10.10.217';

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

const counter = (page: Page) => page.getByTestId('step-counter');
const headerStack = (page: Page) => page.locator('section[data-panel="headers"] [id$="-body"]');

async function ready(page: Page, steps?: number) {
  await expect(counter(page)).toHaveText(steps ? new RegExp(`/ ${steps}$`) : /Step [1-9]\d* \/ [1-9]/, {
    timeout: 15_000,
  });
  await expect(page.locator('.pj-canvas svg[data-ready]')).toHaveAttribute('data-ready', 'true', {
    timeout: 15_000,
  });
}

/** Selects the first editor line that ends with `text` (typing then replaces it). */
async function selectLine(page: Page, text: string) {
  await page.evaluate((t) => {
    const line = [...document.querySelectorAll('.cm-line')].find((l) => l.textContent?.trimEnd().endsWith(t));
    if (!line) throw new Error(`no line ${t}`);
    const range = document.createRange();
    range.selectNodeContents(line);
    window.getSelection()!.removeAllRanges();
    window.getSelection()!.addRange(range);
  }, text);
}

async function copiedLink(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.getByRole('button', { name: 'Copy link' }).click();
  const field = page.getByTestId('share-link');
  await expect(field).toHaveValue(/^http/);
  return field.inputValue();
}

async function editsLink(edits: { yaml?: string; execs?: { netns: string; line: string }[] }, query = '') {
  const hash = await encodeEdits({ yaml: edits.yaml ?? null, execs: edits.execs ?? [] });
  return `/${query}#${hash}`;
}

test('a link copied at step N opens at step N with the same header stack', async ({ page, browser }) => {
  const errors = watchErrors(page);
  await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b');
  await ready(page);
  // Shift+Right: one kernel event (Right alone goes to the next hop).
  for (let i = 0; i < 17; i++) await page.keyboard.press('Shift+ArrowRight');
  await expect(counter(page)).toHaveText(/^Step 18 \//);
  await expect(page).toHaveURL(/event=18/);
  // The panels follow one React transition behind the counter (panelState.tsx).
  await expect(page.locator('section[aria-busy="true"]')).toHaveCount(0);
  const stack = await headerStack(page).innerText();
  expect(stack).toMatch(/VXLAN|Ethernet/);
  const link = await copiedLink(page);
  expect(link).toContain('s=flannel-vxlan');
  expect(link).toContain('event=18');

  const other = await browser.newContext();
  const fresh = await other.newPage();
  await fresh.goto(link);
  await ready(fresh);
  await expect(counter(fresh)).toHaveText(/^Step 18 \//);
  await expect.poll(() => headerStack(fresh).innerText()).toBe(stack);
  await other.close();
  expect(errors).toEqual([]);
});

test('deleting the FDB entry drops the flow; the link carries the edit; compare shows where and why', async ({
  page,
  browser,
}) => {
  const errors = watchErrors(page);
  await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b');
  await ready(page);
  const terminal = page.locator('section[data-panel="terminal"]');
  await terminal.locator('select').selectOption('node-64-216');
  await terminal.locator('input').fill(FDB_DEL);
  await terminal.locator('input').press('Enter');
  const changes = page.getByTestId('changes-list');
  await expect(changes).toContainText(FDB_DEL);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('End');
  await expect(page.getByTestId('verdict')).toContainText(/dropped/i);
  await expect(page).toHaveURL(/#v1=/);
  const link = await copiedLink(page);
  expect(link).toMatch(/#v1=[A-Za-z0-9_-]+$/);

  // Compare: before delivered, after dropped, parting at the VXLAN device.
  await page.getByRole('button', { name: 'Compare before and after' }).click();
  const summary = page.getByTestId('compare-summary');
  await expect(summary).toContainText('delivered → dropped');
  await expect(summary).toContainText(/part at step \d+/);
  await expect(page.locator('[data-testid="compare-view"] tr[data-part="true"]')).toHaveCount(1);

  const other = await browser.newContext();
  const fresh = await other.newPage();
  await fresh.goto(link);
  await ready(fresh);
  await expect(fresh.getByTestId('changes-list')).toContainText(FDB_DEL);
  await fresh.keyboard.press('End');
  await expect(fresh.getByTestId('verdict')).toContainText(/dropped/i);
  // Undo brings the journey back. End is ignored while the flow is being traced again, so press it
  // until the new journey is there.
  await fresh.getByRole('button', { name: `Undo "${FDB_DEL}" in node-64-216` }).click();
  await expect(async () => {
    await fresh.keyboard.press('End');
    await expect(fresh.getByTestId('verdict')).toContainText(/delivered/i, { timeout: 1000 });
  }).toPass();
  await expect(fresh).not.toHaveURL(/#v1=/);
  await other.close();
  expect(errors).toEqual([]);
});

test('the editor recomputes as the learner types and marks errors at their line', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b');
  await ready(page);
  await page.getByRole('button', { name: 'Tools', exact: true }).click();
  await page.getByRole('button', { name: 'Edit scenario' }).click();
  const editor = page.locator('.cm-content');
  await expect(editor).toContainText('id: flannel-vxlan');
  await page.getByTestId('editor-status').waitFor();
  await editor.click();
  // A syntax error at line 2: shown inline and in the status line.
  await selectLine(page, 'id: flannel-vxlan');
  await page.keyboard.type('id: [flannel');
  await expect(page.getByTestId('editor-status')).toHaveText(/^Line \d+:/);
  await expect(page.locator('.cm-lintRange-error').first()).toBeVisible();
  await selectLine(page, 'id: [flannel');
  await page.keyboard.type('id: flannel-vxlan');
  await expect(page.getByTestId('editor-status')).toHaveText(/Valid/);

  // An edit that turns forwarding off on node-64-216: the journey is traced again and ends dropped.
  await selectLine(page, '- sysctl -w net.ipv4.ip_forward=1');
  await page.keyboard.type('      - sysctl -w net.ipv4.ip_forward=0');
  await expect(page.getByTestId('editor-status')).toHaveText(/Valid/);
  await expect(page).toHaveURL(/#v1=/);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  // End pressed while the edited world is still being traced is ignored: press until it lands.
  await expect(async () => {
    await page.keyboard.press('End');
    await expect(page.getByTestId('verdict')).toContainText(/dropped/i, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  expect(errors).toEqual([]);
});

test('the embed view renders the canvas, the controls and one panel', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b&step=30&embed=1&panel=headers');
  await expect(page.getByTestId('embed-view')).toBeVisible();
  await ready(page);
  await expect(counter(page)).toHaveText(/^Step 31 \//);
  await expect(page.locator('section[data-panel="headers"]')).toBeVisible();
  await expect(page.locator('section[data-panel="routes"]')).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('the embed dialog offers an iframe snippet', async ({ page }) => {
  await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b&step=4');
  await ready(page);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.getByRole('button', { name: 'Embed', exact: true }).click();
  await expect(page.getByTestId('embed-snippet')).toHaveValue(
    /^<iframe src="http[^"]+embed=1&amp;panel=headers"/,
  );
});

test('exports download PNG, SVG, JSON, pcapng and YAML', async ({ page }) => {
  await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b&step=4');
  await ready(page);
  for (const [label, name] of [
    ['Canvas as PNG', /step4\.png$/],
    ['Canvas as SVG', /step4\.svg$/],
    ['Trace as JSON', /\.trace\.json$/],
    ['Captures as pcapng', /\.pcapng$/],
    ['Scenario as YAML', /^flannel-vxlan\.yaml$/],
  ] as const) {
    // Export is in the Share menu, which closes (with its list) once a download ran.
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await page.getByText('Export', { exact: true }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: label }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(name);
  }
});

test.describe('untrusted input ends in a clear error, never a blank page', () => {
  test('a truncated link', async ({ page }) => {
    const errors = watchErrors(page);
    const link = await editsLink({ execs: [{ netns: 'node-64-216', line: FDB_DEL }] }, '?s=flannel-vxlan');
    await page.goto(link.slice(0, link.length - 12));
    await expect(page.getByTestId('link-error')).toContainText(
      /truncated or damaged|not valid JSON|base64url/,
    );
    await ready(page);
    expect(errors).toEqual([]);
  });

  test('invalid UTF-8 in a link', async ({ page }) => {
    const hash = `v1=${toBase64Url(await deflate(new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0xff, 0x7d])))}`;
    await page.goto(`/?s=flannel-vxlan#${hash}`);
    await expect(page.getByTestId('link-error')).toContainText('UTF-8');
    await ready(page);
  });

  test('a YAML alias bomb', async ({ page }) => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`,
      );
    }
    await page.goto(await editsLink({ yaml: `${lines.join('\n')}\n` }));
    await expect(page.getByRole('alert').filter({ hasText: /alias/i }).first()).toBeVisible();
    await page.getByRole('button', { name: 'Tools', exact: true }).click();
    await page.getByRole('button', { name: 'Edit scenario' }).click();
    await expect(page.getByTestId('editor-status')).toHaveText(/alias/i);
  });

  test('a 50 MB paste into the editor and into the import dialog', async ({ page }) => {
    await page.goto('/?s=flannel-vxlan');
    await ready(page);
    await page.getByRole('button', { name: 'Tools', exact: true }).click();
    await page.getByRole('button', { name: 'Edit scenario' }).click();
    await expect(page.locator('.cm-content')).toContainText('id: flannel-vxlan');
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.setData('text/plain', 'x'.repeat(50 * 1024 * 1024));
      document
        .querySelector('.cm-content')!
        .dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    });
    await expect(page.getByTestId('editor-status')).toHaveText(/Not pasted: 50\.0 MB/);
    await expect(page.locator('.cm-content')).toContainText('id: flannel-vxlan');

    await page.getByRole('button', { name: 'Tools', exact: true }).click();
    await page.getByRole('button', { name: 'Import from a node' }).click();
    const big = path.join(tmpdir(), `pj-50mb-${process.pid}.txt`);
    writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, 0x61));
    await page.locator('dialog input[type=file]').setInputFiles(big);
    await expect(page.getByTestId('import-error')).toContainText('50.0 MB is more than the 1.0 MB allowed');
    await expect(counter(page)).toBeVisible();
  });

  test('invalid UTF-8 in a file', async ({ page }) => {
    await page.goto('/?s=flannel-vxlan');
    await page.getByRole('button', { name: 'Tools', exact: true }).click();
    await page.getByRole('button', { name: 'Import from a node' }).click();
    await page.locator('dialog input[type=file]').setInputFiles({
      name: 'bad.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from([0x23, 0x23, 0xff, 0xfe, 0x0a]),
    });
    await expect(page.getByTestId('import-error')).toContainText('not valid UTF-8');
  });

  test('a machine name with markup shows as text', async ({ page }) => {
    const errors = watchErrors(page);
    const evil = '<img src=x onerror=alert(1)>';
    const yaml = `version: 1\nid: evil\ngroup: Basics\nconcept: {en: x, zh: x}\ntitle: {en: x, zh: x}\ndescription: {en: x, zh: x}\nmachines:\n  "${evil}":\n    setup: []\n`;
    await page.goto(await editsLink({ yaml }));
    const alert = page.getByRole('alert').filter({ hasText: evil }).first();
    await expect(alert).toBeVisible();
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    expect(errors.filter((e) => e.startsWith('dialog'))).toEqual([]);
  });

  test('a routing loop ends in an explained drop', async ({ page }) => {
    const yaml = [
      'version: 1',
      'id: routing-loop',
      'group: Troubleshooting',
      'concept: {en: a loop, zh: 环路}',
      'title: {en: Two routers that point at each other, zh: 互指的两台路由器}',
      'description: {en: r1 and r2 each send 10.99.0.0/16 to the other, zh: 环路}',
      'segments: {lan: {}}',
      'machines:',
      '  r1:',
      '    nics: [{name: eth0, segment: lan, addr: 10.0.0.1/24}]',
      '    setup: [sysctl -w net.ipv4.ip_forward=1, ip route add 10.99.0.0/16 via 10.0.0.2]',
      '  r2:',
      '    nics: [{name: eth0, segment: lan, addr: 10.0.0.2/24}]',
      '    setup: [sysctl -w net.ipv4.ip_forward=1, ip route add 10.99.0.0/16 via 10.0.0.1]',
      'flows:',
      '  - {id: r1-ping-loop, netns: r1, command: ping -c 1 10.99.1.1, title: {en: into the loop, zh: 环路}}',
      '',
    ].join('\n');
    await page.goto(await editsLink({ yaml }));
    await ready(page);
    await page.keyboard.press('End');
    await expect(page.getByTestId('verdict')).toContainText(/dropped/i);
    await expect(page.getByTestId('verdict')).toContainText(/TTL/);
  });
});
