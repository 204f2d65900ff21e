/**
 * Screenshots of the main views, light and dark, desktop and phone, into docs/screenshots/
 * (`npm run screenshots`, after a build). They are reference pictures for people, not test
 * oracles: pixel comparisons across machines (fonts, GPU) are too brittle to gate on.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Page, chromium } from '@playwright/test';

const port = Number(process.env.KINTSUGI_PORT ?? 4173);
const outDir = process.env.KINTSUGI_DIST ?? 'dist';
const base = `http://127.0.0.1:${port}`;
const target = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const photo = fileURLToPath(new URL('../e2e/fixtures/photo-wide-300x200.png', import.meta.url));

const sizes = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
const themes = ['light', 'dark'] as const;

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(base).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Nothing answered at ${base}: build first (vite build --outDir ${outDir})`);
}

async function shoot(page: Page, name: string): Promise<void> {
  // Let the layout and the colour transitions settle (reduced motion turns the latter off).
  await page.evaluate(() => document.fonts.ready);
  // JPEG keeps the pictures small enough to live in the repository.
  await page.screenshot({ path: `${target}${name}.jpg`, type: 'jpeg', quality: 80 });
  console.log(`docs/screenshots/${name}.jpg`);
}

async function main(): Promise<void> {
  await mkdir(target, { recursive: true });
  const vite = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url));
  const server = spawn(
    process.execPath,
    [vite, 'preview', '--port', String(port), '--strictPort', '--outDir', outDir],
    { stdio: 'ignore' },
  );
  try {
    await waitForServer();
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--disable-quic'],
    });
    for (const theme of themes) {
      for (const [size, viewport] of Object.entries(sizes)) {
        const context = await browser.newContext({
          viewport,
          colorScheme: theme,
          reducedMotion: 'reduce',
        });
        const page = await context.newPage();
        const name = (view: string) => `${view}-${theme}-${size}`;
        await page.goto(base);
        await page.getByRole('heading', { name: 'Kintsugi' }).waitFor();
        await shoot(page, name('welcome'));
        // Staged: the photo fills the workspace and waits for Start.
        await page.getByLabel('Choose photos').setInputFiles(photo);
        const cards = page.getByRole('radiogroup', { name: 'Operation', exact: true });
        await cards.getByRole('radio', { name: 'Upscale', exact: true }).check();
        await cards.getByRole('radio', { name: '×2', exact: true }).check();
        const start = page.getByRole('button', { name: /^Start( |$)/ });
        await start.waitFor();
        await page.evaluate(() => scrollTo(0, 0));
        await shoot(page, name('staged'));
        await start.click();
        await page
          .getByRole('listitem', { name: 'photo-wide-300x200.png' })
          .and(page.locator('[data-status=completed]'))
          .waitFor({ timeout: 120_000 });
        await page.evaluate(() => scrollTo(0, 0));
        await shoot(page, name('result'));
        await page.getByRole('radio', { name: 'Side by side' }).check();
        await shoot(page, name('compare'));
        await page.getByRole('button', { name: 'Settings', exact: true }).click();
        await page.getByRole('region', { name: 'Appearance' }).waitFor();
        await page.evaluate(() => scrollTo(0, 0));
        await shoot(page, name('settings'));
        await page.getByRole('button', { name: 'Settings', exact: true }).click();
        await cards.getByRole('radio', { name: 'Remove object', exact: true }).check();
        await page.getByLabel('Choose photos').setInputFiles(photo);
        await start.click();
        await page.getByRole('dialog', { name: 'Paint over what to remove' }).waitFor();
        await page.waitForTimeout(500);
        await shoot(page, name('painter'));
        await context.close();
      }
    }
    await browser.close();
  } finally {
    server.kill();
  }
}

await main();
