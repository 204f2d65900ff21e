import { type Page, expect, test } from '@playwright/test';
import { expectNoSeriousViolations } from './support/axe.ts';
import {
  addPhotos,
  chooseOperation,
  fixture,
  openMore,
  startButton,
  waitForStatus,
} from './support/app.ts';

async function withResult(page: Page) {
  await page.goto('/');
  await chooseOperation(page, 'Upscale ×2');
  await addPhotos(page, [fixture('photo-small-64.png'), fixture('corrupt.png')]);
  await waitForStatus(page, 'photo-small-64.png', 'completed');
  await waitForStatus(page, 'corrupt.png', 'failed');
  await page.getByRole('button', { name: 'photo-small-64.png' }).click();
}

test('the main screen with a result and Settings open has no serious accessibility problem, in both themes', async ({
  page,
}) => {
  // Colours transition after a theme switch; axe must measure the settled colours, not a frame
  // in between. The app turns transitions off under reduced motion (tested below).
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await withResult(page);
  await page.getByText('Settings').click();
  await expect(page.getByRole('region', { name: 'This device' })).toBeVisible();
  await expectNoSeriousViolations(page, 'light');
  await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Dark' });
  await expectNoSeriousViolations(page, 'dark');
  for (const mode of ['Side by side', 'Magnifier']) {
    await page.getByRole('radio', { name: mode }).check();
    await expectNoSeriousViolations(page, mode);
  }
});

test('the mask painter has no serious accessibility problem', async ({ page }) => {
  await page.goto('/');
  await chooseOperation(page, 'Remove object');
  await addPhotos(page, [fixture('photo-small-64.png')]);
  await expect(page.getByRole('dialog', { name: 'Paint over what to remove' })).toBeVisible();
  await expectNoSeriousViolations(page, 'painter');
});

test('everything works from the keyboard, with a visible focus ring', async ({ page }) => {
  await withResult(page);
  const ring = () =>
    page.evaluate(() => {
      const focused = document.activeElement as HTMLElement;
      const style = getComputedStyle(focused);
      return { width: style.outlineWidth, style: style.outlineStyle };
    });
  // Tab to the view mode, pick Side by side with the arrows, then zoom from the keyboard.
  const slider = page.getByRole('radio', { name: 'Slider' });
  await slider.focus();
  await expect(slider).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('radio', { name: 'Side by side' })).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Zoom out' })).toBeFocused();
  expect(await ring()).toEqual({ width: '3px', style: 'solid' });
  const level = page.locator('.zoom output');
  const before = await level.textContent();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Zoom in' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(level).not.toHaveText(before!);
  await page.getByRole('application', { name: /^Result view/ }).focus();
  expect(await ring()).toEqual({ width: '3px', style: 'solid' });
});

test('fits a phone: no sideways scrolling on the main screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await withResult(page);
  const overflow = () =>
    page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
  expect(await overflow()).toBe(0);
  for (const mode of ['Side by side', 'Magnifier']) {
    await page.getByRole('radio', { name: mode }).check();
    expect(await overflow()).toBe(0);
  }
  await page.getByText('Settings').click();
  await expect(page.getByRole('region', { name: 'This device' })).toBeVisible();
  expect(await overflow()).toBe(0);
});

test('prefers-reduced-motion turns every transition and animation off', async ({ page }) => {
  const moving = () =>
    page.evaluate(
      () =>
        [...document.querySelectorAll('*')].filter((element) => {
          const style = getComputedStyle(element);
          const seconds = (value: string) =>
            Math.max(...value.split(',').map((v) => parseFloat(v)));
          return (
            seconds(style.transitionDuration) > 0 ||
            (style.animationName !== 'none' && seconds(style.animationDuration) > 0)
          );
        }).length,
    );
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Kintsugi' })).toBeVisible();
  // Without the preference, the buttons do ease their colours: the check below measures something.
  expect(await moving()).toBeGreaterThan(0);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await moving()).toBe(0);
});

