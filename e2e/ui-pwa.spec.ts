import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import {
  addPhotos,
  chooseOperation,
  fixture,
  jobRow,
  startButton,
  waitForStatus,
} from './support/app.ts';
import { expectNoSeriousViolations } from './support/axe.ts';
import { serveFolder } from './support/static-server.ts';
import { storedJobs } from './support/ui.ts';

const built = process.env.KINTSUGI_DIST ?? 'dist';
const offlineReady = 'Ready to work offline';

test('install prompt: an "Install app" button that prompts, gone once installed', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Kintsugi' })).toBeVisible();
  const install = page.getByRole('button', { name: 'Install app' });
  await expect(install).toHaveCount(0);
  // Headless Chromium never offers installation by itself: fire the event it would fire.
  const prevented = await page.evaluate(() => {
    const event = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: () => {
        (window as unknown as { prompted: number }).prompted = 1;
        return Promise.resolve();
      },
      userChoice: Promise.resolve({ outcome: 'dismissed' }),
    });
    dispatchEvent(event);
    return event.defaultPrevented;
  });
  // The browser's own infobar is held back; the app's button is offered instead.
  expect(prevented).toBe(true);
  await install.click();
  expect(await page.evaluate(() => (window as unknown as { prompted?: number }).prompted)).toBe(1);
  // Dismissed: the event is spent, so the button goes until the browser offers again.
  await expect(install).toHaveCount(0);
  await page.evaluate(() => {
    dispatchEvent(
      Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
        prompt: () => Promise.resolve(),
        userChoice: new Promise(() => {}),
      }),
    );
  });
  await expect(install).toBeVisible();
  await page.evaluate(() => dispatchEvent(new Event('appinstalled')));
  await expect(install).toHaveCount(0);
});

test('offline indicator follows the network', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByText(offlineReady)).toBeVisible({ timeout: 60_000 });
  await context.setOffline(true);
  await expect(page.getByRole('status').filter({ hasText: 'You are offline' })).toBeVisible();
  await context.setOffline(false);
  await expect(page.getByText('You are offline')).toHaveCount(0);
  await expect(page.getByText(offlineReady)).toBeVisible();
});

test('a photo shared to the app (share_target POST) opens as a batch once the person adds it', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByText(offlineReady)).toBeVisible({ timeout: 60_000 });
  await chooseOperation(page, 'Convert format');
  const manifest = (await (await page.request.get('/manifest.webmanifest')).json()) as {
    share_target: {
      action: string;
      method: string;
      enctype: string;
      params: { files: { name: string; accept: string[] }[] };
    };
  };
  const target = manifest.share_target;
  expect([target.method, target.enctype]).toEqual(['POST', 'multipart/form-data']);
  expect(target.params.files[0]?.accept).toContain('image/*');
  const photo = readFileSync(fixture('photo-small-32.png')).toString('base64');
  // What the operating system's share sheet does: a multipart POST navigation to the action.
  await page.evaluate(
    ({ target, photo }) => {
      const bytes = Uint8Array.from(atob(photo), (c) => c.charCodeAt(0));
      const form = Object.assign(document.createElement('form'), {
        method: 'post',
        action: target.action,
        enctype: target.enctype,
      });
      const input = Object.assign(document.createElement('input'), {
        type: 'file',
        name: target.params.files[0]!.name,
        multiple: true,
      });
      const files = new DataTransfer();
      for (const name of ['shared-a.png', 'shared-b.png'])
        files.items.add(new File([bytes], name, { type: 'image/png' }));
      input.files = files.files;
      form.append(input);
      document.body.append(form);
      form.submit();
    },
    { target, photo },
  );
  await page.waitForURL((url) => url.pathname === '/' && url.search === '');
  // Nothing is queued until the person says so: any site can send this POST.
  const banner = page.getByRole('region', { name: 'Shared photos' });
  await expect(banner).toContainText('2 photos shared');
  await banner.getByRole('button', { name: 'Add' }).click();
  // Added photos are staged like dropped ones: they show, and run on Start.
  await expect(page.getByRole('img', { name: 'shared-a.png, ready to start' })).toBeVisible();
  expect(await storedJobs(page, 'shared-a.png')).toEqual([]);
  await startButton(page).click();
  for (const name of ['shared-a.png', 'shared-b.png']) {
    await waitForStatus(page, name, 'completed');
    const [job] = await storedJobs(page, name);
    expect(job?.spec.operations.map((o) => o.type)).toEqual(['convert']);
    expect([job?.output?.width, job?.output?.height]).toEqual([32, 32]);
  }
  // Taken from the inbox: a reload does not add them again.
  await page.reload();
  await expect(jobRow(page, 'shared-a.png')).toHaveCount(1);
  expect(
    await page.evaluate(
      async () => (await (await caches.open('kintsugi-share-inbox')).keys()).length,
    ),
  ).toBe(0);
});

