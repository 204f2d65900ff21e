import { expect, test } from '@playwright/test';
import { addPhotos, chooseOperation, fixture, jobRow, waitForStatus } from './support/app.ts';

test('a running upscale paints its tiles into a small live preview, band by band', async ({
  page,
}) => {
  await page.goto('/');
  await chooseOperation(page, 'Upscale ×2');
  // The faithful model tiles this photo in two bands (Real-ESRGAN's bigger tiles take it in one).
  await page.getByRole('radio', { name: /^Faithful/ }).check();
  // Every band the preview paints, as it paints it: the last one lands just before the job
  // completes and the preview is removed, too briefly for a poll to be sure to see it.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { bandsSeen: number[] }).bandsSeen = seen;
    new MutationObserver((records) => {
      for (const r of records) seen.push(Number((r.target as Element).getAttribute('data-bands')));
    }).observe(document.body, { subtree: true, attributeFilter: ['data-bands'] });
  });
  await addPhotos(page, [fixture('photo-wide-360x240.png')]);
  const canvas = page.locator('.live canvas');
  // The first band is in: the top is painted, the bottom still waits for its tiles.
  await expect(canvas).toHaveAttribute('data-bands', '1', { timeout: 60_000 });
  await expect(jobRow(page, 'photo-wide-360x240.png')).toHaveAttribute('data-status', 'processing');
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
  // 720×480 of output, previewed at display size: memory stays bounded by the preview.
  expect(first).toEqual({ width: 480, height: 320, top: 255, bottom: 0 });
  // Under the tiles still to come lies the input itself, on the same box as the canvas, so the
  // picture fills in tile by tile; the percentage is painted on it.
  const input = page.locator('.live img.live-input');
  await expect(input).toBeVisible();
  const boxes = await Promise.all([input.boundingBox(), canvas.boundingBox()]);
  expect(boxes[0]).toEqual(boxes[1]);
  expect(
    await input.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]),
  ).toEqual([360, 240]);
  await expect(page.locator('.live .live-percent')).toHaveText(/^\d+%$/);
  await waitForStatus(page, 'photo-wide-360x240.png', 'completed');
  // 360×240 is two bands of tiles (3×2 tiles of 152 px): both were painted, in order.
  const seen = await page.evaluate(() => (window as unknown as { bandsSeen: number[] }).bandsSeen);
  expect(seen.filter((n) => n > 0)).toEqual([1, 2]);
  // Done: the preview gives way to the real result.
  await expect(canvas).toHaveCount(0);
});
