import { type Locator, type Page, expect, test } from '@playwright/test';
import { addPhotos, chooseOperation, fixture, jobRow } from './support/app.ts';
import { type RgbaImage, decodePng } from './support/images.ts';
import { storedJobs } from './support/ui.ts';

/** The mask of the job made for `name`, decoded from its data URL in the stored spec. */
async function storedMask(page: Page, name: string): Promise<RgbaImage> {
  const [job] = await storedJobs(page, name);
  const url = job?.spec.operations[0]?.params.mask_data_url;
  expect(typeof url).toBe('string');
  expect(url as string).toMatch(/^data:image\/png;base64,/);
  return decodePng(Buffer.from((url as string).split(',')[1]!, 'base64'));
}

const at = (mask: RgbaImage, x: number, y: number) =>
  [...mask.data.subarray((y * mask.width + x) * 4, (y * mask.width + x) * 4 + 4)].join(',');
const WHITE = '255,255,255,255';
const BLACK = '0,0,0,255';

/** Every pixel is pure white or pure black; returns how many are white. */
function whiteCount(mask: RgbaImage): number {
  let white = 0;
  for (let p = 0; p < mask.width * mask.height; p++) {
    const pixel = at(mask, p % mask.width, Math.floor(p / mask.width));
    expect([WHITE, BLACK]).toContain(pixel);
    if (pixel === WHITE) white++;
  }
  return white;
}

/** A point of the canvas given in photo pixels, as page coordinates. */
async function pagePoint(canvas: Locator, x: number, y: number, photoSize = 64) {
  const box = (await canvas.boundingBox())!;
  return { x: box.x + (x / photoSize) * box.width, y: box.y + (y / photoSize) * box.height };
}

async function mouseStroke(
  page: Page,
  canvas: Locator,
  from: [number, number],
  to: [number, number],
) {
  const a = await pagePoint(canvas, ...from);
  const b = await pagePoint(canvas, ...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 12 });
  await page.mouse.up();
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Kintsugi' })).toBeVisible();
});

test('remove-object: a mask painted with the mouse becomes the job’s white-on-black PNG', async ({
  page,
}) => {
  await chooseOperation(page, 'Remove object');
  await addPhotos(page, [fixture('photo-small-64.png')]);
  const painter = page.getByRole('dialog', { name: 'Paint over what to remove' });
  await expect(painter).toBeVisible();
  const canvas = painter.getByLabel('Mask over photo-small-64.png');
  // The mask is made at the photo's own size, however large it is shown.
  await expect(canvas).toHaveAttribute('width', '64');
  await expect(canvas).toHaveAttribute('height', '64');
  expect((await canvas.boundingBox())!.width).toBeGreaterThan(200);
  // With a mouse and keyboard, the keys are listed.
  await expect(painter.getByText(/Ctrl\+Z undo/)).toBeVisible();

  const apply = painter.getByRole('button', { name: 'Apply mask' });
  await expect(apply).toBeDisabled();
  await painter.getByRole('slider', { name: 'Brush size' }).fill('40');
  await mouseStroke(page, canvas, [12, 32], [52, 32]);
  await expect(apply).toBeEnabled();

  // Undo takes the stroke away, redo brings it back; clear is undoable too.
  await painter.getByRole('button', { name: 'Undo' }).click();
  await expect(apply).toBeDisabled();
  await painter.getByRole('button', { name: 'Redo' }).click();
  await expect(apply).toBeEnabled();
  await painter.getByRole('button', { name: 'Clear' }).click();
  await expect(apply).toBeDisabled();
  await page.keyboard.press('Control+z');
  await expect(apply).toBeEnabled();

  // The eraser takes back the right end of the stroke.
  const eraser = painter.getByRole('button', { name: 'Eraser' });
  await eraser.click();
  await expect(eraser).toHaveAttribute('aria-pressed', 'true');
  await mouseStroke(page, canvas, [48, 20], [48, 44]);
  await apply.click();
  await expect(painter).toBeHidden();
  await expect(jobRow(page, 'photo-small-64.png')).toContainText('Remove object');

  const mask = await storedMask(page, 'photo-small-64.png');
  expect([mask.width, mask.height]).toEqual([64, 64]);
  expect(at(mask, 20, 32)).toBe(WHITE); // painted
  expect(at(mask, 32, 32)).toBe(WHITE);
  expect(at(mask, 48, 32)).toBe(BLACK); // erased
  expect(at(mask, 32, 8)).toBe(BLACK); // never touched
  expect(at(mask, 2, 60)).toBe(BLACK);
  const white = whiteCount(mask);
  // A brush of 40 screen px is about 6 photo px wide here, over about 30 px of stroke.
  expect(white).toBeGreaterThan(100);
  expect(white).toBeLessThan(600);
});

