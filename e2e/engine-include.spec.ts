import { expect, test } from '@playwright/test';
import { createKey, openControlled } from './support/api.ts';
import { fixture } from './support/app.ts';
import { decodePng } from './support/images.ts';

const examplePage = '/examples/same-origin-api.html';

test('a same-origin page with /engine.js runs an operations job with no app tab open', async ({
  context,
  page,
  request,
}) => {
  // The app installs the service worker and makes the key; then it is closed, so the only
  // window that can host the engine is the example page.
  await openControlled(page);
  const key = await createKey(page, 'EnhanceCraft (sk_live_…)', 'example page');
  await page.close();

  // Served under its stable name next to the app, and precached with the shell.
  const script = await request.get('/engine.js');
  expect(script.status()).toBe(200);
  expect(script.headers()['content-type']).toContain('javascript');

  const example = await context.newPage();
  await example.goto(examplePage);
  expect(await example.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await expect(example.getByRole('status', { name: 'Engine' })).toHaveText(
    'Engine ready (backend: auto).',
    { timeout: 30_000 },
  );
  const host = await example.evaluate(async () => {
    const engine = (
      window as unknown as { kintsugiEngine: { ready: Promise<void>; backend: string } }
    ).kintsugiEngine;
    await engine.ready;
    const locks = await navigator.locks.query();
    const precached: string[] = [];
    for (const name of await caches.keys()) {
      for (const entry of await (await caches.open(name)).keys()) {
        precached.push(new URL(entry.url).pathname);
      }
    }
    return {
      backend: engine.backend,
      held: (locks.held ?? []).map((lock) => lock.name),
      precached,
    };
  });
  expect(host.backend).toBe('auto');
  expect(host.held).toContain('kintsugi-engine-host');
  expect(host.precached).toEqual(
    expect.arrayContaining(['/index.html', '/engine.js', examplePage]),
  );

  await example.getByRole('textbox', { name: 'API key' }).fill(key);
  await example.getByLabel('Image').setInputFiles(fixture('photo-small-32.png'));
  await example.getByRole('button', { name: 'Enhance ×2' }).click();

  const output = example.getByRole('img', { name: 'Enhanced image' });
  await expect(output).toBeVisible({ timeout: 90_000 });
  await expect(example.getByRole('alert')).toHaveText('');
  await expect(example.getByRole('status', { name: 'Progress' })).toContainText('completed');
  const bytes = await output.evaluate(async (img: HTMLImageElement) => [
    ...new Uint8Array(await (await fetch(img.src)).arrayBuffer()),
  ]);
  const image = decodePng(new Uint8Array(bytes));
  expect([image.width, image.height]).toEqual([64, 64]);
});

test('on a first visit, /engine.js installs the service worker and the page becomes controlled', async ({
  page,
}) => {
  await page.goto(examplePage);
  expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
  await expect(page.getByRole('status', { name: 'Engine' })).toHaveText(
    'Engine ready (backend: auto).',
    { timeout: 60_000 },
  );
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(
    /\/sw\.js$/,
  );
  // Controlled without a reload: the API answers this page at once.
  const answer = await page.evaluate(async () => (await fetch('/v1/jobs')).status);
  expect(answer).toBe(401);
});
