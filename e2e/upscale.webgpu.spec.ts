import { expect, test } from '@playwright/test';
import {
  addPhotos,
  chooseOperation,
  downloadResult,
  fixture,
  jobRow,
  openMore,
  readFixturePng,
} from './support/app.ts';
import { psnr, resizeBicubic } from './support/images.ts';

// The only adapter here is SwiftShader (software), far slower than WASM: keep the image tiny.
test('runs the ×2 model on WebGPU when asked, with the same pixels as WASM', async ({ page }) => {
  await page.goto('/');
  const hasAdapter = await page.evaluate(
    async () => (await navigator.gpu?.requestAdapter()) != null,
  );
  test.skip(!hasAdapter, 'this browser offers no WebGPU adapter');
  await chooseOperation(page, 'Upscale ×2');
  // The faithful ×2 model (ESRGAN medium): on a software WebGPU adapter Real-ESRGAN takes minutes.
  await page.getByRole('radio', { name: /^Faithful/ }).check();

  // The backend choice sits in the panel's "More", beside the presets.
  await openMore(page);
  const results = [];
  for (const [backend, label] of [
    ['webgpu', 'WebGPU'],
    ['wasm', 'WASM'],
  ] as const) {
    await page.getByRole('combobox', { name: 'Backend', exact: true }).selectOption(backend);
    await addPhotos(page, [fixture('photo-small-32.png')]);
    const row = jobRow(page, 'photo-small-32.png').first();
    await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 110_000 });
    // Where it ran is in the (selected, newest) result's Technical details.
    await expect(page.getByRole('region', { name: 'The result' }).locator('.engine')).toContainText(
      label,
    );
    results.push((await downloadResult(page)).image);
  }

  const [gpu, cpu] = results;
  expect([gpu!.width, gpu!.height]).toEqual([64, 64]);
  let maxDiff = 0;
  for (let i = 0; i < gpu!.data.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(gpu!.data[i]! - cpu!.data[i]!));
  }
  // Both compute in fp32; only summation order differs, so at most one level after rounding.
  expect(maxDiff).toBeLessThanOrEqual(1);

  // photo-small-32 is the 2× box downscale of photo-small-64, so that is the reference.
  const reference = await readFixturePng('photo-small-64.png');
  const small = await readFixturePng('photo-small-32.png');
  expect(psnr(gpu!, reference, { channels: 3, border: 2 })).toBeGreaterThan(
    psnr(resizeBicubic(small, 64, 64), reference, { channels: 3, border: 2 }) - 1.5,
  );
});