test('chains, presets and the install button: no serious problem, and they fit 320 px', async ({
  page,
}) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto('/');
  await page.getByRole('button', { name: 'Add a step' }).click();
  await page
    .getByRole('combobox', { name: 'Then, step 2' })
    .selectOption({ label: 'Convert format' });
  await openMore(page);
  await page.getByRole('textbox', { name: 'Preset name' }).fill('Two steps');
  await page.getByRole('button', { name: 'Save steps as preset' }).click();
  await expect(page.getByRole('combobox', { name: 'My presets' })).toBeVisible();
  await page.getByRole('button', { name: 'Rename' }).click();
  await page.evaluate(() =>
    dispatchEvent(
      Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
        prompt: () => Promise.resolve(),
        userChoice: new Promise(() => {}),
      }),
    ),
  );
  await expect(page.getByRole('button', { name: 'Install app' })).toBeVisible();
  expect(
    await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    ),
  ).toBe(0);
  await expectNoSeriousViolations(page, 'chain and presets, light');
  await page.getByText('Settings').click();
  await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Dark' });
  await expectNoSeriousViolations(page, 'chain and presets, dark');
  // Settings open at the top of the page; close them so Tab goes through the workspace.
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  // Keyboard: every new control is reached by Tab, with the focus ring showing.
  const reached = new Set<string>();
  const wanted = ['Install app', 'Add a step', 'Apply', 'Rename', 'Save name'];
  // Start at the top: a click on the app's name sets where Tab goes from.
  await page.getByRole('heading', { name: 'Kintsugi' }).click();
  for (let i = 0; i < 60 && !wanted.every((name) => reached.has(name)); i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      if (el === document.body) return { name: '', ring: 'solid' };
      return { name: el.textContent?.trim() ?? '', ring: getComputedStyle(el).outlineStyle };
    });
    expect(focused.ring, focused.name).toBe('solid');
    reached.add(focused.name);
  }
  for (const name of wanted) expect([...reached], name).toContain(name);
});

/** Sideways scroll of the whole page, in CSS pixels: 0 when everything fits the width. */
const sideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`the workspace at ${viewport.width}×${viewport.height}: welcome, staged photo and result have no serious accessibility problem, light and dark`, async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.setViewportSize(viewport);
    const both = async (label: string) => {
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        await expectNoSeriousViolations(page, `${label}, ${colorScheme}`);
      }
    };
    await page.goto('/');
    await expect(page.getByText('Drop photos here, paste, or choose')).toBeVisible();
    await both('welcome');
    await page.getByLabel('Choose photos').setInputFiles(fixture('photo-small-64.png'));
    await expect(startButton(page)).toBeVisible();
    await both('staged');
    await chooseOperation(page, 'Upscale ×2');
    await startButton(page).click();
    await waitForStatus(page, 'photo-small-64.png', 'completed');
    await both('result');
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect(page.getByRole('region', { name: 'This device' })).toBeVisible();
    await both('settings');
  });
}

test('no sideways scroll at 320 px: welcome, staged, result, settings and the cards', async ({
  page,
}) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto('/');
  await expect(page.getByText('Drop photos here, paste, or choose')).toBeVisible();
  expect(await sideways(page)).toBe(0);
  await page
    .getByLabel('Choose photos')
    .setInputFiles([fixture('photo-wide-300x200.png'), fixture('photo-small-64.png')]);
  await expect(startButton(page)).toBeVisible();
  expect(await sideways(page)).toBe(0);
  await chooseOperation(page, 'Upscale ×2');
  await page.getByRole('button', { name: 'Add a step' }).click();
  expect(await sideways(page)).toBe(0);
  await page.getByRole('button', { name: 'Remove (step 2)' }).click();
  await startButton(page).click();
  await waitForStatus(page, 'photo-small-64.png', 'completed');
  expect(await sideways(page)).toBe(0);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('region', { name: 'This device' })).toBeVisible();
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .map((e) => `${e.tagName}.${e.className} ${e.textContent?.slice(0, 40)}`)
      .slice(0, 5),
  );
  expect(wide).toEqual([]);
  expect(await sideways(page)).toBe(0);
});
