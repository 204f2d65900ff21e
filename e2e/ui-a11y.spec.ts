import AxeBuilder from '@axe-core/playwright';
import { type Page, expect, test } from '@playwright/test';
import { addPhotos, chooseOperation, fixture, waitForStatus } from './support/app.ts';

/** axe-core's WCAG 2.x A and AA rules; serious and critical findings fail the test. */
async function expectNoSeriousViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const serious = results.violations.filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
  const report = serious.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`,
  );
  expect(report, `${label}: ${report.join('\n')}`).toEqual([]);
  // The check really looked: the page has passes, not an empty or blocked scan.
  expect(results.passes.length).toBeGreaterThan(10);
  for (const v of results.violations)
    console.log(`${label}: ${v.impact} ${v.id}: ${v.nodes.length}`);
  return results;
}

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
