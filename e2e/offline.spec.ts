import { type Page, expect, test } from '@playwright/test';
import { runPhoto } from './support/offline.ts';

/** The "Ready offline" summary: what works with the network gone, as the page checked it. */
const readyOffline = (page: Page) => page.getByTestId('ready-offline').locator('summary');

/** First visit, then the service worker and what the first job needs are on the device. */
async function openPrepared(page: Page): Promise<void> {
  await page.goto('/');
  // The first load is not controlled by the service worker; wait until it has the shell.
  await expect(page.getByText('Ready to work offline')).toBeVisible({ timeout: 60_000 });
  // Then the engine and the default model, fetched for the first job without one running.
  await expect(readyOffline(page)).toContainText(/Works offline now: .*\bUpscale\b/, {
    timeout: 60_000,
  });
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

test('with the network cut, a reload still loads the app and a ×4 job completes', async ({
  page,
  context,
}) => {
  await openPrepared(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Kintsugi' })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const job = await runPhoto(page, 'photo-small-32.png', 'Upscale ×4');
  expect(job.status).toBe('completed');
  expect([job.output?.width, job.output?.height]).toEqual([128, 128]);
});

test('"Ready offline" lists only what is on the device, and offers the rest with its size', async ({
  page,
}) => {
  await openPrepared(page);
  const summary = readyOffline(page);
  // Background removal needs an 88 MB model nobody fetched: not claimed.
  await expect(summary).not.toContainText('Remove background');
  await expect(summary).toContainText('Crop & resize');
  await summary.click();
  const everything = page.getByRole('button', {
    name: /^Make everything available offline \((\d+) MB\)$/,
  });
  await expect(everything).toBeVisible();
  const size = Number(/\((\d+) MB\)/.exec((await everything.textContent()) ?? '')?.[1]);
  // Every model this device runs and OpenCV.js, the encoders: well over 100 MB, under 400.
  expect(size).toBeGreaterThan(100);
  expect(size).toBeLessThan(400);
});

test('"Make everything available offline" keeps every model and runtime file, in one press', async ({
  page,
  context,
}) => {
  test.setTimeout(240_000);
  await openPrepared(page);
  const summary = readyOffline(page);
  await summary.click();
  await page
    .getByRole('button', { name: /^Make everything available offline \(\d+ MB\)$/ })
    .click();
  await expect(summary).toHaveText('Everything works offline.', { timeout: 180_000 });
  await expect(
    page.getByRole('button', { name: /^Make everything available offline/ }),
  ).toHaveCount(0);
  // Stored for real: OpenCV.js, the AVIF encoder and the 88 MB background model are on the device,
  // never the WebGPU engine (no graphics processor here).
  const kept = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    }
    return urls.map((url) => new URL(url).pathname);
  });
  expect(kept).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^\/assets\/opencv-module-/),
      expect.stringMatching(/^\/assets\/avif_enc-.*\.wasm$/),
      expect.stringMatching(/^\/models\/isnet\./),
    ]),
  );
  expect(kept.filter((path) => path.includes('jsep'))).toEqual([]);
  // And with the network gone the page still says so.
  await context.setOffline(true);
  await page.reload();
  await expect(readyOffline(page)).toHaveText('Everything works offline.');
});

test('offline, a job whose model is not on the device fails at once and says why', async ({
  page,
  context,
}) => {
  await openPrepared(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'You are offline' })).toBeVisible();
  const started = Date.now();
  const job = await runPhoto(page, 'photo-small-32.png', 'Remove background');
  const took = Date.now() - started;
  expect(job.status).toBe('failed');
  expect((job as { error?: string | null }).error).toMatch(
    /needs the background removal model \(\d+ MB\), which is not on this device yet; connect once to download it/,
  );
  // No retries: the reason comes at once (the download used to retry for 16 s).
  expect(took).toBeLessThan(2_000);
});

test('offline, an encoder that was never fetched is named in plain words, at once', async ({
  page,
  context,
}) => {
  await openPrepared(page);
  await context.setOffline(true);
  await page.reload();
  const started = Date.now();
  const job = await runPhoto(page, 'photo-small-32.png', 'Compress');
  const took = Date.now() - started;
  expect(job.status).toBe('failed');
  expect((job as { error?: string | null }).error).toMatch(
    /^This job needs the (PNG optimiser|JPEG encoder|image encoders)( \([\d.]+ MB\))?, which is not on this device yet; connect once to download it\.$/,
  );
  expect(took).toBeLessThan(2_000);
});

test('WebGPU chosen on a device without a graphics processor says so plainly', async ({ page }) => {
  await page.goto('/');
  const backend = page.getByRole('combobox', { name: 'Backend', exact: true });
  // The picker may sit in a closed disclosure of the panel: open the one that holds it.
  if (!(await backend.isVisible())) {
    await page.locator('details:has(label:has-text("Backend")) > summary').last().click();
  }
  const hasAdapter = await page.evaluate(
    async () => (await navigator.gpu?.requestAdapter().catch(() => null)) != null,
  );
  test.skip(hasAdapter, 'this browser offers a WebGPU adapter');
  await backend.selectOption('webgpu');
  await expect(
    page.getByRole('status').filter({
      hasText: 'No graphics processor is available here; running on the processor instead',
    }),
  ).toBeVisible();
  // The job says it too, where it says where it ran.
  const job = await runPhoto(page, 'photo-small-32.png');
  expect(job.status).toBe('completed');
  expect((job as { engine?: { backend: string; reason: string } }).engine).toMatchObject({
    backend: 'wasm',
    reason: 'No graphics processor is available here; running on the processor instead',
  });
});
