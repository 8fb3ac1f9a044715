import { expect, test } from './fixtures';

test('the page loads and shows the Packet Journey heading', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto('/');
  await expect(page).toHaveTitle(/Packet Journey/);
  await expect(page.getByRole('heading', { level: 1, name: 'Packet Journey' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('a bare link opens flannel-host-gw with pod1 pinging pod3 on the other host, delivered at the end', async ({
  page,
}) => {
  // A return visit: a first one starts the guided path at lesson 1 instead (teach.spec.ts).
  await page.addInitScript(() => window.localStorage.setItem('packet-journey.welcomed.v1', '1'));
  await page.goto('/');
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('flannel-host-gw');
  await expect(page.getByRole('combobox', { name: 'Flow' })).toHaveValue('pod1-ping-pod3');
  await expect(page).toHaveURL(/[?&]f=pod1-ping-pod3(&|$)/);
  const counter = page.getByTestId('step-counter');
  await expect(counter).toHaveText(/^Step 1 \/ \d+$/);
  const total = Number((await counter.innerText()).split('/ ')[1]);
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('End');
  await expect(counter).toHaveText(`Step ${total} / ${total}`);
  // The last event is the echo reply delivered back in pod1.
  await expect(page.getByRole('region', { name: 'Explanation' })).toContainText('pod1');
  await expect(page.getByTestId('verdict')).toContainText(/delivered/i);
});
