import { type Locator, type Page, expect, test } from '@playwright/test';
import { encodeModel, floatTensor, floatValueInfo, node } from '../models/onnx.ts';
import {
  addPhotos,
  chooseOperation,
  downloadResult,
  fixture,
  jobRow,
  readFixturePng,
  waitForStatus,
} from './support/app.ts';
import { photoNamed } from './support/ui.ts';

/**
 * A ×2 "super-resolution" model a person could export: a nearest-neighbour Resize, in 0..1,
 * NCHW or NHWC (Resize scales the two spatial axes wherever they are).
 */
function nearestX2Model(layout: 'NCHW' | 'NHWC' = 'NCHW', channels = 3): Buffer {
  const nchw = layout === 'NCHW';
  return Buffer.from(
    encodeModel(
      {
        name: 'nearest-x2',
        nodes: [
          node({
            opType: 'Resize',
            name: 'resize',
            inputs: ['pixels', '', 'scales'],
            outputs: ['upscaled'],
          }),
        ],
        initializers: [
          floatTensor(
            'scales',
            [4],
            nchw ? Float32Array.of(1, 1, 2, 2) : Float32Array.of(1, 2, 2, 1),
          ),
        ],
        inputs: [
          floatValueInfo('pixels', nchw ? [1, channels, 'h', 'w'] : [1, 'h', 'w', channels]),
        ],
        outputs: [
          floatValueInfo('upscaled', nchw ? [1, channels, 'h2', 'w2'] : [1, 'h2', 'w2', channels]),
        ],
      },
      { name: 'kintsugi-e2e', version: '1' },
    ),
  );
}

async function openForm(page: Page): Promise<Locator> {
  await page.goto('/');
  await page.getByText('Settings').click();
  const form = page.getByRole('form', { name: 'Add your own model' });
  await expect(form).toBeVisible();
  return form;
}

async function addModel(form: Locator, name: string, layout: 'NCHW' | 'NHWC') {
  await form.getByLabel('ONNX file').setInputFiles({
    name: `${name}.onnx`,
    mimeType: 'application/octet-stream',
    buffer: nearestX2Model(layout),
  });
  await form.getByLabel('Name').fill(name);
  await form.getByRole('combobox', { name: /^Scale/ }).selectOption({ label: '×2' });
  await form.getByRole('combobox', { name: /^Input layout/ }).selectOption(layout);
  await form.getByLabel('Tile size (px)').fill('64');
  await form.getByLabel('Licence').fill('CC0-1.0');
  await form.getByRole('button', { name: 'Add model' }).click();
  await expect(form.getByRole('status')).toHaveText(`${name} now runs enhance ×2`);
}

/** Runs Upscale ×2 on the 32 px photo under `name`; returns the job's engine record. */
async function upscaleWithNearest(page: Page, name: string) {
  await addPhotos(page, [await photoNamed(name)]);
  await waitForStatus(page, name, 'completed');
  await jobRow(page, name).click();
  // Every output pixel is its input pixel repeated 2 × 2: nearest, not the built-in network.
  const { image } = await downloadResult(page);
  const small = await readFixturePng('photo-small-32.png');
  expect([image.width, image.height]).toEqual([64, 64]);
  let differing = 0;
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      for (let c = 0; c < 3; c++) {
        const got = image.data[(y * 64 + x) * 4 + c];
        const want = small.data[((y >> 1) * 32 + (x >> 1)) * 4 + c];
        if (got !== want) differing++;
      }
    }
  }
  expect(differing).toBe(0);
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('kintsugi');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    type Stored = { input: { name: string }; engine: { model?: string; variant?: string } | null };
    const jobs = await new Promise<Stored[]>((resolve, reject) => {
      const request = db.transaction('jobs').objectStore('jobs').getAll();
      request.onsuccess = () => resolve(request.result as Stored[]);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return jobs.find((job) => job.input.name === name)?.engine;
  }, name);
}

test('an own ×2 model (NCHW, then NHWC) replaces the built-in one, and each job names it', async ({
  page,
}) => {
  const form = await openForm(page);
  await addModel(form, 'Nearest x2', 'NCHW');
  const listed = page.locator('[data-own-model]');
  await expect(listed).toHaveCount(1);
  const first = await listed.getAttribute('data-own-model');
  expect(first).toMatch(/^own-nearest-x2-[0-9a-f]{8}$/);

  await chooseOperation(page, 'Upscale ×2');
  expect(await upscaleWithNearest(page, 'planes.png')).toMatchObject({
    model: first,
    variant: 'own',
  });

  // A second model for the same slot takes the first one's place; interleaved pixels work too.
  await addModel(form, 'Nearest NHWC', 'NHWC');
  await expect(listed).toHaveCount(1);
  const second = await listed.getAttribute('data-own-model');
  expect(second).toMatch(/^own-nearest-nhwc-[0-9a-f]{8}$/);
  expect(await upscaleWithNearest(page, 'interleaved.png')).toMatchObject({ model: second });

  await page.getByRole('button', { name: 'Remove Nearest NHWC' }).click();
  await expect(listed).toHaveCount(0);
});

test('a file that is not a fitting ONNX model is refused with a clear error', async ({ page }) => {
  const form = await openForm(page);
  await form.getByLabel('Name').fill('Broken');
  await form.getByLabel('ONNX file').setInputFiles(fixture('photo-small-32.png'));
  await form.getByRole('button', { name: 'Add model' }).click();
  await expect(form.getByRole('alert')).toContainText('This file is not an ONNX model');

  await form.getByLabel('ONNX file').setInputFiles({
    name: 'grey.onnx',
    mimeType: 'application/octet-stream',
    buffer: nearestX2Model('NCHW', 1),
  });
  await form.getByRole('button', { name: 'Add model' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    "Its input 'pixels' [1, 1, h, w] has 1 channels where NCHW puts them; it needs 3 (RGB)",
  );
  await expect(page.locator('[data-own-model]')).toHaveCount(0);
});
