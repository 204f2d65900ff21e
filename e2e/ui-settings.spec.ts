import { expect, test } from '@playwright/test';
import { openMore } from './support/app.ts';

const background = (page: import('@playwright/test').Page) =>
  page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
const LIGHT = 'rgb(247, 244, 238)';
const DARK = 'rgb(29, 27, 22)';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.getByText('Settings').click();
});

test('the theme follows the system until one is chosen, and the choice is remembered', async ({
  page,
}) => {
  const theme = page.getByRole('combobox', { name: 'Theme' });
  await expect(theme).toHaveValue('system');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => background(page)).toBe(DARK);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => background(page)).toBe(LIGHT);

  await theme.selectOption({ label: 'Dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(() => background(page)).toBe(DARK);

  await page.reload();
  await expect.poll(() => background(page)).toBe(DARK);
  await page.getByText('Settings').click();
  await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue('dark');

  // Light wins over a dark system too.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Light' });
  await expect.poll(() => background(page)).toBe(LIGHT);
  await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Same as the system' });
  await expect.poll(() => background(page)).toBe(DARK);
});

test('Settings shows what this device offers the engine, as the page detects it', async ({
  page,
}) => {
  const device = page.getByRole('region', { name: 'This device' });
  const value = (id: string) => device.locator(`tr[data-capability="${id}"] td`);
  const detected = await page.evaluate(async () => {
    const adapter = await navigator.gpu?.requestAdapter({ powerPreference: 'high-performance' });
    // This tsconfig's DOM types predate GPUAdapter.info.
    const info = (adapter as unknown as { info?: { isFallbackAdapter: boolean } } | null)?.info;
    return {
      adapter: info ? info.isFallbackAdapter : null,
      f16: adapter ? adapter.features.has('shader-f16') : null,
      isolated: crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
    };
  });
  const yesNo = (v: boolean) => (v ? 'yes' : 'no');

  await expect(value('adapter')).not.toHaveText('checking…', { timeout: 10_000 });
  if (detected.adapter === null) {
    await expect(value('adapter')).toHaveText(/^none: /);
    await expect(value('fallback')).toHaveText('—');
  } else {
    await expect(value('fallback')).toHaveText(yesNo(detected.adapter));
    await expect(value('f16')).toHaveText(yesNo(detected.f16!));
  }
  await expect(value('isolated')).toHaveText(yesNo(detected.isolated));
  await expect(value('cores')).toHaveText(String(detected.cores));
  const threads = detected.isolated ? Math.max(1, Math.min(8, detected.cores)) : 1;
  await expect(value('threads')).toHaveText(String(threads));

  // Where jobs will run with the backend chosen now, in the engine's own words.
  const choice = device.getByRole('status');
  await expect(choice).toHaveText(/^With the current choice, jobs run on (WASM: |WebGPU on )/);
  // The backend choice sits in the panel's "More", beside the presets.
  await openMore(page);
  await page.getByRole('combobox', { name: 'Backend', exact: true }).selectOption('wasm');
  await expect(choice).toHaveText('With the current choice, jobs run on WASM (CPU), as chosen');
});
