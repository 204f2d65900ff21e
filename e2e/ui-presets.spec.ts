import { type Page, expect, test } from '@playwright/test';
import { addPhotos, chooseOperation, fixture, openMore, waitForStatus } from './support/app.ts';
import { storedJobs } from './support/ui.ts';

/** The presets as IndexedDB holds them, not as the page shows them. */
function storedPresets(page: import('@playwright/test').Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('kintsugi');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const value = await new Promise<unknown>((resolve, reject) => {
      const request = db.transaction('settings').objectStore('settings').get('ui.presets');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return value as { name: string; operations: { type: string }[] }[] | undefined;
  });
}

/** The first step is the operation cards: which card is checked, and which scale within it. */
async function expectFirst(page: Page, card: string, scale?: string) {
  const cards = page.getByRole('radiogroup', { name: 'Operation', exact: true });
  await expect(cards.getByRole('radio', { name: card, exact: true })).toBeChecked();
  const scales = cards.getByRole('radiogroup', { name: 'Scale', exact: true });
  if (scale) await expect(scales.getByRole('radio', { name: scale, exact: true })).toBeChecked();
  else await expect(scales).toHaveCount(0);
}

test('a chain of steps runs in order, and is kept as a preset of my own', async ({ page }) => {
  await page.goto('/');
  const second = page.getByRole('combobox', { name: 'Then, step 2' });
  await chooseOperation(page, 'Upscale ×2');
  // Keyboard only: focus the button, Enter adds a step.
  await page.getByRole('button', { name: 'Add a step' }).focus();
  await page.keyboard.press('Enter');
  await second.selectOption({ label: 'Convert format' });
  await page
    .getByRole('listitem')
    .filter({ has: second })
    .getByRole('radio', { name: /^JPEG/ })
    .check();

  // Reorder: up, and back down.
  await page.getByRole('button', { name: 'Move up (step 2)' }).click();
  await expectFirst(page, 'Convert format');
  await expect(second).toHaveValue('enhance:2');
  await page.getByRole('button', { name: 'Move down (step 1)' }).click();
  await expectFirst(page, 'Upscale', '×2');
  await expect(second).toHaveValue('convert');

  await addPhotos(page, [fixture('photo-small-32.png')]);
  await waitForStatus(page, 'photo-small-32.png', 'completed');
  const [job] = await storedJobs(page, 'photo-small-32.png');
  // One job, both steps, in order: ×2 then JPEG; the name says so.
  expect(job?.spec.operations).toEqual([
    { type: 'enhance', params: { scale: 2 } },
    { type: 'convert', params: { output_format: 'jpg' } },
  ]);
  expect(job?.output).toMatchObject({
    name: 'photo-small-32.enhance-x2.convert-jpg.jpg',
    width: 64,
    height: 64,
  });

  // Save the steps as a preset, from the keyboard (Enter submits); presets live under "More".
  await openMore(page);
  await page.getByRole('textbox', { name: 'Preset name' }).fill('Web-ready');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Saved the steps as “Web-ready”.')).toBeVisible();
  await page.getByRole('radio', { name: 'Side by side' }).check();

  // Everything is remembered across a reload: the chain, the view mode, the preset.
  await page.reload();
  await expectFirst(page, 'Upscale', '×2');
  await expect(second).toHaveValue('convert');
  await expect(page.getByRole('radio', { name: 'Side by side' })).toBeChecked();
  await openMore(page);
  const presets = page.getByRole('combobox', { name: 'My presets' });
  await expect(presets.getByRole('option')).toHaveText(['Web-ready']);

  // Change the steps, then apply the preset: its steps come back.
  await page.getByRole('button', { name: 'Remove (step 2)' }).click();
  await expect(second).toHaveCount(0);
  await chooseOperation(page, 'Remove noise');
  await expectFirst(page, 'Remove noise');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expectFirst(page, 'Upscale', '×2');
  await expect(second).toHaveValue('convert');

  // Rename, kept in IndexedDB; then delete.
  await page.getByRole('button', { name: 'Rename' }).click();
  await page.getByRole('textbox', { name: 'New name' }).fill('Web small');
  await page.getByRole('button', { name: 'Save name' }).click();
  await page.reload();
  await openMore(page);
  await expect(presets.getByRole('option')).toHaveText(['Web small']);
  expect(
    (await storedPresets(page))?.map((p) => [p.name, p.operations.map((o) => o.type)]),
  ).toEqual([['Web small', ['enhance', 'convert']]]);
  await page
    .getByRole('group', { name: 'My presets' })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(presets).toHaveCount(0);
  expect(await storedPresets(page)).toEqual([]);
});
