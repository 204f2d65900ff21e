import { type Locator, expect, test } from '@playwright/test';
import { addPhotos, chooseOperation, fixture, jobRow, waitForStatus } from './support/app.ts';
import { encodePng } from './support/images.ts';
import { pictureTransforms } from './support/ui.ts';

/** translate(x, y) scale(s) as the browser computes it: matrix(s, 0, 0, s, x, y). */
function parseMatrix(transform: string) {
  const values = /^matrix\(([^)]+)\)$/.exec(transform)?.[1]?.split(',').map(Number);
  if (!values) throw new Error(`not a 2D matrix: ${transform}`);
  const [scale, , , , x, y] = values as [number, number, number, number, number, number];
  return { scale, x, y };
}

test.describe('an opaque ×2 result', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await chooseOperation(page, 'Upscale ×2');
    await addPhotos(page, [fixture('photo-small-64.png')]);
    await waitForStatus(page, 'photo-small-64.png', 'completed');
  });

  test('slider, side by side and magnifier share one zoom and pan; 100% shows the real output', async ({
    page,
  }) => {
    const result = page.getByRole('region', { name: 'Result', exact: true });
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
    await expect(page.getByRole('region', { name: 'The result' })).toContainText('128×128');

    // Fit again puts the whole picture back in view.
    await surface.press('0');
    expect(parseMatrix((await pictureTransforms(page))[0]!).scale).toBeCloseTo(fitted.scale, 5);
  });

  test('the divider is a slider that works from the keyboard', async ({ page }) => {
    const result = page.getByRole('region', { name: 'Result', exact: true });
    const slider = result.getByRole('slider', { name: 'Compare before and after' });
    const clip = result.locator('.clip');
    // What a person sees at the middle of the picture: the before once the split passes it.
    const seenAtCentre = () =>
      result.getByRole('img', { name: 'After' }).evaluate((img) => {
        const rect = img.getBoundingClientRect();
        const hit = document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2);
        return hit?.closest('.divider') ? 'divider' : hit?.getAttribute('alt');
      });
    const initial = await pictureTransforms(page);
    // The separate range input is gone: the divider is the only control of the split.
    await expect(result.locator('input[type=range]')).toHaveCount(0);

    await slider.focus();
    await expect(slider).toHaveAttribute('aria-valuenow', '50');
    await page.keyboard.press('End');
    await expect(slider).toHaveAttribute('aria-valuenow', '100');
    await expect(clip).toHaveAttribute('style', '--split: 100%;');
    expect(await seenAtCentre()).toBe('Before');
    await page.keyboard.press('Home');
    await expect(slider).toHaveAttribute('aria-valuenow', '0');
    await expect(clip).toHaveAttribute('style', '--split: 0%;');
    expect(await seenAtCentre()).toBe('After');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await expect(slider).toHaveAttribute('aria-valuenow', '5');
    await expect(clip).toHaveAttribute('style', '--split: 5%;');
    // The arrows move the divider, not the picture under it.
    expect(await pictureTransforms(page)).toEqual(initial);
  });

  test('the divider follows a drag on the picture; a drag elsewhere pans', async ({ page }) => {
    const result = page.getByRole('region', { name: 'Result', exact: true });
    const slider = result.getByRole('slider', { name: 'Compare before and after' });
    const surface = result.getByRole('application', { name: /^Result view/ });
    const after = result.getByRole('img', { name: 'After' });
    await surface.scrollIntoViewIfNeeded();
    const pane = (await surface.boundingBox())!;
    const image = (await after.boundingBox())!;
    const initial = await pictureTransforms(page);

    // Grab the divider where it crosses the picture and drag it to three quarters of the image.
    const start = await centreX(slider);
    expect(start).toBeCloseTo(pane.x + pane.width / 2, 0);
    // Halfway down the part of the picture in the window.
    const bottom = Math.min(image.y + image.height, page.viewportSize()!.height);
    const y = (Math.max(image.y, 0) + bottom) / 2;
    const target = image.x + image.width * 0.75;
    await page.mouse.move(start, y);
    await page.mouse.down();
    await page.mouse.move(target, y, { steps: 8 });
    await page.mouse.up();
    expect(await centreX(slider)).toBeCloseTo(target, 0);
    const percent = Math.round(((target - pane.x) / pane.width) * 100);
    await expect(slider).toHaveAttribute('aria-valuenow', String(percent));
    // Where the divider went, the before ends: left of it the before, right of it the after.
    const seen = (x: number) =>
      page.evaluate(
        ([x, y]) => document.elementFromPoint(x!, y!)?.getAttribute('alt'),
        [x, y + 30],
      );
    expect(await seen(target - 30)).toBe('Before');
    expect(await seen(target + 30)).toBe('After');
    // The picture did not move while the divider did.
    expect(await pictureTransforms(page)).toEqual(initial);

    // Zoomed in, a drag that starts away from the divider pans the picture, divider left alone.
    await result.getByRole('button', { name: 'Zoom in' }).click();
    const zoomed = parseMatrix((await pictureTransforms(page))[0]!);
    const from = { x: pane.x + pane.width * 0.3, y };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x, from.y + 60, { steps: 6 });
    await page.mouse.up();
    const panned = parseMatrix((await pictureTransforms(page))[0]!);
    expect(panned.scale).toBeCloseTo(zoomed.scale, 5);
    expect(panned.y).toBeCloseTo(zoomed.y + 60, 0);
    await expect(slider).toHaveAttribute('aria-valuenow', String(percent));
  });

  test('Before and After are labelled in slider and side by side', async ({ page }) => {
    const result = page.getByRole('region', { name: 'Result', exact: true });
    const slider = result.getByRole('slider', { name: 'Compare before and after' });
    const label = (text: string) => result.locator('.label', { hasText: text });
    await expect(label('Before')).toBeVisible();
    await expect(label('After')).toBeVisible();
    // In the slider, each label sits on its own side of the divider.
    const divider = await centreX(slider);
    expect(await centreX(label('Before'))).toBeLessThan(divider);
    expect(await centreX(label('After'))).toBeGreaterThan(divider);

    await result.getByRole('radio', { name: 'Side by side' }).check();
    const panes = result.locator('.pane');
    await expect(panes.nth(0).locator('.label')).toHaveText('Before');
    await expect(panes.nth(1).locator('.label')).toHaveText('After');
    await expect(panes.nth(1).locator('.label')).toBeVisible();
  });

  test('the wheel zooms around the cursor, and both sides follow side by side', async ({
    page,
  }) => {
    const result = page.getByRole('region', { name: 'Result', exact: true });
    const surface = result.getByRole('application', { name: /^Result view/ });
    await surface.scrollIntoViewIfNeeded();
    const pane = (await surface.boundingBox())!;
    const fitted = parseMatrix((await pictureTransforms(page))[0]!);
    const zoomOutput = result.locator('.zoom output');
    const percentBefore = await zoomOutput.textContent();

    // Slider: the image pixel under the cursor stays under it (in height: a picture narrower
    // than the view stays centred across it).
    const cursor = { x: pane.x + pane.width / 2 + 40, y: pane.y + pane.height / 2 - 30 };
    await page.mouse.move(cursor.x, cursor.y);
    await page.mouse.wheel(0, -300);
    await expect(zoomOutput).not.toHaveText(percentBefore!);
    const zoomed = parseMatrix((await pictureTransforms(page))[0]!);
    expect(zoomed.scale).toBeGreaterThan(fitted.scale * 1.2);
    const pixel = (m: { scale: number; x: number; y: number }) => ({
      x: (cursor.x - pane.x - m.x) / m.scale,
      y: (cursor.y - pane.y - m.y) / m.scale,
    });
    expect(pixel(zoomed).y).toBeCloseTo(pixel(fitted).y, 0);

    // Side by side: the wheel over the after zooms the before just as much.
    await result.getByRole('radio', { name: 'Side by side' }).check();
    await result.locator('.pane').nth(1).scrollIntoViewIfNeeded();
    const afterPane = (await result.locator('.pane').nth(1).boundingBox())!;
    await page.mouse.move(afterPane.x + afterPane.width / 2, afterPane.y + afterPane.height / 2);
    await page.mouse.wheel(0, -300);
    let [a, b] = await pictureTransforms(page);
    expect(a).toBe(b);
    expect(parseMatrix(a!).scale).toBeGreaterThan(zoomed.scale * 1.2);
    // And a drag on either pans both.
    const beforePane = (await result.locator('.pane').nth(0).boundingBox())!;
    const origin = parseMatrix(a!);
    await page.mouse.move(beforePane.x + 40, beforePane.y + 40);
    await page.mouse.down();
    await page.mouse.move(beforePane.x + 40, beforePane.y + 80, { steps: 4 });
    await page.mouse.up();
    [a, b] = await pictureTransforms(page);
    expect(a).toBe(b);
    expect(parseMatrix(a!).y).toBeCloseTo(origin.y + 40, 0);
  });

  test('the result fills the view it is given and opaque photos get no checkerboard', async ({
    page,
  }) => {
    const result = page.getByRole('region', { name: 'Result', exact: true });
    const surface = result.getByRole('application', { name: /^Result view/ });
    const after = result.getByRole('img', { name: 'After' });
    const pane = (await surface.boundingBox())!;
    const region = (await result.boundingBox())!;
    // One pane as wide as the result area, fitted: the picture touches two opposite edges.
    expect(pane.width).toBeGreaterThan(region.width * 0.95);
    expect(pane.height).toBeGreaterThan(250);
    const image = (await after.boundingBox())!;
    const touches =
      Math.abs(image.width - pane.width) < 1 || Math.abs(image.height - pane.height) < 1;
    expect(touches).toBe(true);
    expect(await checkerboard(surface)).toBe(false);
  });
});

