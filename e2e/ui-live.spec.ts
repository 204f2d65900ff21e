import { expect, test } from '@playwright/test';
import { addPhotos, chooseOperation, fixture, jobRow, waitForStatus } from './support/app.ts';

test('a running upscale paints its tiles into a small live preview, band by band', async ({
  page,
}) => {
  await page.goto('/');
  await chooseOperation(page, 'Upscale ×2');
  await addPhotos(page, [fixture('photo-wide-300x200.png')]);
  const canvas = page.locator('.live canvas');
  // The first band is in: the top is painted, the bottom still waits for its tiles.
  await expect(canvas).toHaveAttribute('data-bands', '1', { timeout: 60_000 });
  await expect(jobRow(page, 'photo-wide-300x200.png')).toHaveAttribute('data-status', 'processing');
  const first = await canvas.evaluate((element: HTMLCanvasElement) => {
    const { data } = element.getContext('2d')!.getImageData(0, 0, element.width, element.height);
    const opaque = (y: number) => data[(y * element.width + element.width / 2) * 4 + 3];
    return {
      width: element.width,
      height: element.height,
      top: opaque(0),
      bottom: opaque(element.height - 1),
    };
  });
  // 600×400 of output, previewed at display size: memory stays bounded by the preview.
  expect(first).toEqual({ width: 480, height: 320, top: 255, bottom: 0 });
  await expect
    .poll(() => canvas.getAttribute('data-bands').then(Number), { timeout: 60_000 })
    .toBeGreaterThan(1);
  await waitForStatus(page, 'photo-wide-300x200.png', 'completed');
  // Done: the preview gives way to the real result.
  await expect(canvas).toHaveCount(0);
});
