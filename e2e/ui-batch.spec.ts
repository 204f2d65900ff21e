import { expect, test } from '@playwright/test';
import {
  addPhotos,
  chooseOperation,
  fixture,
  jobRow,
  startButton,
  waitForStatus,
} from './support/app.ts';
import { decodePng } from './support/images.ts';
import { downloadZip, photoNamed, storedJobs } from './support/ui.ts';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Kintsugi' })).toBeVisible();
});

test('every item of a batch keeps its own settings, a queued one can change, and a zip holds each result', async ({
  page,
}) => {
  // A long job first: while it runs, the items after it stay queued and can be changed.
  await chooseOperation(page, 'Upscale ×4');
  await addPhotos(page, [fixture('photo-wide-300x200.png')]);
  await chooseOperation(page, 'Upscale ×2');
  await addPhotos(page, [await photoNamed('two.png')]);
  await chooseOperation(page, 'Upscale ×4');
  await addPhotos(page, [await photoNamed('four.png'), await photoNamed('changed.png')]);

  const wide = jobRow(page, 'photo-wide-300x200.png');
  await expect(wide).toHaveAttribute('data-status', 'processing', { timeout: 30_000 });
  await expect(wide.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await expect(jobRow(page, 'two.png')).toContainText('Upscale ×2');
  await expect(jobRow(page, 'four.png')).toContainText('Upscale ×4');

  const changed = jobRow(page, 'changed.png');
  await expect(changed).toHaveAttribute('data-status', 'queued');
  await changed.getByRole('button', { name: 'Edit' }).click();
  await changed
    .getByRole('combobox', { name: 'Operation for changed.png' })
    .selectOption({ label: 'Upscale ×2' });
  await changed.getByRole('button', { name: 'Save changes' }).click();
  await expect(changed).toContainText('Upscale ×2');
  // The change is in IndexedDB, where the engine reads it, not only on screen.
  const [stored] = await storedJobs(page, 'changed.png');
  expect(stored?.status).toBe('queued');
  expect(stored?.spec.operations).toEqual([{ type: 'enhance', params: { scale: 2 } }]);

  await wide.getByRole('button', { name: 'Cancel' }).click();
  for (const name of ['two.png', 'four.png', 'changed.png'])
    await waitForStatus(page, name, 'completed');

  // Every setting was really applied: each output has the size its own settings ask for.
  const files = await downloadZip(page);
  expect(Object.keys(files).sort()).toEqual([
    'changed.enhance-x2.png',
    'four.enhance-x4.png',
    'two.enhance-x2.png',
  ]);
  const size = (name: string) => {
    const image = decodePng(files[name]!);
    return [image.width, image.height];
  };
  expect(size('two.enhance-x2.png')).toEqual([64, 64]);
  expect(size('four.enhance-x4.png')).toEqual([128, 128]);
  expect(size('changed.enhance-x2.png')).toEqual([64, 64]);
});

test('photos dropped or pasted anywhere on the page are staged, then queued on Start; other files are named and skipped', async ({
  page,
}) => {
  const png = [...(await photoNamed('x.png')).buffer];
  await page.evaluate((bytes) => {
    const transfer = (names: string[]) => {
      const data = new DataTransfer();
      for (const name of names) {
        const type = name.endsWith('.png') ? 'image/png' : 'text/plain';
        data.items.add(new File([new Uint8Array(bytes)], name, { type }));
      }
      return data;
    };
    const target = document.querySelector('h1')!;
    const pasted = transfer(['pasted.png']);
    document.body.dispatchEvent(
      new ClipboardEvent('paste', { bubbles: true, clipboardData: pasted }),
    );
    const dropped = transfer(['dropped.png', 'notes.txt']);
    target.dispatchEvent(new DragEvent('dragover', { bubbles: true, dataTransfer: dropped }));
    target.dispatchEvent(new DragEvent('drop', { bubbles: true, dataTransfer: dropped }));
  }, png);
  // Staged first: both show, nothing is queued until Start.
  await expect(page.getByRole('region', { name: '2 photos ready to start' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'pasted.png', exact: true })).toBeVisible();
  expect(await storedJobs(page, 'dropped.png')).toEqual([]);
  await startButton(page).click();
  await expect(jobRow(page, 'dropped.png')).toBeVisible();
  await expect(jobRow(page, 'pasted.png')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText('notes.txt is not an image, so it was skipped.');
  expect((await storedJobs(page, 'dropped.png'))[0]?.spec.operations).toEqual([
    { type: 'enhance', params: { scale: 4 } },
  ]);
});