test('a result with transparency shows the checkerboard; its opaque input does not', async ({
  page,
}) => {
  await page.goto('/');
  await chooseOperation(page, 'Convert format');
  await addPhotos(page, [
    { name: 'half-clear.png', mimeType: 'image/png', buffer: Buffer.from(encodePng(halfClear())) },
    {
      name: 'opaque.png',
      mimeType: 'image/png',
      buffer: Buffer.from(encodePng(halfClear(255))),
    },
  ]);
  await waitForStatus(page, 'half-clear.png', 'completed');
  await waitForStatus(page, 'opaque.png', 'completed');
  const result = page.getByRole('region', { name: 'Result', exact: true });
  const surface = result.getByRole('application', { name: /^Result view/ });

  const select = (name: string) => jobRow(page, name).getByRole('button', { name }).click();
  await select('half-clear.png');
  await expect(result.getByRole('img', { name: 'After' })).toBeVisible();
  await expect.poll(() => checkerboard(surface)).toBe(true);
  await result.getByRole('radio', { name: 'Side by side' }).check();
  await expect.poll(() => checkerboard(result.locator('.pane').nth(1))).toBe(true);

  await select('opaque.png');
  await expect(result.getByRole('img', { name: 'After' })).toBeVisible();
  // Give the scan its time: it must settle on "opaque", not merely not have answered yet.
  await page.waitForTimeout(500);
  expect(await checkerboard(result.locator('.pane').nth(0))).toBe(false);
  expect(await checkerboard(result.locator('.pane').nth(1))).toBe(false);
});

