import { expect, test } from '@playwright/test';
import { addPhotos, chooseOperation, fixture, jobRow, waitForStatus } from './support/app.ts';
import { storedJobs } from './support/ui.ts';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Kintsugi' })).toBeVisible();
});

test('a failed job says why and what to do; Retry only where it can help, and runs it again as a new job', async ({
  page,
}) => {
  await chooseOperation(page, 'Upscale ×2');
  await addPhotos(page, [fixture('corrupt.png')]);
  await waitForStatus(page, 'corrupt.png', 'failed', 30_000);
  const corrupt = jobRow(page, 'corrupt.png');
  await expect(corrupt.getByRole('alert')).toContainText(
    'This file could not be read as an image (image/png, 264 bytes). It may be damaged',
  );
  // Running a file that is not an image again would fail the same way: no Retry, but what to do.
  await expect(corrupt.getByRole('alert')).toContainText(
    'Open the file in another app, save it as PNG or JPEG, and add that.',
  );
  await expect(corrupt.getByRole('button', { name: 'Retry' })).toHaveCount(0);

  // A 21-byte file that only claims to be a PNG: the same.
  const fake = Buffer.from('not an image, really.');
  expect(fake.length).toBe(21);
  await addPhotos(page, [{ name: 'fake.png', mimeType: 'image/png', buffer: fake }]);
  await waitForStatus(page, 'fake.png', 'failed', 30_000);
  await expect(jobRow(page, 'fake.png').getByRole('alert')).toContainText('save it as PNG or JPEG');
  await expect(jobRow(page, 'fake.png').getByRole('button', { name: 'Retry' })).toHaveCount(0);

  // Retry where it helps: a job canceled while it waited.
  await chooseOperation(page, 'Upscale ×4');
  await addPhotos(page, [fixture('photo-wide-300x200.png')]);
  await chooseOperation(page, 'Upscale ×2');
  await addPhotos(page, [fixture('photo-small-32.png')]);
  const waiting = jobRow(page, 'photo-small-32.png');
  await expect(waiting).toHaveAttribute('data-status', 'queued');
  await waiting.getByRole('button', { name: 'Cancel' }).click();
  await expect(waiting).toHaveAttribute('data-status', 'canceled');
  await jobRow(page, 'photo-wide-300x200.png').getByRole('button', { name: 'Cancel' }).click();

  await waiting.getByRole('button', { name: 'Retry' }).click();
  const rows = page.getByRole('listitem', { name: 'photo-small-32.png' });
  await expect(rows).toHaveCount(2);
  await expect(
    page.getByText('photo-small-32.png was added again with the same photo and choices.'),
  ).toBeVisible();
  // A new job with its own id and the same input and spec; the canceled one stays as it was.
  const [canceled, retried] = await storedJobs(page, 'photo-small-32.png');
  expect(canceled?.status).toBe('canceled');
  expect(retried?.id).not.toBe(canceled?.id);
  expect(retried?.spec).toEqual(canceled?.spec);
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

  // A thumbnail of the result (128×128 here), read from its stored Blob once the row is in
  // view and scaled down to 96 px, at a fraction of that size on screen; a failed job shows its
  // photo, or nothing when the photo cannot be read.
  await x2.scrollIntoViewIfNeeded();
  const thumb = x2.locator('.thumb img');
  await expect(thumb).toHaveAttribute('src', /^blob:/);
  await expect(thumb).toHaveAttribute('loading', 'lazy');
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(96);
  expect((await thumb.boundingBox())!.width).toBeLessThan(64);
  await x4.scrollIntoViewIfNeeded();
  await expect(x4.locator('.thumb img')).toHaveAttribute('src', /^blob:/);
  await expect
    .poll(() => x4.locator('.thumb img').evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBe(96);
  await corrupt.scrollIntoViewIfNeeded();
  await expect(corrupt.locator('.thumb img')).toHaveCount(0);

  // Filters and storage are folded under the rows; a person opens them to tidy up.
  await page.getByText('Filter and storage').click();
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

  // Deleted at once on screen; from storage once its Undo has run out.
  await x2.getByRole('button', { name: 'Delete' }).click();
  await expect(x2).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: /^2 jobs\./ })).toBeVisible();
  const undo = page.getByRole('button', { name: 'Undo deleting photo-small-64.png' });
  await expect(undo).toBeVisible();
  await expect(undo).toHaveCount(0, { timeout: 15_000 });
  await expect.poll(() => storedJobs(page, 'photo-small-64.png')).toEqual([]);

  await page.reload();
  await expect(jobRow(page, 'photo-small-32.png')).toHaveAttribute('data-status', 'completed');
  await expect(jobRow(page, 'corrupt.png')).toHaveAttribute('data-status', 'failed');
  await expect(jobRow(page, 'photo-small-64.png')).toHaveCount(0);
});
