import { type Page, expect, test } from '@playwright/test';
import { addPhotos, chooseOperation, fixture, startButton, waitForStatus } from './support/app.ts';
import { storedJobs } from './support/ui.ts';

/** The settings of the first step, as the page will send them with the next photo. */
function chosenParams(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(() => {
    const stored = JSON.parse(localStorage.getItem('kintsugi.settings') ?? '{}') as {
      operations?: { params: Record<string, unknown> }[];
    };
    return stored.operations?.[0]?.params ?? {};
  });
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Kintsugi' })).toBeVisible();
});

test('numbers are sliders with their value shown, and the value takes an exact figure', async ({
  page,
}) => {
  await chooseOperation(page, 'Blur background');
  const slider = page.getByRole('slider', { name: 'Blur strength' });
  const exact = page.getByRole('spinbutton', { name: 'Blur strength, exact value' });
  await expect(slider).toHaveValue('20');
  await expect(exact).toHaveValue('20');
  await slider.fill('55');
  await expect(exact).toHaveValue('55');
  expect(await chosenParams(page)).toMatchObject({ blur_radius: 55 });
  await exact.fill('7.5');
  await exact.press('Tab');
  await expect(slider).toHaveValue('7.5');
  expect(await chosenParams(page)).toMatchObject({ blur_radius: 7.5 });
  // Out of range: the slider's bound is kept, not an error at run time.
  await exact.fill('500');
  await exact.press('Tab');
  await expect(exact).toHaveValue('100');
  expect(await chosenParams(page)).toMatchObject({ blur_radius: 100 });
});

test('the upscale model is a choice in plain words, with detail behind a disclosure', async ({
  page,
}) => {
  await chooseOperation(page, 'Upscale ×2');
  const models = page.getByRole('group', { name: 'Model' });
  for (const name of [
    'Automatic',
    'Real-ESRGAN (sharp, general photos)',
    'Best (slow, Real-ESRGAN x4plus)',
    'Faithful (fastest)',
  ]) {
    // The estimate, where one is measured, follows the name.
    await expect(models.getByRole('radio', { name })).toHaveCount(1);
  }
  await expect(models.getByRole('radio', { name: /^Automatic/ })).toBeChecked();
  // Each model says what it costs here (on this CPU): x4plus in minutes, faithful in seconds.
  await expect(models.getByRole('radio', { name: /^Best .*about \d+ (min|h)/ })).toHaveCount(1);
  await expect(
    models.getByRole('radio', { name: /^Faithful .*about \d+ s per megapixel/ }),
  ).toHaveCount(1);
  await models.getByRole('radio', { name: /^Faithful/ }).check();
  expect(await chosenParams(page)).toEqual({ scale: 2, model: 'faithful' });
  // The model ids are there for whoever opens the detail, not in the main text.
  await expect(page.getByText('realesr-general-x4v3', { exact: false })).toBeHidden();
  await page.getByText('More detail').last().click();
  await expect(page.getByText(/realesr-general-x4v3/)).toBeVisible();
});