test('remove-text without auto-detection opens the painter, which takes touch and pen, one photo at a time', async ({
  page,
}) => {
  await chooseOperation(page, 'Remove text');
  await page.getByRole('checkbox', { name: 'Find text automatically' }).uncheck();
  await addPhotos(page, [fixture('photo-small-32.png'), fixture('photo-small-64.png')]);
  const painter = page.getByRole('dialog', { name: 'Paint over what to remove' });
  await expect(painter).toContainText('photo-small-32.png (1 more photo after this one)');
  await painter.getByRole('button', { name: 'Skip this photo' }).click();
  await expect(painter).toContainText('photo-small-64.png');
  await expect(painter).not.toContainText('more photo');

  const canvas = painter.getByLabel('Mask over photo-small-64.png');
  const cdp = await page.context().newCDPSession(page);
  // A finger across the top, then a pen down the left side.
  const touch = [await pagePoint(canvas, 10, 10), await pagePoint(canvas, 54, 10)];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [touch[0]!] });
  for (let i = 1; i <= 8; i++) {
    const x = touch[0]!.x + ((touch[1]!.x - touch[0]!.x) * i) / 8;
    await cdp.send('Input.dispatchTouchEvent', {
      type: 'touchMove',
      touchPoints: [{ x, y: touch[0]!.y }],
    });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  const pen = [await pagePoint(canvas, 10, 20), await pagePoint(canvas, 10, 54)];
  const penEvent = (
    type: 'mousePressed' | 'mouseMoved' | 'mouseReleased',
    point: { x: number; y: number },
  ) =>
    cdp.send('Input.dispatchMouseEvent', {
      type,
      ...point,
      button: 'left',
      buttons: type === 'mouseReleased' ? 0 : 1,
      clickCount: 1,
      pointerType: 'pen',
      force: 0.5,
    });
  await penEvent('mousePressed', pen[0]!);
  for (let i = 1; i <= 8; i++) {
    await penEvent('mouseMoved', {
      x: pen[0]!.x,
      y: pen[0]!.y + ((pen[1]!.y - pen[0]!.y) * i) / 8,
    });
  }
  await penEvent('mouseReleased', pen[1]!);

  await painter.getByRole('button', { name: 'Apply mask' }).click();
  await expect(painter).toBeHidden();
  expect(await storedJobs(page, 'photo-small-32.png')).toEqual([]);
  const [job] = await storedJobs(page, 'photo-small-64.png');
  expect(job?.spec.operations[0]).toMatchObject({
    type: 'remove-text',
    params: { auto_detect: false },
  });
  const mask = await storedMask(page, 'photo-small-64.png');
  expect(at(mask, 32, 10)).toBe(WHITE); // touch
  expect(at(mask, 10, 40)).toBe(WHITE); // pen
  expect(at(mask, 40, 40)).toBe(BLACK);
  whiteCount(mask);
});

test('remove-text with auto-detection needs no mask and queues at once', async ({ page }) => {
  await chooseOperation(page, 'Remove text');
  await addPhotos(page, [fixture('photo-small-32.png')]);
  await expect(jobRow(page, 'photo-small-32.png')).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'Paint over what to remove' })).toBeHidden();
  const [job] = await storedJobs(page, 'photo-small-32.png');
  expect(job?.spec.operations[0]?.params.mask_data_url).toBeUndefined();
});

