import { readFile } from 'node:fs/promises';
import { type Locator, type Page, expect, test } from '@playwright/test';
import { addPhotos, chooseOperation, fixture, jobRow, waitForStatus } from './support/app.ts';
import { downloadZip, photoNamed, storedJobs } from './support/ui.ts';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Kintsugi' })).toBeVisible();
});

/** The selected result's facts and download, beside the image. */
const result = (page: Page) => page.getByRole('region', { name: 'The result' });

/** Chooses a format and quality, clicks its download, and returns the bytes the browser saved. */
async function downloadAs(page: Page, format: string, quality?: number) {
  const actions = result(page);
  await actions.getByRole('radio', { name: format }).check();
  if (quality !== undefined)
    await actions.getByRole('slider', { name: 'Quality' }).fill(String(quality));
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    actions.getByRole('button', { name: `Download ${format}` }).click(),
  ]);
  const bytes = new Uint8Array(await readFile(await download.path()));
  await expect(actions.getByRole('status').filter({ hasText: /^Saved as/ })).toContainText(
    `Saved as ${format}`,
  );
  return { name: download.suggestedFilename(), bytes };
}

/** What the browser decodes the bytes to, and as which type: proof the file is what it says. */
function decodeInPage(page: Page, bytes: Uint8Array, type: string) {
  return page.evaluate(
    async ({ bytes, type }) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type }));
      return { width: bitmap.width, height: bitmap.height };
    },
    { bytes: [...bytes], type },
  );
}

/** The keys the blobs store holds: a deleted job's photo and result must be gone from it. */
function storedBlobKeys(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('kintsugi');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
      const request = db.transaction('blobs').objectStore('blobs').getAllKeys();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return keys.map(String);
  });
}

async function storedKeys(page: Page, name: string) {
  const [job] = (await page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('kintsugi');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = await new Promise<
      { input: { name: string; key: string }; output: { key: string } | null }[]
    >((resolve, reject) => {
      const request = db.transaction('jobs').objectStore('jobs').getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return all.filter((j) => j.input.name === name);
  }, name)) as { input: { key: string }; output: { key: string } | null }[];
  return [job!.input.key, job!.output!.key];
}

async function undoFor(page: Page, name: string): Promise<Locator> {
  return page.getByRole('button', { name: `Undo deleting ${name}` });
}

