import { defineConfig, type LaunchOptions } from '@playwright/test';

// Several engineers may run the suite at once on one machine: each can pick its own port and
// build folder (KINTSUGI_PORT=4180 KINTSUGI_DIST=dist-mine); CI uses the defaults.
const port = Number(process.env.KINTSUGI_PORT ?? 4173);
const outDir = process.env.KINTSUGI_DIST ?? 'dist';

// Debian's Chromium, not a Playwright download: browsers cannot be fetched where this runs.
// scripts/ensure-chromium.sh (run by `npm run test:e2e`) installs it on a fresh machine.
//
// Every browser starts from an empty profile: for launch() (what the test runner uses;
// launchPersistentContext is the only exception) Playwright 1.65 creates a temporary
// --user-data-dir (os.tmpdir()/playwright_chromiumdev_profile-*) and deletes it on close, so no
// service worker, Cache Storage or IndexedDB survives from one run to the next.
//
// Playwright already passes --headless (the new headless mode since Chrome 132) when headless;
// the explicit --headless=new comes later on the command line and wins, so it does not conflict.
// It does keep the browser headless under `--headed`, which is fine for CI.
export const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const launchOptions = (extraArgs: string[] = []): LaunchOptions => ({
  executablePath: '/usr/bin/chromium',
  args: [...chromiumArgs, ...extraArgs],
});

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // Two cores: a second worker would only make the model runs fight over them.
  workers: 1,
  retries: 0,
  timeout: 120_000,
  reporter: 'list',
  webServer: {
    // `npm run test:e2e` builds before Playwright starts; this only serves dist/.
    command: `npx vite preview --port ${port} --host 127.0.0.1 --strictPort --outDir ${outDir}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: !process.env.CI,
  },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    acceptDownloads: true,
    headless: true,
    launchOptions: launchOptions(),
  },
  projects: [
    {
      name: 'wasm',
      testIgnore: '**/*.webgpu.spec.ts',
    },
    {
      name: 'webgpu',
      testMatch: '**/*.webgpu.spec.ts',
      // A project's `use` replaces launchOptions as a whole rather than merging it.
      use: { launchOptions: launchOptions(['--enable-unsafe-webgpu']) },
    },
  ],
});
