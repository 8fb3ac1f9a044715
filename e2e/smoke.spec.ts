import { expect, test } from '@playwright/test';

test('the page loads and shows the Packet Journey heading', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto('/');
  await expect(page).toHaveTitle(/Packet Journey/);
  await expect(page.getByRole('heading', { level: 1, name: 'Packet Journey' })).toBeVisible();
  expect(errors).toEqual([]);
});