test('replace background starts on white, takes a swatch or a typed colour, and runs', async ({
  page,
}) => {
  await chooseOperation(page, 'Replace background');
  await expect(page.getByRole('radio', { name: 'Colour' })).toBeChecked();
  // The scene from a prompt cannot run in this version: it is not offered.
  await expect(page.getByRole('radio', { name: /Described scene/ })).toHaveCount(0);
  const code = page.getByRole('textbox', { name: 'Colour: colour code' });
  await expect(code).toHaveValue('#FFFFFF');
  expect(await chosenParams(page)).toEqual({
    background_type: 'color',
    background_color: '#FFFFFF',
  });
  await page.getByRole('button', { name: 'Black' }).click();
  await expect(code).toHaveValue('#000000');
  await expect(page.getByRole('button', { name: 'Black' })).toHaveAttribute('aria-pressed', 'true');
  await code.fill('#20c040');
  await expect(page.getByRole('textbox', { name: 'Colour: colour code' })).toHaveValue('#20c040');
  expect(await chosenParams(page)).toMatchObject({ background_color: '#20C040' });
  await code.fill('green');
  await expect(page.getByRole('alert')).toHaveText(/colour code such as #FFFFFF/);
  expect(await chosenParams(page)).toMatchObject({ background_color: '#20C040' });

  // Transparent reads no colour: switching sends none, so the job is not refused.
  await page.getByRole('radio', { name: 'Transparent' }).check();
  await expect(code).toBeHidden();
  expect(await chosenParams(page)).toEqual({ background_type: 'transparent' });
  await page.getByRole('radio', { name: 'Colour' }).check();
  expect(await chosenParams(page)).toEqual({
    background_type: 'color',
    background_color: '#FFFFFF',
  });
  await page.getByRole('button', { name: 'Blue' }).click();

  await addPhotos(page, [fixture('photo-small-64.png')]);
  await waitForStatus(page, 'photo-small-64.png', 'completed');
  const [job] = await storedJobs(page, 'photo-small-64.png');
  expect(job?.spec.operations[0]?.params).toEqual({
    background_type: 'color',
    background_color: '#1E5AA8',
  });
});

test('a background picture is chosen from a file, kept where the operation reads it, and used', async ({
  page,
}) => {
  await chooseOperation(page, 'Replace background');
  await page.getByRole('radio', { name: 'Picture' }).check();
  await page.getByLabel('Choose background image').setInputFiles(fixture('photo-wide-300x200.png'));
  await expect(page.getByText('photo-wide-300x200.png')).toBeVisible();
  const params = await chosenParams(page);
  expect(params.background_type).toBe('image');
  expect(params.background_image_key).toMatch(/^uploads\/app\/[\w-]+\.png$/);
  expect(params).not.toHaveProperty('background_color');

  await addPhotos(page, [fixture('photo-small-64.png')]);
  await waitForStatus(page, 'photo-small-64.png', 'completed');
  const [job] = await storedJobs(page, 'photo-small-64.png');
  expect(job?.spec.operations[0]?.params.background_image_key).toBe(params.background_image_key);
  expect(job?.output).toMatchObject({ width: 64, height: 64 });
});

test('crop and resize by numbers: part of the photo, then a width with the proportions kept', async ({
  page,
}) => {
  await chooseOperation(page, 'Crop & resize');
  // The whole photo to start with: the operation runs as offered.
  expect(await chosenParams(page)).toEqual({ crop: { percentage: [0, 0, 100, 100] } });
  await expect(page.getByRole('textbox', { name: 'Crop' })).toHaveCount(0);
  const crop = page.getByRole('group', { name: 'Crop' });
  await crop.getByLabel('Width').fill('50');
  await crop.getByLabel('Width').press('Tab');
  const resize = page.getByRole('group', { name: 'Resize' });
  await expect(resize.getByRole('button', { name: 'Keep proportions' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await resize.getByLabel('New width').fill('16');
  await resize.getByLabel('New width').press('Tab');
  expect(await chosenParams(page)).toMatchObject({
    crop: { percentage: [0, 0, 50, 100] },
    resize: { width: 16, maintain_aspect: true },
  });

  await addPhotos(page, [fixture('photo-small-64.png')]);
  await waitForStatus(page, 'photo-small-64.png', 'completed');
  const [job] = await storedJobs(page, 'photo-small-64.png');
  // 64×64 cropped to its left half (32×64), then 16 wide with the height following.
  expect(job?.output).toMatchObject({ width: 16, height: 32 });

  // Unlocked, both sides are exact: the picture is stretched to them.
  await resize.getByRole('button', { name: 'Keep proportions' }).click();
  await resize.getByLabel('New height').fill('10');
  await resize.getByLabel('New height').press('Tab');
  expect(await chosenParams(page)).toMatchObject({
    resize: { width: 16, height: 10, maintain_aspect: false },
  });
});

test('with a photo staged, the crop is a box drawn on it, with shape chips and exact numbers', async ({
  page,
}) => {
  await chooseOperation(page, 'Crop & resize');
  // Staged, not started: the settings are for this photo.
  await page.getByLabel('Choose photos').setInputFiles(fixture('photo-wide-300x200.png'));
  const crop = page.getByRole('group', { name: 'Crop' });
  const field = (name: string) => crop.getByRole('spinbutton', { name, exact: true });
  const numbers = async () =>
    Promise.all(
      ['Left', 'Top', 'Width', 'Height'].map(async (n) => Number(await field(n).inputValue())),
    );
  await expect(field('Width')).toHaveValue('300');
  await expect(field('Height')).toHaveValue('200');

  await crop.getByRole('button', { name: '1:1' }).click();
  expect(await numbers()).toEqual([50, 0, 200, 200]);
  await crop.getByRole('button', { name: '16:9' }).click();
  expect(await numbers()).toEqual([0, 15, 300, 169]);

  // Drawn with the pointer from outside the box, in photo pixels: (30, 5) to (150, 105).
  await crop.getByRole('button', { name: 'Free' }).click();
  const stage = crop.locator('.stage');
  const drag = async (from: [number, number], to: [number, number]) => {
    await stage.scrollIntoViewIfNeeded();
    const box = (await stage.boundingBox())!;
    const point = (x: number, y: number) => ({
      x: box.x + (x / 300) * box.width,
      y: box.y + (y / 200) * box.height,
    });
    const a = point(...from);
    const b = point(...to);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 8 });
    await page.mouse.up();
  };
  await drag([30, 5], [150, 105]);
  const drawn = await numbers();
  for (const [got, want] of drawn.map((v, i) => [v, [30, 5, 120, 100][i]!])) {
    expect(Math.abs(got! - want!)).toBeLessThanOrEqual(2);
  }
  // Dragged from inside, the box moves and keeps its size.
  await drag([90, 55], [130, 65]);
  const moved = await numbers();
  expect(moved[2]).toBe(drawn[2]);
  expect(moved[3]).toBe(drawn[3]);
  expect(Math.abs(moved[0]! - drawn[0]! - 40)).toBeLessThanOrEqual(2);
  expect(Math.abs(moved[1]! - drawn[1]! - 10)).toBeLessThanOrEqual(2);

  // Exact numbers win, and the locked resize follows the cropped shape.
  for (const [name, value] of [
    ['Left', '10'],
    ['Top', '20'],
    ['Width', '120'],
    ['Height', '90'],
  ] as const) {
    await field(name).fill(value);
    await field(name).press('Tab');
  }
  expect(await numbers()).toEqual([10, 20, 120, 90]);
  const resize = page.getByRole('group', { name: 'Resize' });
  await resize.getByLabel('New width').fill('60');
  await resize.getByLabel('New width').press('Tab');
  await expect(resize.getByLabel('New height')).toHaveValue('45');

  // The box, chips and numbers fit a 320 px phone without sideways scrolling.
  await page.setViewportSize({ width: 320, height: 640 });
  await expect(crop.locator('.stage')).toBeVisible();
  expect(
    await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    ),
  ).toBe(0);

  await startButton(page).click();
  await waitForStatus(page, 'photo-wide-300x200.png', 'completed');
  const [job] = await storedJobs(page, 'photo-wide-300x200.png');
  expect(job?.output).toMatchObject({ width: 60, height: 45 });
});
