import { expect, test } from '@playwright/test';
import { addPhotos, chooseOperation, fixture, jobRow, waitForStatus } from './support/app.ts';
import { storedJobs } from './support/ui.ts';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Kintsugi' })).toBeVisible();
});

test('a failed job says why in plain words, and Retry runs it again as a new job', async ({
  page,
}) => {
  await chooseOperation(page, 'Upscale ×2');
  await addPhotos(page, [fixture('corrupt.png')]);
  await waitForStatus(page, 'corrupt.png', 'failed', 30_000);
  const first = jobRow(page, 'corrupt.png');
  await expect(first.getByRole('alert')).toContainText(
    'This file could not be read as an image (image/png, 264 bytes). It may be damaged',
  );

  await first.getByRole('button', { name: 'Retry' }).click();
  const rows = page.getByRole('listitem', { name: 'corrupt.png' });
  await expect(rows).toHaveCount(2);
  await expect(
    page.getByText('corrupt.png was added again with the same photo and choices.'),
  ).toBeVisible();
  for (const row of await rows.all()) {
    await expect(row).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  }
  // A new job with its own id and the same input and spec; the failed one stays as it was.
  const [failed, retried] = await storedJobs(page, 'corrupt.png');
  expect(retried?.id).not.toBe(failed?.id);
  expect(retried?.spec).toEqual(failed?.spec);
  expect(retried?.spec.operations).toEqual([{ type: 'enhance', params: { scale: 2 } }]);
});

test('history filters by status and operation, shows thumbnails and storage, deletes, and survives a reload', async ({
  page,
}) => {
  await chooseOperation(page, 'Upscale ×2');
  await addPhotos(page, [fixture('corrupt.png'), fixture('photo-small-64.png')]);
  await chooseOperation(page, 'Upscale ×4');
  await addPhotos(page, [fixture('photo-small-32.png')]);
  await waitForStatus(page, 'corrupt.png', 'failed', 30_000);
  await waitForStatus(page, 'photo-small-64.png', 'completed');
  await waitForStatus(page, 'photo-small-32.png', 'completed');

  const corrupt = jobRow(page, 'corrupt.png');
  const x2 = jobRow(page, 'photo-small-64.png');
  const x4 = jobRow(page, 'photo-small-32.png');

  // A thumbnail of the photo, from its stored Blob once the row is in view, at a fraction of
  // its size on screen.
  await x2.scrollIntoViewIfNeeded();
  const thumb = x2.locator('.thumb img');
  await expect(thumb).toHaveAttribute('src', /^blob:/);
  await expect(thumb).toHaveAttribute('loading', 'lazy');
  expect(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
  expect((await thumb.boundingBox())!.width).toBeLessThan(64);

  const summary = page.getByRole('status').filter({ hasText: /^3 jobs\./ });
  await expect(summary).toContainText(/Photos and results take [\d.]+ KB; everything stored here/);
  await expect(summary).toContainText(/is [\d.]+ [KMG]B of the [\d.]+ [KMG]B the browser allows/);

  const status = page.getByRole('combobox', { name: 'Show status' });
  const operation = page.getByRole('combobox', { name: 'Show operation' });
  await status.selectOption({ label: 'Failed' });
  await expect(corrupt).toBeVisible();
  await expect(x2).toHaveCount(0);
  await expect(x4).toHaveCount(0);
  await expect(page.getByText('1 of 3 jobs shown')).toBeVisible();
  await status.selectOption({ label: 'Done' });
  await expect(corrupt).toHaveCount(0);
  await expect(x2).toBeVisible();
  await expect(x4).toBeVisible();

  await status.selectOption({ label: 'All' });
  await expect(operation.getByRole('option')).toHaveText(['All', 'Upscale ×2', 'Upscale ×4']);
  await operation.selectOption({ label: 'Upscale ×4' });
  await expect(x4).toBeVisible();
  await expect(x2).toHaveCount(0);
  await expect(corrupt).toHaveCount(0);
  await operation.selectOption({ label: 'Upscale ×2' });
  await expect(x2).toBeVisible();
  await expect(corrupt).toBeVisible();
  await expect(x4).toHaveCount(0);
  await operation.selectOption({ label: 'All' });

  await x2.getByRole('button', { name: 'Delete' }).click();
  await expect(x2).toHaveCount(0);
  expect(await storedJobs(page, 'photo-small-64.png')).toEqual([]);

  await page.reload();
  await expect(jobRow(page, 'photo-small-32.png')).toHaveAttribute('data-status', 'completed');
  await expect(jobRow(page, 'corrupt.png')).toHaveAttribute('data-status', 'failed');
  await expect(jobRow(page, 'photo-small-64.png')).toHaveCount(0);
});