test('a pen draws thinner the lighter it presses', async ({ page }) => {
  await chooseOperation(page, 'Remove object');
  await addPhotos(page, [fixture('photo-small-64.png')]);
  const painter = page.getByRole('dialog', { name: 'Paint over what to remove' });
  const canvas = painter.getByLabel('Mask over photo-small-64.png');
  await painter.getByRole('slider', { name: 'Brush size' }).fill('60');
  const cdp = await page.context().newCDPSession(page);
  const penStroke = async (y: number, force: number) => {
    const [from, to] = [await pagePoint(canvas, 8, y), await pagePoint(canvas, 56, y)];
    const send = (
      type: 'mousePressed' | 'mouseMoved' | 'mouseReleased',
      x: number,
      buttons: number,
    ) =>
      cdp.send('Input.dispatchMouseEvent', {
        type,
        x,
        y: from.y,
        button: 'left',
        buttons,
        clickCount: 1,
        pointerType: 'pen',
        force,
      });
    await send('mousePressed', from.x, 1);
    for (let i = 1; i <= 8; i++) await send('mouseMoved', from.x + ((to.x - from.x) * i) / 8, 1);
    await send('mouseReleased', to.x, 0);
  };
  await penStroke(16, 1);
  await penStroke(48, 0.1);
  await painter.getByRole('button', { name: 'Apply mask' }).click();
  const mask = await storedMask(page, 'photo-small-64.png');
  // The stroke's thickness, measured down the middle column, above and below the halfway line.
  const thickness = (top: number) =>
    Array.from({ length: 32 }, (_, y) => at(mask, 32, top + y)).filter((p) => p === WHITE).length;
  const hard = thickness(0);
  const light = thickness(32);
  expect(light).toBeGreaterThan(0);
  expect(hard).toBeGreaterThan(light * 2);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('one finger paints, two fingers zoom without painting; touch gets no keyboard hints and nothing scrolls sideways', async ({
    page,
  }) => {
    await chooseOperation(page, 'Remove object');
    await addPhotos(page, [fixture('photo-small-64.png')]);
    const painter = page.getByRole('dialog', { name: 'Paint over what to remove' });
    await expect(painter).toBeVisible();
    const canvas = painter.getByLabel('Mask over photo-small-64.png');
    await expect(canvas).toBeVisible();
    const apply = painter.getByRole('button', { name: 'Apply mask' });

    // Gestures, not keys: the keyboard hint is for a mouse and keyboard only.
    await expect(painter.getByText(/Ctrl\+Z/)).toHaveCount(0);
    await expect(painter.getByText(/Pinch with two to zoom/)).toBeVisible();
    // The dialog fits the phone's width and its controls are finger-sized.
    expect(
      await painter.evaluate((dialog) => ({
        dialog: dialog.scrollWidth <= dialog.clientWidth,
        page: document.documentElement.scrollWidth <= 390,
        right: dialog.getBoundingClientRect().right <= 390,
      })),
    ).toEqual({ dialog: true, page: true, right: true });
    const small = await painter
      .locator('button, label:has(input)')
      .evaluateAll((elements) =>
        elements
          .filter((e) => e.getBoundingClientRect().height < 44)
          .map((e) => e.textContent?.trim()),
      );
    expect(small).toEqual([]);

    // Two fingers spread apart: the photo is zoomed in and nothing is painted.
    const frame = (await painter.locator('.paint-view').boundingBox())!;
    const centre = { x: frame.x + frame.width / 2, y: frame.y + frame.height / 2 };
    const cdp = await page.context().newCDPSession(page);
    const fingers = (spread: number) => [
      { x: centre.x - spread, y: centre.y, id: 1 },
      { x: centre.x + spread, y: centre.y, id: 2 },
    ];
    await cdp.send('Input.dispatchTouchEvent', {
      type: 'touchStart',
      touchPoints: [fingers(30)[0]!],
    });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(30) });
    for (let spread = 40; spread <= 90; spread += 10) {
      await cdp.send('Input.dispatchTouchEvent', {
        type: 'touchMove',
        touchPoints: fingers(spread),
      });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    const zoomed = (await canvas.boundingBox())!;
    expect(zoomed.width).toBeGreaterThan(frame.width * 2);
    await expect(apply).toBeDisabled();
    await expect(painter.getByRole('button', { name: 'Show the whole photo' })).toBeVisible();

    // One finger taps a dot at the middle of the frame: the photo pixel under it is painted.
    const pixel = {
      x: Math.round(((centre.x - zoomed.x) / zoomed.width) * 64),
      y: Math.round(((centre.y - zoomed.y) / zoomed.height) * 64),
    };
    await page.touchscreen.tap(centre.x, centre.y);
    await expect(apply).toBeEnabled();
    await apply.click();
    await expect(painter).toBeHidden();
    const mask = await storedMask(page, 'photo-small-64.png');
    expect(at(mask, pixel.x, pixel.y)).toBe(WHITE);
    expect(at(mask, 2, 2)).toBe(BLACK);
    expect(at(mask, 61, 61)).toBe(BLACK);
    // A 24-px brush zoomed more than twice covers only a few photo pixels.
    const white = whiteCount(mask);
    expect(white).toBeGreaterThan(0);
    expect(white).toBeLessThan(60);
  });
});
