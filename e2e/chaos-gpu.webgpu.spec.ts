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
import { idbAll } from './support/chaos.ts';
import { printSummary, recordPart } from './support/chaos-figures.ts';
import { psnr, resizeBicubic } from './support/images.ts';

/*
 * The WebGPU device lost in the middle of a job. The test serves the inference worker with a
 * prelude that destroys the worker's GPU device the first time work is submitted to it, inside
 * the job's first model run: nothing in the app can do this, only this test's route.
 * The service worker is blocked so that the route sees the worker script's request.
 */

test.use({ serviceWorkers: 'block' });

// The first submit comes inside the first model run: ORT records kernels and submits them in
// batches. What follows (more kernels, the read-back of the output) meets a lost device.
const loseDeviceOnFirstSubmit = `(() => {
  if (typeof GPUAdapter === 'undefined') return;
  const faults = (self.__chaosFaults = { destroyed: 0 });
  const devices = new WeakMap();
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (...args) {
    const device = await requestDevice.apply(this, args);
    devices.set(device.queue, device);
    return device;
  };
  const submit = GPUQueue.prototype.submit;
  GPUQueue.prototype.submit = function (...args) {
    const result = submit.apply(this, args);
    const device = devices.get(this);
    if (device && faults.destroyed === 0) {
      faults.destroyed++;
      device.destroy();
    }
    return result;
  };
})();
`;

test('WebGPU device lost mid-job: the job goes on on WASM, completes once, and says why', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const figures = { faults_tried: 1, faults_survived: 0, jobs_lost: 0 };
  await page.route('**/assets/inference-*.js', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: loseDeviceOnFirstSubmit + (await response.text()) });
  });
  await page.goto('/');
  const hasAdapter = await page.evaluate(
    async () => (await navigator.gpu?.requestAdapter()) != null,
  );
  test.skip(!hasAdapter, 'this browser offers no WebGPU adapter');

  await chooseOperation(page, 'Upscale ×2');
  // The faithful ×2 model (ESRGAN medium): on a software WebGPU adapter Real-ESRGAN takes minutes.
  await page.getByRole('radio', { name: /^Faithful/ }).check();
  await openMore(page);
  await page.getByRole('combobox', { name: 'Backend', exact: true }).selectOption('webgpu');
  await addPhotos(page, [fixture('photo-small-32.png')]);
  const row = jobRow(page, 'photo-small-32.png');
  await expect(row).toHaveAttribute('data-status', /completed|failed/, { timeout: 110_000 });
  const [worker] = page.workers();
  expect(await worker!.evaluate(() => (self as { __chaosFaults?: unknown }).__chaosFaults)).toEqual(
    { destroyed: 1 },
  );
  await expect(row).toHaveAttribute('data-status', 'completed');
  const [job] = await idbAll<{ attempts: number; engine: { backend: string; reason: string } }>(
    page,
    'jobs',
  );
  // Retried inside the run, not re-queued; the engine record names the backend it ended on.
  expect(job!.attempts).toBe(1);
  expect(job!.engine.backend).toBe('wasm');
  expect(job!.engine.reason).toMatch(/^WASM: (the GPU device was lost|WebGPU failed) mid-job/);
  // The backend's reason is technical detail: it sits in the result's Technical details.
  await expect(page.getByRole('region', { name: 'The result' }).locator('.engine')).toHaveText(
    job!.engine.reason,
  );

  const { image } = await downloadResult(page);
  expect([image.width, image.height]).toEqual([64, 64]);
  const reference = await readFixturePng('photo-small-64.png');
  const small = await readFixturePng('photo-small-32.png');
  expect(psnr(image, reference, { channels: 3, border: 2 })).toBeGreaterThan(
    psnr(resizeBicubic(small, 64, 64), reference, { channels: 3, border: 2 }) - 1.5,
  );
  figures.faults_survived = 1;
  await recordPart('faults-gpu', figures, [
    `WebGPU device destroyed at its first submit: the job ran on WASM (${job!.engine.reason})`,
  ]);
  await printSummary();
});