test('a result says what it is in plain words and downloads as JPEG, WebP or AVIF at the chosen quality', async ({
  page,
}) => {
  // AVIF's encoder is large: nothing may fetch it until AVIF is chosen.
  const avifFetches: string[] = [];
  page.on('request', (request) => {
    if (/avif_enc/.test(request.url())) avifFetches.push(request.url());
  });
  await chooseOperation(page, 'Upscale ×2');
  await addPhotos(page, [fixture('photo-small-64.png')]);
  await waitForStatus(page, 'photo-small-64.png', 'completed');

  const actions = result(page);
  const facts = actions.locator('.facts');
  // Size before → after, the result's pixels, the time taken and the model, in plain words.
  await expect(facts).toHaveText(
    /^[\d.]+ KB → [\d.]+ KB · 128×128 · took [\d.]+ (s|min) · made by Real-ESRGAN \(general photos\)$/,
  );
  // The backend and the model's file are there for whoever opens the details, not in the row.
  const details = actions.locator('details.tech');
  await expect(details.getByText(/^WASM: /)).toBeHidden();
  await expect(facts).not.toContainText('WASM');
  await expect(jobRow(page, 'photo-small-64.png')).not.toContainText('WASM');
  await details.locator('summary').click();
  await expect(details.getByText(/^WASM: /)).toBeVisible();
  await expect(details).toContainText('realesr-general-x4v3');

  // The stored PNG is a plain link; PNG has no quality to choose.
  await expect(actions.getByRole('link', { name: 'Download PNG' })).toHaveAttribute(
    'download',
    'photo-small-64.enhance-x2.png',
  );
  await expect(actions.getByRole('slider', { name: 'Quality' })).toHaveCount(0);

  const good = await downloadAs(page, 'JPEG', 95);
  expect(good.name).toBe('photo-small-64.enhance-x2.jpg');
  expect([...good.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  expect(await decodeInPage(page, good.bytes, 'image/jpeg')).toEqual({ width: 128, height: 128 });
  const small = await downloadAs(page, 'JPEG', 20);
  expect([...small.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  console.log(`JPEG of a 128×128 result: q95 ${good.bytes.length} B, q20 ${small.bytes.length} B`);
  expect(small.bytes.length).toBeLessThan(good.bytes.length * 0.7);

  const webp = await downloadAs(page, 'WebP', 90);
  expect(webp.name).toBe('photo-small-64.enhance-x2.webp');
  expect(new TextDecoder().decode(webp.bytes.subarray(8, 12))).toBe('WEBP');
  expect(await decodeInPage(page, webp.bytes, 'image/webp')).toEqual({ width: 128, height: 128 });
  const webpSmall = await downloadAs(page, 'WebP', 10);
  expect(webpSmall.bytes.length).toBeLessThan(webp.bytes.length);

  expect(avifFetches).toEqual([]);
  const avif = await downloadAs(page, 'AVIF', 60);
  expect(avifFetches.length).toBeGreaterThan(0);
  expect(avif.name).toBe('photo-small-64.enhance-x2.avif');
  expect(new TextDecoder().decode(avif.bytes.subarray(4, 12))).toBe('ftypavif');
  expect(await decodeInPage(page, avif.bytes, 'image/avif')).toEqual({ width: 128, height: 128 });
  console.log(
    `WebP q90 ${webp.bytes.length} B, q10 ${webpSmall.bytes.length} B; AVIF q60 ${avif.bytes.length} B`,
  );
});

test('a deleted job can be taken back, even after a reload; otherwise it and its files are gone', async ({
  page,
}) => {
  await chooseOperation(page, 'Upscale ×2');
  await addPhotos(page, [await photoNamed('kept.png'), await photoNamed('gone.png')]);
  await waitForStatus(page, 'kept.png', 'completed');
  await waitForStatus(page, 'gone.png', 'completed');
  const [keptInput, keptOutput] = await storedKeys(page, 'kept.png');
  const [goneInput, goneOutput] = await storedKeys(page, 'gone.png');

  // Delete, then Undo: the row, its result and its stored files are all back.
  await jobRow(page, 'kept.png').getByRole('button', { name: 'Delete' }).click();
  await expect(jobRow(page, 'kept.png')).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Deleted kept.png' })).toBeVisible();
  await (await undoFor(page, 'kept.png')).click();
  await expect(jobRow(page, 'kept.png')).toHaveAttribute('data-status', 'completed');
  await expect(result(page).getByRole('link', { name: 'Download PNG' })).toHaveAttribute(
    'download',
    'kept.enhance-x2.png',
  );

  // Delete, reload within the grace: still hidden, Undo still offered, and it still works.
  await jobRow(page, 'kept.png').getByRole('button', { name: 'Delete' }).click();
  await page.reload();
  await expect(jobRow(page, 'gone.png')).toHaveAttribute('data-status', 'completed');
  await expect(jobRow(page, 'kept.png')).toHaveCount(0);
  await (await undoFor(page, 'kept.png')).click();
  await expect(jobRow(page, 'kept.png')).toHaveAttribute('data-status', 'completed');
  expect(await storedBlobKeys(page)).toEqual(expect.arrayContaining([keptInput, keptOutput]));

  // Delete and let the time run out: the job, its photo and its result leave storage.
  const deletedAt = Date.now();
  await jobRow(page, 'gone.png').getByRole('button', { name: 'Delete' }).click();
  await expect(jobRow(page, 'gone.png')).toHaveCount(0);
  expect(await storedJobs(page, 'gone.png')).toHaveLength(1);
  await expect(await undoFor(page, 'gone.png')).toHaveCount(0, { timeout: 15_000 });
  expect(Date.now() - deletedAt).toBeGreaterThan(6_000);
  await expect.poll(() => storedJobs(page, 'gone.png')).toEqual([]);
  const keys = await storedBlobKeys(page);
  expect(keys).not.toContain(goneInput);
  expect(keys).not.toContain(goneOutput);
  expect(keys).toEqual(expect.arrayContaining([keptInput, keptOutput]));
  await page.reload();
  await expect(jobRow(page, 'kept.png')).toHaveAttribute('data-status', 'completed');
  await expect(jobRow(page, 'gone.png')).toHaveCount(0);
});

test('"Download this batch" zips only the photos added together; "Download all" zips every result', async ({
  page,
}) => {
  await chooseOperation(page, 'Upscale ×2');
  await addPhotos(page, [await photoNamed('single.png')]);
  await addPhotos(page, [await photoNamed('first.png'), await photoNamed('second.png')]);
  for (const name of ['single.png', 'first.png', 'second.png'])
    await waitForStatus(page, name, 'completed');

  // A job added on its own is no batch.
  await jobRow(page, 'single.png').getByRole('button', { name: 'single.png' }).click();
  await expect(page.getByRole('button', { name: /^Download this batch/ })).toHaveCount(0);

  await jobRow(page, 'first.png').getByRole('button', { name: 'first.png' }).click();
  const batch = await downloadZip(page, /^Download this batch \(2\)/);
  expect(Object.keys(batch).sort()).toEqual(['first.enhance-x2.png', 'second.enhance-x2.png']);
  const all = await downloadZip(page, /^Download all \(3\)/);
  expect(Object.keys(all).sort()).toEqual([
    'first.enhance-x2.png',
    'second.enhance-x2.png',
    'single.enhance-x2.png',
  ]);
});