/** A 48×32 picture whose right half is transparent (or, with alpha 255, opaque). */
function halfClear(alpha = 0) {
  const width = 48;
  const height = 32;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data.set([200, 120, 60, i % width < width / 2 ? 255 : alpha], i * 4);
  }
  return { width, height, data };
}

/** Whether the checkerboard is painted behind a pane. */
function checkerboard(pane: Locator): Promise<boolean> {
  return pane.evaluate((el) => getComputedStyle(el).backgroundImage.includes('gradient'));
}

async function centreX(locator: Locator): Promise<number> {
  const box = (await locator.boundingBox())!;
  return box.x + box.width / 2;
}

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('two fingers pinch-zoom both sides together; one finger on the divider drags it', async ({
    page,
  }) => {
    await page.goto('/');
    await chooseOperation(page, 'Upscale ×2');
    await addPhotos(page, [fixture('photo-small-64.png')]);
    await waitForStatus(page, 'photo-small-64.png', 'completed');
    const result = page.getByRole('region', { name: 'Result', exact: true });
    const slider = result.getByRole('slider', { name: 'Compare before and after' });
    const surface = result.getByRole('application', { name: /^Result view/ });
    await surface.scrollIntoViewIfNeeded();
    const pane = (await surface.boundingBox())!;
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove', points: { x: number; y: number }[]) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: points.map((p, id) => ({ ...p, id })),
      });
    const end = () => cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });

    // A finger on the divider drags it a quarter of the view to the left.
    const y = pane.y + pane.height / 2 + 60;
    const from = pane.x + pane.width / 2;
    await touch('touchStart', [{ x: from, y }]);
    for (let i = 1; i <= 5; i++)
      await touch('touchMove', [{ x: from - (pane.width / 4) * (i / 5), y }]);
    await end();
    await expect(slider).toHaveAttribute('aria-valuenow', '25');

    // Two fingers spread apart in side by side: both pictures zoom, by the same transform.
    await result.getByRole('radio', { name: 'Side by side' }).check();
    const [fitted] = await pictureTransforms(page);
    const first = (await result.locator('.pane').nth(0).boundingBox())!;
    const centre = { x: first.x + first.width / 2, y: first.y + first.height / 2 };
    const fingers = (spread: number) => [
      { x: centre.x - spread, y: centre.y },
      { x: centre.x + spread, y: centre.y },
    ];
    await touch('touchStart', fingers(20).slice(0, 1));
    await touch('touchStart', fingers(20));
    for (let spread = 30; spread <= 80; spread += 10) await touch('touchMove', fingers(spread));
    await end();
    const [a, b] = await pictureTransforms(page);
    expect(a).toBe(b);
    expect(parseMatrix(a!).scale).toBeGreaterThan(parseMatrix(fitted!).scale * 2.5);
  });
});
