import { expect, test } from '@playwright/test';
import manifest from '../models/manifest.json' with { type: 'json' };
import {
  addPhotos,
  chooseOperation,
  downloadResult,
  fixture,
  waitForStatus,
} from './support/app.ts';

const X3 = 'ESRGAN medium ×3 (idealo RDN)';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText('Ready to work offline')).toBeVisible({ timeout: 60_000 });
  // What the first job needs (the engine, the default upscaler, which ×3 runs on a processor)
  // is fetched after the shell: on the device once the page lists Upscale as working offline.
  await expect(page.getByTestId('ready-offline').locator('summary')).toContainText(
    /Works offline now: .*\bUpscale\b/,
    { timeout: 60_000 },
  );
  await page.reload();
  await page.getByText('Settings').click();
});

test('a model made available offline runs with the network cut', async ({ page, context }) => {
  const row = page.locator('tr', { hasText: X3 });
  await expect(row).toHaveAttribute('data-state', 'online');
  await row.getByRole('button', { name: `Make ${X3} available offline` }).click();
  await expect(row).toHaveAttribute('data-state', 'kept', { timeout: 60_000 });
  await expect(page.getByText(/This app uses .* MB of the/)).toBeVisible();

  await context.setOffline(true);
  await page.reload();
  await chooseOperation(page, 'Upscale ×3');
  await addPhotos(page, [fixture('photo-small-32.png')]);
  await waitForStatus(page, 'photo-small-32.png', 'completed');
  const { image } = await downloadResult(page);
  expect([image.width, image.height]).toEqual([96, 96]);
});

test('a damaged download is refused with its reason and never kept', async ({ page }) => {
  await page.route('**/models/esrgan-medium-x3.*.onnx', async (route) => {
    const original = await route.fetch();
    const bytes = Buffer.from(await original.body());
    bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0xff, bytes.length >> 1); // one flipped byte
    await route.fulfill({ response: original, body: bytes });
  });
  const row = page.locator('tr', { hasText: X3 });
  await row.getByRole('button', { name: `Make ${X3} available offline` }).click();
  await expect(row.getByRole('alert')).toContainText('sha256 does not match');
  await expect(row).toHaveAttribute('data-state', 'online');
});

test('a kept copy that went bad is thrown away and fetched again, never run', async ({ page }) => {
  await chooseOperation(page, 'Upscale anime ×4');
  await addPhotos(page, [fixture('photo-small-64.png')]);
  await waitForStatus(page, 'photo-small-64.png', 'completed');
  // The anime model is now kept; damage the kept copy in place.
  const damaged = await page.evaluate(async () => {
    const cache = await caches.open('kintsugi-models-v1');
    for (const request of await cache.keys()) {
      if (!request.url.includes('realesr-animevideov3-x4')) continue;
      const bytes = new Uint8Array(await (await cache.match(request))!.arrayBuffer());
      bytes[100] = bytes[100]! ^ 0xff;
      await cache.put(request, new Response(bytes));
      return request.url;
    }
    return null;
  });
  expect(damaged).not.toBeNull();
  await page.reload();
  await chooseOperation(page, 'Upscale anime ×4');
  await addPhotos(page, [fixture('photo-small-32.png')]);
  await waitForStatus(page, 'photo-small-32.png', 'completed');
  const { image } = await downloadResult(page);
  expect([image.width, image.height]).toEqual([128, 128]);
  const intact = await page.evaluate(async (url) => {
    const bytes = new Uint8Array(await (await caches.match(url!))!.arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  }, damaged);
  const anime = manifest.models.find((m) => m.id === 'realesr-animevideov3-x4')!;
  expect(anime.variants.map((v) => v.sha256)).toContain(intact);
});