test.describe('a new version', () => {
  let next = '';
  let served = '';
  let server: Awaited<ReturnType<typeof serveFolder>>;

  test.beforeAll(async () => {
    // A second real build that differs from the first only in its version string.
    next = mkdtempSync(join(tmpdir(), 'kintsugi-next-'));
    execFileSync(
      'npx',
      ['vite', 'build', '--outDir', next, '--emptyOutDir', '--logLevel', 'error'],
      {
        env: { ...process.env, VITE_KINTSUGI_BUILD: 'next' },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    served = built;
    server = await serveFolder(() => served);
  });

  test.afterAll(async () => {
    await server?.close();
    if (next) rmSync(next, { recursive: true, force: true });
  });

  test('"Update available → Reload" waits for the running job, then activates the new version', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await page.goto(`${server.url}/`);
    await expect(page.getByText(offlineReady)).toBeVisible({ timeout: 60_000 });
    // The build's own line in the footer (the offline status sits beside it).
    const version = page.locator('footer').getByText(/^Version /);
    const first = (await version.textContent())!.trim();
    expect(first).not.toContain('next');

    // Deploy: the host now serves the second build; the browser finds it when it checks.
    served = next;
    const update = page.getByRole('region', { name: 'Update available' });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await expect(update).toBeVisible({ timeout: 60_000 });
    await expect(version).toHaveText(first);

    // A job runs: saying yes does not reload under it.
    await chooseOperation(page, 'Upscale ×4');
    await addPhotos(page, [fixture('photo-original-128.png')]);
    await waitForStatus(page, 'photo-original-128.png', 'processing');
    await update.getByRole('button', { name: 'Reload' }).click();
    await expect(update.getByRole('status')).toHaveText(
      /applied when the job in the queue has finished/,
    );
    await expectNoSeriousViolations(page, 'update waiting for a job');
    const waiting = await page.evaluate(
      async () => (await navigator.serviceWorker.getRegistration())?.waiting !== null,
    );
    expect(waiting).toBe(true);
    await expect(version).toHaveText(first);

    // The job ends, and only then the new worker takes over and the page reloads into it.
    await expect(version).toHaveText('Version next', { timeout: 120_000 });
    const [job] = await storedJobs(page, 'photo-original-128.png');
    expect(job?.status).toBe('completed');
    const controller = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return {
        waiting: registration?.waiting ?? null,
        controlled: navigator.serviceWorker.controller !== null,
      };
    });
    expect(controller).toEqual({ waiting: null, controlled: true });
    // The new version came from the new precache: it shows offline too.
    await page.context().setOffline(true);
    await page.reload();
    await expect(version).toHaveText('Version next');
    await page.context().setOffline(false);

    // With the queue empty, "Reload" applies at once (back to the first build).
    served = built;
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await expect(update).toBeVisible({ timeout: 60_000 });
    await update.getByRole('button', { name: 'Reload' }).click();
    await expect(version).toHaveText(first, { timeout: 30_000 });
  });
});
