/**
 * Issue 15, links never lose work: edits too large for a link become a local draft (said so,
 * offered as a file, restored on reload, discardable), Copy link never hands out a link that cannot
 * open, unparsed editor text and the terminal survive a reload, and a link's failing command is
 * skipped with a warning while the rest still traces. Every page is checked for CSP violations.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { encodeEdits } from '../src/app/share/link';
import { expect, test } from './fixtures';

test.describe.configure({ timeout: 120_000 });

const counter = (page: Page) => page.getByTestId('step-counter');
const ready = (page: Page) => expect(counter(page)).toHaveText(/Step [1-9]\d* \/ [1-9]/, { timeout: 30_000 });

async function openEditor(page: Page) {
  await page.getByRole('button', { name: 'Tools', exact: true }).click();
  await page.getByRole('button', { name: 'Edit scenario' }).click();
  await expect(page.getByTestId('editor-status')).toHaveText(/Valid/, { timeout: 30_000 });
}

/** Pastes `text` at the editor's cursor (the start of the document) as a clipboard paste would. */
async function pasteIntoEditor(page: Page, text: string) {
  await page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    document
      .querySelector('.cm-content')!
      .dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
}

/** The text of the file the button in `where` downloads. */
async function downloaded(page: Page, button: ReturnType<Page['getByRole']>): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return readFileSync((await file.path())!, 'utf8');
}

test('edits too large for a link become a local draft: said, offered as a file, restored, discarded', async ({
  page,
}) => {
  await page.goto('/?s=flannel-host-gw&f=pod1-ping-pod3');
  await ready(page);
  await openEditor(page);
  // 150,000 random hex digits in a comment: deflate cannot shrink them under the 64 KB cap.
  const noise = await page.evaluate(() =>
    Array.from({ length: 150_000 }, () => Math.floor(Math.random() * 16).toString(16)).join(''),
  );
  await pasteIntoEditor(page, `# ${noise}\n`);
  await expect(page.getByTestId('editor-status')).toHaveText(/Valid/, { timeout: 30_000 });

  // Not a silent write: the address bar names a draft and the page says why.
  const notice = page.getByTestId('draft-notice');
  await expect(notice).toContainText('Your edits no longer fit in a link');
  await expect(notice).toContainText('at most 65536');
  await expect(page).toHaveURL(/#draft=[0-9a-f]{12}$/);
  expect(page.url().length).toBeLessThan(500);
  const file = await downloaded(page, notice.getByRole('button', { name: 'Download the scenario (.yaml)' }));
  expect(file).toContain(noise);
  expect(file).toContain('id: flannel-host-gw');

  // Copy link refuses, says why, and offers the file instead.
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByTestId('share-too-long')).toContainText(/No link copied: .* more than the 65536/);
  await expect(page.getByTestId('share-link')).toHaveCount(0);
  await page.getByRole('button', { name: 'Dismiss' }).last().click();

  // A reload restores the draft, says so, and still traces the edited scenario.
  await page.reload();
  await ready(page);
  const restored = page.getByTestId('draft-notice');
  await expect(restored).toContainText('Restored your local draft');
  await expect(page.getByTestId('link-error')).toHaveCount(0);
  expect(
    await downloaded(page, restored.getByRole('button', { name: 'Download the scenario (.yaml)' })),
  ).toContain(noise);

  // Discard: the built-in scenario again, no hash, no draft kept.
  await restored.getByRole('button', { name: 'Discard the draft' }).click();
  await expect(page.getByTestId('draft-notice')).toHaveCount(0);
  await expect(page).not.toHaveURL(/#/);
  await ready(page);
  const drafts = await page.evaluate(
    () => Object.keys(localStorage).filter((k) => k.startsWith('packet-journey:draft:')).length,
  );
  expect(drafts).toBe(0);
});

test('a link naming a draft this browser lacks says why and opens without the edits', async ({ page }) => {
  await page.goto('/?s=flannel-host-gw&f=pod1-ping-pod3#draft=0123456789ab');
  await expect(page.getByTestId('link-error')).toContainText('a local draft (0123456789ab)');
  await ready(page);
});

test('unparsed editor text and the terminal survive a reload', async ({ page }) => {
  await page.goto('/?s=flannel-vxlan&f=pod-a-ping-pod-b');
  await ready(page);
  const terminal = page.locator('section[data-panel="terminal"]');
  await terminal.locator('input').fill('ip route');
  await terminal.locator('input').press('Enter');
  const log = terminal.getByRole('log');
  await expect(log).toContainText('# ip route');
  await expect(log).toContainText('dev');
  const before = await log.textContent();

  await openEditor(page);
  await pasteIntoEditor(page, 'machines: [\n');
  await expect(page.getByTestId('editor-status')).toHaveText(/^Line \d+:/, { timeout: 30_000 });

  await page.reload();
  await ready(page);
  // The editor reopens on the text that did not load, says so, and marks the error again.
  await expect(page.getByTestId('editor-restored')).toContainText('Restored the text you were editing');
  await expect(page.locator('.cm-content')).toContainText('machines: [');
  await expect(page.getByTestId('editor-status')).toHaveText(/^Line \d+:/, { timeout: 30_000 });
  // The terminal's scrollback and history are back.
  // textContent: the panel may be off screen under the reopened editor (innerText needs it laid out).
  await expect.poll(() => terminal.getByRole('log').textContent()).toBe(before);
  await expect(terminal.getByRole('log')).toContainText('# ip route');
  await terminal.locator('input').press('ArrowUp');
  await expect(terminal.locator('input')).toHaveValue('ip route');

  await page.getByTestId('editor-restored').getByRole('button', { name: 'Discard it' }).click();
  await expect(page.getByTestId('editor-status')).toHaveText(/Valid/, { timeout: 30_000 });
  await expect(page.locator('.cm-content')).not.toContainText('machines: [');
});

test('a link whose commands fail skips them with the tool’s error and still traces', async ({ page }) => {
  const hash = await encodeEdits({
    yaml: null,
    execs: [
      { netns: 'A', line: 'ip roue add 10.9.0.0/16 dev eth0' },
      { netns: 'nowhere', line: 'ip link' },
      { netns: 'A', line: 'ip route add 10.9.0.0/16 dev eth0' },
    ],
  });
  await page.goto(`/?s=flannel-host-gw&f=pod1-ping-pod3#${hash}`);
  await ready(page);
  const skipped = page.getByTestId('skipped-changes');
  await expect(skipped).toContainText('Skipped 2 change(s)');
  await expect(skipped).toContainText(
    'A # ip roue add 10.9.0.0/16 dev eth0: Object "roue" is unknown, try "ip help".',
  );
  await expect(skipped).toContainText('nowhere # ip link: no netns "nowhere"');
  await expect(page.getByTestId('link-error')).toHaveCount(0);
  // The change that works is applied: it shows in the terminal's world.
  const terminal = page.locator('section[data-panel="terminal"]');
  await terminal.locator('select').selectOption('A');
  await terminal.locator('input').fill('ip route');
  await terminal.locator('input').press('Enter');
  await expect(terminal.getByRole('log')).toContainText('10.9.0.0/16 dev eth0');
});
