/**
 * Issue 15, the service worker: its cache is named by the build's contents (a hash of every
 * precached file, recomputed here from what the server sends), and a part of the page that fails to
 * load (a new build replaced it) offers a reload instead of a click that does nothing. How a new
 * build keeps the old one's files for open tabs is tested in test/service-worker.test.ts.
 */
import { contentVersion } from '../scripts/sw-plugin';
import { expect, test } from './fixtures';

test.describe.configure({ timeout: 120_000 });

test('the cache is versioned by the contents of the files it precaches', async ({ page, request }) => {
  await page.goto('/?s=flannel-vxlan');
  const sw = await (await request.get('/sw.js')).text();
  const version = /const VERSION = '([0-9a-f]{16})'/.exec(sw)?.[1];
  const files = JSON.parse(/const FILES = (\[.*\]);/.exec(sw)![1]!) as string[];
  const contents = [];
  for (const f of files.filter((f) => f !== './')) {
    const body = await (await request.get(f.replace(/^\.\//, '/'))).body();
    contents.push({ name: f.replace(/^\.\//, ''), content: new Uint8Array(body) });
  }
  expect(version).toBe(contentVersion(contents));
  const keys = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    for (
      let i = 0;
      i < 100 && !(await caches.keys()).some((k) => /^packet-journey-[0-9a-f]{16}$/.test(k));
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    return caches.keys();
  });
  expect(keys).toContain(`packet-journey-${version}`);
});

test.describe('a part that no longer loads', () => {
  // The page's own requests, not the service worker's cache: the chunk is gone as after a new build.
  test.use({ serviceWorkers: 'block' });

  test('offers a reload, and the reload brings the part back', async ({ page }) => {
    let gone = true;
    await page.route('**/assets/ScenarioEditor-*.js', (route) =>
      gone
        ? route.fulfill({ status: 404, contentType: 'text/html', body: '<!doctype html><title>404</title>' })
        : route.continue(),
    );
    await page.goto('/?s=flannel-vxlan');
    await expect(page.getByTestId('step-counter')).toHaveText(/Step [1-9]/, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Tools', exact: true }).click();
    await page.getByRole('button', { name: 'Edit scenario' }).click();
    const offer = page.getByTestId('reload-offer');
    await expect(offer).toContainText('part of this page can no longer load');
    // The rest of the page still works.
    await expect(page.getByTestId('step-counter')).toBeVisible();
    gone = false;
    await offer.getByRole('button', { name: 'Reload' }).click();
    await expect(page.getByTestId('step-counter')).toHaveText(/Step [1-9]/, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Tools', exact: true }).click();
    await page.getByRole('button', { name: 'Edit scenario' }).click();
    await expect(page.locator('.cm-content')).toContainText('id: flannel-vxlan', { timeout: 30_000 });
  });
});
