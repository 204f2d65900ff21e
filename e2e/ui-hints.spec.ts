import { type Locator, type Page, expect, test } from '@playwright/test';
import { addPhotos, chooseOperation, downloadResult, waitForStatus } from './support/app.ts';
import { type RgbaImage, createImage, encodePng } from './support/images.ts';

// Hint-guided colorization in the app: no colorization model ships, so choosing restore-old-photo
// with "Colorize" opens the colour-hint painter; two dabs of colour colour the two regions of a
// small black-and-white photo, each its own.

const W = 64;
const H = 48;

/** A grey photo: a darker left region and a lighter right one, split by a vertical edge at x 32. */
function twoToneGrey(): RgbaImage {
  const img = createImage(W, H);
  let seed = 11;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const g = (x < 32 ? 80 : 170) + (seed % 5) - 2;
      img.data.set([g, g, g, 255], (y * W + x) * 4);
    }
  return img;
}

const chroma = (r: number, g: number, b: number): [number, number] => {
  const y = 0.299 * r + 0.587 * g + 0.114 * b;
  return [b - y, r - y];
};

/** Mean chroma (U = B − Y, V = R − Y, in 0..255 units) over columns x0..x1 of the image. */
function meanChroma(img: RgbaImage, x0: number, x1: number): [number, number] {
  let u = 0;
  let v = 0;
  let n = 0;
  for (let y = 4; y < img.height - 4; y++)
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 4;
      const [cu, cv] = chroma(img.data[i]!, img.data[i + 1]!, img.data[i + 2]!);
      u += cu;
      v += cv;
      n++;
    }
  return [u / n, v / n];
}

async function dab(page: Page, canvas: Locator, x: number, y: number) {
  const box = (await canvas.boundingBox())!;
  await page.mouse.click(box.x + (x / W) * box.width, box.y + (y / H) * box.height);
}

test('two painted hints colour the two regions of a grey photo, each with its own colour', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Kintsugi' })).toBeVisible();
  await chooseOperation(page, 'Restore old photo');
  // Only the colour step: no face model run, no repair, so the test stays quick.
  const face = page.getByRole('slider', { name: 'Face restoration' });
  await face.fill('0');
  await face.dispatchEvent('change');
  await page.getByLabel('Repair scratches and dust').uncheck();
  await page.getByLabel('Colorize', { exact: true }).check();
  await addPhotos(page, [
    {
      name: 'grey-two-tone.png',
      mimeType: 'image/png',
      buffer: Buffer.from(encodePng(twoToneGrey())),
    },
  ]);

  const painter = page.getByRole('dialog', { name: 'Paint colour hints' });
  await expect(painter).toBeVisible();
  const canvas = painter.getByLabel('Colour hints over grey-two-tone.png');
  await expect(canvas).toHaveAttribute('width', String(W));
  const apply = painter.getByRole('button', { name: 'Colorize with these hints' });
  await expect(apply).toBeDisabled();

  const warm: [number, number, number] = [170, 90, 70];
  const cool: [number, number, number] = [70, 100, 150];
  const hex = (c: number[]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  await painter.getByRole('slider', { name: 'Brush size' }).fill('30');
  await painter.getByLabel('Colour', { exact: true }).fill(hex(warm));
  await dab(page, canvas, 12, 24);
  // A stray dab on the wrong side, undone: undo must take it out of the hints.
  await painter.getByLabel('Colour', { exact: true }).fill(hex(cool));
  await dab(page, canvas, 8, 8);
  await painter.getByRole('button', { name: 'Undo' }).click();
  await dab(page, canvas, 52, 24);
  await apply.click();
  await expect(painter).toBeHidden();

  await waitForStatus(page, 'grey-two-tone.png', 'completed');
  const { image } = await downloadResult(page);
  expect([image.width, image.height]).toEqual([W, H]);
  const left = meanChroma(image, 2, 28);
  const right = meanChroma(image, 36, 62);
  const wantLeft = chroma(...warm);
  const wantRight = chroma(...cool);
  const span = Math.hypot(wantLeft[0] - wantRight[0], wantLeft[1] - wantRight[1]);
  const offLeft = Math.hypot(left[0] - wantLeft[0], left[1] - wantLeft[1]) / span;
  const offRight = Math.hypot(right[0] - wantRight[0], right[1] - wantRight[1]) / span;
  console.log(
    `hint colorization: left off by ${(offLeft * 100).toFixed(1)}%, right ${(offRight * 100).toFixed(1)}%`,
  );
  expect(offLeft).toBeLessThan(0.1);
  expect(offRight).toBeLessThan(0.1);
});
