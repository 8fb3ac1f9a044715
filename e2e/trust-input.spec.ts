/**
 * Issue 15, input paths and messages: 50 MB typed or dropped into the import box (or dropped into
 * the editor) is refused by its size with a clear message and never blocks the page; the unclear
 * messages of the issue now say what is not modelled or allowed. CSP is checked on every page.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

test.describe.configure({ timeout: 120_000 });

const counter = (page: Page) => page.getByTestId('step-counter');
const ready = (page: Page) => expect(counter(page)).toHaveText(/Step [1-9]\d* \/ [1-9]/, { timeout: 30_000 });
const MB50 = 50 * 1024 * 1024;

async function openImport(page: Page) {
  await page.getByRole('button', { name: 'Tools', exact: true }).click();
  await page.getByRole('button', { name: 'Import from a node' }).click();
  await expect(page.locator('dialog textarea')).toBeVisible();
}

/** Longest main-thread stall, in ms, while `run` works: a 50 ms heartbeat in the page. */
async function longestStall(page: Page, run: () => Promise<unknown>): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { __beat: { last: number; worst: number; id: number } };
    w.__beat = { last: performance.now(), worst: 0, id: 0 };
    w.__beat.id = window.setInterval(() => {
      const now = performance.now();
      w.__beat.worst = Math.max(w.__beat.worst, now - w.__beat.last);
      w.__beat.last = now;
    }, 50);
  });
  await run();
  await page.waitForTimeout(300);
  return page.evaluate(() => {
    const w = window as unknown as { __beat: { worst: number; id: number } };
    clearInterval(w.__beat.id);
    return w.__beat.worst;
  });
}

test('50 MB typed into the import box is refused before it lands, without blocking the page', async ({
  page,
}) => {
  await page.goto('/?s=flannel-vxlan');
  await ready(page);
  await openImport(page);
  const box = page.locator('dialog textarea');
  await box.focus();
  const stall = await longestStall(page, () => page.keyboard.insertText('a'.repeat(MB50)));
  await expect(page.getByTestId('import-error')).toHaveText(
    'Not inserted: 50.0 MB is more than the 1.0 MB an import may have.',
  );
  await expect(box).toHaveValue('');
  expect(stall).toBeLessThan(2000);
  // Ordinary typing still works.
  await box.pressSequentially('### node: n1');
  await expect(box).toHaveValue('### node: n1');
});

test('50 MB dropped into the import box, as text or as a file, is refused by its size', async ({ page }) => {
  await page.goto('/?s=flannel-vxlan');
  await ready(page);
  await openImport(page);
  // The 50 MB are made first (that is the test's cost, not the page's); only the drops are timed.
  await page.evaluate((n) => {
    const asText = new DataTransfer();
    asText.setData('text/plain', 'b'.repeat(n));
    const asFile = new DataTransfer();
    asFile.items.add(new File([new Uint8Array(n)], 'node1.txt', { type: 'text/plain' }));
    (window as unknown as { __drops: DataTransfer[] }).__drops = [asText, asFile];
  }, MB50);
  const stall = await longestStall(page, () =>
    page.evaluate(() => {
      const box = document.querySelector('dialog textarea')!;
      for (const dataTransfer of (window as unknown as { __drops: DataTransfer[] }).__drops)
        box.dispatchEvent(new DragEvent('drop', { dataTransfer, bubbles: true, cancelable: true }));
    }),
  );
  await expect(page.getByTestId('import-error')).toHaveText(
    'Not inserted: 50.0 MB is more than the 1.0 MB an import may have.',
  );
  await expect(page.locator('dialog textarea')).toHaveValue('');
  expect(stall).toBeLessThan(2000);

  // A file within the cap, dropped, is read and converted.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['### node: n1\n'], 'n1.txt', { type: 'text/plain' }));
    document
      .querySelector('dialog textarea')!
      .dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.getByText('n1: no NICs in ip -j -d link')).toBeVisible();
});

test('a 50 MB file dropped into the editor is refused by its size', async ({ page }) => {
  await page.goto('/?s=flannel-vxlan');
  await ready(page);
  await page.getByRole('button', { name: 'Tools', exact: true }).click();
  await page.getByRole('button', { name: 'Edit scenario' }).click();
  await expect(page.locator('.cm-content')).toContainText('id: flannel-vxlan');
  await page.evaluate((n) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(n)], 'big.yaml', { type: 'text/yaml' }));
    document
      .querySelector('.cm-content')!
      .dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, MB50);
  await expect(page.getByTestId('editor-status')).toHaveText(
    'Not dropped: 50.0 MB is more than the 1.0 MB a scenario may have.',
  );
  await expect(page.locator('.cm-content')).toContainText('id: flannel-vxlan');
});

test('the unclear messages now say what is not modelled or allowed', async ({ page }) => {
  await page.goto('/?s=flannel-host-gw&f=pod1-ping-pod3');
  await ready(page);
  const terminal = page.locator('section[data-panel="terminal"]');
  await terminal.locator('select').selectOption('A');
  const run = async (line: string) => {
    await terminal.locator('input').fill(line);
    await terminal.locator('input').press('Enter');
    await expect(terminal.getByRole('log')).toContainText(`A # ${line}`);
  };
  const log = terminal.getByRole('log');
  await run('ip link add link eth0 name v5 type vlan id 5');
  await expect(log).toContainText('VLAN (802.1Q) devices (type vlan) are not modelled by Packet Journey');
  await run('ping -c 1000000 10.1.16.2');
  await expect(log).toContainText("ping: invalid argument: '1000000' for -c: Packet Journey allows 1 to 100");
  await run('iptables -A FORWARD -j DNAT --to-destination 1.2.3.4');
  // The kernel's own words first, then what they mean.
  await expect(log).toContainText('RULE_APPEND failed (Invalid argument): rule in chain FORWARD');
  await expect(log).toContainText('DNAT is only valid in the nat table');

  await page.getByRole('button', { name: 'Tools', exact: true }).click();
  await page.getByRole('button', { name: 'Edit scenario' }).click();
  await expect(page.locator('.cm-content')).toContainText('id: flannel-host-gw');
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.setData('text/plain', `x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    document
      .querySelector('.cm-content')!
      .dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  const status = page.getByTestId('editor-status');
  await expect(status).toContainText('nests more than 64 levels deep', { timeout: 30_000 });
  await expect(status).not.toContainText('Maximum call stack');
});
