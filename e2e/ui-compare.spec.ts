import { expect, test } from '@playwright/test';
import { addPhotos, chooseOperation, fixture, waitForStatus } from './support/app.ts';
import { pictureTransforms } from './support/ui.ts';

/** translate(x, y) scale(s) as the browser computes it: matrix(s, 0, 0, s, x, y). */
function parseMatrix(transform: string) {
  const values = /^matrix\(([^)]+)\)$/.exec(transform)?.[1]?.split(',').map(Number);
  if (!values) throw new Error(`not a 2D matrix: ${transform}`);
  const [scale, , , , x, y] = values as [number, number, number, number, number, number];
  return { scale, x, y };
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await chooseOperation(page, 'Upscale ×2');
  await addPhotos(page, [fixture('photo-small-64.png')]);
  await waitForStatus(page, 'photo-small-64.png', 'completed');
});

test('slider, side by side and magnifier share one zoom and pan; 100% shows the real output', async ({
  page,
}) => {
  const result = page.getByRole('region', { name: 'Result' });
  const surface = result.getByRole('application', { name: /^Result view/ });
  const before = result.getByRole('img', { name: 'Before' });
  const after = result.getByRole('img', { name: 'After' });
  await expect(before).toBeVisible();
  await expect(after).toBeVisible();

  // Slider: the two pictures stacked under one transform, fitted to the view at first.
  let [a, b] = await pictureTransforms(page);
  expect(a).toBe(b);
  const fitted = parseMatrix(a!);
  await result.getByRole('button', { name: 'Zoom in' }).click();
  await surface.press('ArrowRight');
  await surface.press('ArrowDown');
  [a, b] = await pictureTransforms(page);
  expect(a).toBe(b);
  const zoomed = parseMatrix(a!);
  expect(zoomed.scale).toBeCloseTo(fitted.scale * 1.5, 5);
  expect(zoomed.x).toBeLessThan(fitted.x);
  expect(zoomed.y).toBeLessThan(fitted.y);

  // Side by side: two panes, the same transform, and zooming either zooms both.
  await result.getByRole('radio', { name: 'Side by side' }).check();
  await expect(result.locator('.pane')).toHaveCount(2);
  await expect(before).toBeVisible();
  await expect(after).toBeVisible();
  await surface.press('+');
  [a, b] = await pictureTransforms(page);
  expect(a).toBe(b);
  expect(parseMatrix(a!).scale).toBeCloseTo(zoomed.scale * 1.5, 5);

  // Magnifier: a lens whose before and after halves look at the same pixel, moved by keys.
  await result.getByRole('radio', { name: 'Magnifier' }).check();
  const lens = result.locator('.lens');
  await expect(lens).toBeVisible();
  const [left, right] = await pictureTransforms(page, '.lens img');
  expect(left).toBe(right);
  const lensBox = (await lens.boundingBox())!;
  await surface.press('ArrowLeft');
  expect((await lens.boundingBox())!.x).toBeLessThan(lensBox.x);
  await expect(result.getByText(/use the arrow keys to move the lens/)).toBeVisible();

  // 100%: one output pixel per device pixel, the decoded output never scaled down.
  await result.getByRole('radio', { name: 'Slider' }).check();
  await result.getByRole('button', { name: '100%' }).click();
  const dpr = await page.evaluate(() => devicePixelRatio);
  expect(parseMatrix((await pictureTransforms(page))[0]!).scale).toBeCloseTo(1 / dpr, 5);
  expect(await after.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(128);
  expect((await after.boundingBox())!.width).toBeCloseTo(128 / dpr, 1);
  await expect(result.locator('.zoom output')).toHaveText('100%');
  await expect(result).toContainText('128×128 px');

  // Fit again puts the whole picture back in view.
  await surface.press('0');
  expect(parseMatrix((await pictureTransforms(page))[0]!).scale).toBeCloseTo(fitted.scale, 5);
});

test('the before/after slider works from the keyboard', async ({ page }) => {
  const result = page.getByRole('region', { name: 'Result' });
  const slider = result.getByRole('slider', { name: 'Compare before and after' });
  const clip = result.locator('.clip');
  // What a person sees at the middle of the picture: the before once the split passes it.
  const seenAtCentre = () =>
    result.getByRole('img', { name: 'After' }).evaluate((img) => {
      const rect = img.getBoundingClientRect();
      const hit = document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2);
      return hit?.getAttribute('alt');
    });

  await slider.focus();
  await expect(slider).toHaveValue('50');
  await page.keyboard.press('End');
  await expect(slider).toHaveValue('100');
  await expect(clip).toHaveAttribute('style', '--split: 100%;');
  expect(await seenAtCentre()).toBe('Before');
  await page.keyboard.press('Home');
  await expect(slider).toHaveValue('0');
  await expect(clip).toHaveAttribute('style', '--split: 0%;');
  expect(await seenAtCentre()).toBe('After');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await expect(slider).toHaveValue('5');
  await expect(clip).toHaveAttribute('style', '--split: 5%;');
});
