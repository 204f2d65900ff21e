import { expect, test } from '@playwright/test';
import { addPhotos, fixture, waitForStatus } from './support/app.ts';
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

test('a chain of steps runs in order, and is kept as a preset of my own', async ({ page }) => {
  await page.goto('/');
  const first = page.getByRole('combobox', { name: 'Operation', exact: true });
  const second = page.getByRole('combobox', { name: 'Then, step 2' });
  await first.selectOption({ label: 'Upscale ×2' });
  // Keyboard only: focus the button, Enter adds a step.
  await page.getByRole('button', { name: 'Add a step' }).focus();
  await page.keyboard.press('Enter');
  await second.selectOption({ label: 'Convert format' });
  await page
    .getByRole('listitem')
    .filter({ has: second })
    .getByLabel('Format', { exact: true })
    .selectOption('jpg');

  // Reorder: up, and back down.
  await page.getByRole('button', { name: 'Move up (step 2)' }).click();
  await expect(first).toHaveValue('convert');
  await expect(second).toHaveValue('enhance:2');
  await page.getByRole('button', { name: 'Move down (step 1)' }).click();
  await expect(first).toHaveValue('enhance:2');
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

  // Save the steps as a preset, from the keyboard (Enter submits).
  await page.getByRole('textbox', { name: 'Preset name' }).fill('Web-ready');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Saved the steps as “Web-ready”.')).toBeVisible();
  await page.getByRole('radio', { name: 'Side by side' }).check();

  // Everything is remembered across a reload: the chain, the view mode, the preset.
  await page.reload();
  await expect(first).toHaveValue('enhance:2');
  await expect(second).toHaveValue('convert');
  await expect(page.getByRole('radio', { name: 'Side by side' })).toBeChecked();
  const presets = page.getByRole('combobox', { name: 'My presets' });
  await expect(presets.getByRole('option')).toHaveText(['Web-ready']);

  // Change the steps, then apply the preset: its steps come back.
  await page.getByRole('button', { name: 'Remove (step 2)' }).click();
  await expect(second).toHaveCount(0);
  await first.selectOption({ label: 'Remove noise' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(first).toHaveValue('enhance:2');
  await expect(second).toHaveValue('convert');

  // Rename, kept in IndexedDB; then delete.
  await page.getByRole('button', { name: 'Rename' }).click();
  await page.getByRole('textbox', { name: 'New name' }).fill('Web small');
  await page.getByRole('button', { name: 'Save name' }).click();
  await page.reload();
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
