import { type Page, expect, test } from '@playwright/test';
import { addPhotos, chooseOperation, fixture, jobRow, waitForStatus } from './support/app.ts';

/**
 * Every operation the picker offers, run from the interface with the settings it shows when
 * chosen, on a real photo: each one completes and its result is a picture. A default that
 * fails (replace-background without a colour, crop-resize without a crop) fails here.
 */

/** The result of the job made for `name`, decoded by the browser itself. */
function decodedOutput(page: Page, name: string) {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('kintsugi');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const read = <T>(store: string, query?: IDBValidKey) =>
      new Promise<T>((resolve, reject) => {
        const os = db.transaction(store).objectStore(store);
        const request = query === undefined ? os.getAll() : os.get(query);
        request.onsuccess = () => resolve(request.result as T);
        request.onerror = () => reject(request.error);
      });
    type Stored = { input: { name: string }; output: { key: string; type: string } | null };
    const job = (await read<Stored[]>('jobs')).find((j) => j.input.name === name);
    const blob = job?.output && (await read<Blob>('blobs', job.output.key));
    db.close();
    if (!blob) return null;
    const bitmap = await createImageBitmap(blob);
    const size = { type: blob.type, width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  }, name);
}

/** What the picker offers, as it names it (the upscale card has a choice of scale). */
const OFFERED = [
  'Upscale ×8',
  'Upscale ×4',
  'Upscale ×3',
  'Upscale ×2',
  'Upscale anime ×4',
  'Remove noise',
  'Remove blur',
  'Convert format',
  'Compress',
  'Crop & resize',
  'Remove frame',
  'Remove object',
  'Remove text',
  'Restore old photo',
  'Enhance faces',
  'Remove background',
  'Replace background',
  'Blur background',
  'Smart crop',
];

test('the picker offers exactly the operations this test runs', async ({ page }) => {
  await page.goto('/');
  const cards = page.getByRole('radiogroup', { name: 'Operation', exact: true });
  // One card per operation; the four upscales are one card with a choice of scale.
  await expect(cards.locator('input[type=radio][name$="-operation"]')).toHaveCount(
    OFFERED.length - 3,
  );
  for (const label of OFFERED) {
    await chooseOperation(page, label);
    await expect(cards.getByRole('radio', { checked: true }).first()).toBeVisible();
  }
  await chooseOperation(page, 'Upscale ×4');
  await expect(cards.getByRole('radiogroup', { name: 'Scale' }).getByRole('radio')).toHaveCount(4);
});

for (const label of OFFERED) {
  test(`${label} completes with the settings it starts with`, async ({ page }) => {
    const upscale = /^Upscale ×(\d)$/.exec(label);
    // Upscales multiply the pixels: the smallest photo keeps ×8 quick on a CPU.
    const photo = upscale ? 'photo-small-32.png' : 'photo-small-64.png';
    await page.goto('/');
    await chooseOperation(page, label);
    await addPhotos(page, [fixture(photo)]);
    if (label === 'Remove object') {
      // The one setting the person must give: what to remove, painted through the painter.
      const painter = page.getByRole('dialog', { name: 'Paint over what to remove' });
      const canvas = painter.getByLabel(`Mask over ${photo}`);
      const box = (await canvas.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 });
      await page.mouse.up();
      await painter.getByRole('button', { name: 'Apply mask' }).click();
    }
    await expect(jobRow(page, photo)).toBeVisible();
    await waitForStatus(page, photo, 'completed', 110_000);
    const output = await decodedOutput(page, photo);
    expect(output, label).not.toBeNull();
    expect(output!.width).toBeGreaterThan(0);
    expect(output!.height).toBeGreaterThan(0);
    if (upscale) expect(output!.width).toBe(32 * Number(upscale[1]));
  });
}
