import { expect, test } from '@playwright/test';
import {
  addPhotos,
  chooseOperation,
  downloadResult,
  fixture,
  waitForStatus,
} from './support/app.ts';

test('with the network cut, a reload still loads the app and a ×4 job completes', async ({
  page,
  context,
}) => {
  await page.goto('/');
  // The first load is not controlled by the service worker; wait until it has precached all.
  await expect(page.getByText('Ready to work offline')).toBeVisible({ timeout: 60_000 });
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Kintsugi' })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await chooseOperation(page, 'Upscale ×4');
  await addPhotos(page, [fixture('photo-small-32.png')]);
  await waitForStatus(page, 'photo-small-32.png', 'completed');
  const { image } = await downloadResult(page);
  expect([image.width, image.height]).toEqual([128, 128]);
});
