import { type Page, expect, test } from '@playwright/test';
import {
  addPhotos,
  chooseOperation,
  fixture,
  jobRow,
  startButton,
  waitForStatus,
} from './support/app.ts';
import { photoNamed } from './support/ui.ts';

/** What the job bars showed, in order: the percentage, or null while they moved without one. */
async function recordBars(page: Page): Promise<() => Promise<(number | null)[]>> {
  await page.evaluate(() => {
    const seen: (number | null)[] = [];
    (window as unknown as { __bars: (number | null)[] }).__bars = seen;
    const look = () => {
      for (const bar of document.querySelectorAll('.job [role=progressbar]')) {
        const value = bar.hasAttribute('aria-valuenow')
          ? Number(bar.getAttribute('aria-valuenow'))
          : null;
        if (seen.length === 0 || seen.at(-1) !== value) seen.push(value);
      }
    };
    new MutationObserver(look).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
    });
  });
  return () => page.evaluate(() => (window as unknown as { __bars: (number | null)[] }).__bars);
}

/** Wraps the Notification API before the app loads: every notification and ask is recorded. */
function captureNotifications(page: Page, permission?: NotificationPermission) {
  return page.addInitScript((forced) => {
    const Real = window.Notification;
    const record = { asked: 0, shown: [] as { title: string; body?: string; hidden: boolean }[] };
    (window as unknown as { __notifications: typeof record }).__notifications = record;
    class Recorded extends Real {
      static override get permission(): NotificationPermission {
        return forced ?? Real.permission;
      }
      static override requestPermission(): Promise<NotificationPermission> {
        record.asked++;
        return forced ? Promise.resolve(forced) : Real.requestPermission();
      }
      constructor(title: string, options?: NotificationOptions) {
        record.shown.push({
          title,
          body: options?.body,
          hidden: document.visibilityState === 'hidden',
        });
        super(title, options);
      }
    }
    window.Notification = Recorded;
  }, permission);
}

const notifications = (page: Page) =>
  page.evaluate(
    () =>
      (
        window as unknown as {
          __notifications: { asked: number; shown: { title: string; body?: string }[] };
        }
      ).__notifications,
  );

/** Makes the page believe its tab went to the background, as switching tabs does. */
async function hideTab(page: Page) {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

test('the bar never goes back, moves without a figure until the first tile, and has an honest ETA', async ({
  page,
}) => {
  await page.goto('/');
  await chooseOperation(page, 'Upscale ×4');
  const bars = await recordBars(page);
  await addPhotos(page, [fixture('photo-wide-360x240.png')]);
  const row = jobRow(page, 'photo-wide-360x240.png');
  await expect(row).toHaveAttribute('data-status', 'processing', { timeout: 30_000 });
  // Before the first of its two tiles the bar has no figure: "Working…", not a frozen 0 %.
  await expect(row.getByText('Working…')).toBeVisible();
  await expect(row.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow', /.*/);
  await waitForStatus(page, 'photo-wide-360x240.png', 'completed', 120_000);

  const seen = await bars();
  console.log(`bars seen: ${JSON.stringify(seen)}`);
  const figures = seen.filter((v): v is number => v !== null);
  // Two tiles: the bar stopped between them, and every figure it showed is ≥ the one before.
  expect(figures.some((v) => v > 0 && v < 100)).toBe(true);
  expect(figures).toEqual([...figures].sort((a, b) => a - b));
  // Once it showed a figure it never went back to moving without one.
  expect(
    seen.indexOf(
      null,
      seen.findIndex((v) => v !== null),
    ),
  ).toBe(-1);
});

test('an estimate is shown before Start only where something measured supports it', async ({
  page,
}) => {
  await page.goto('/');
  await chooseOperation(page, 'Upscale ×4');
  await page.getByLabel('Choose photos').setInputFiles([fixture('photo-wide-360x240.png')]);
  // Real-ESRGAN ×4 on this CPU: about 2 minutes per input megapixel (the bench), 0.09 MP here.
  await expect(startButton(page)).toHaveAccessibleName(/· about \d+ s$/);
  // Background removal has no measured throughput yet: no figure at all, not a guess.
  await chooseOperation(page, 'Remove background');
  await expect(startButton(page)).not.toHaveAccessibleName(/about/);
  await expect(startButton(page)).toHaveAccessibleName(/^Start/);
});

test('a second photo says where it stands in the queue, and the batch has totals', async ({
  page,
}) => {
  await page.goto('/');
  await chooseOperation(page, 'Upscale ×4');
  await addPhotos(page, [
    await photoNamed('first.png', 'photo-wide-360x240.png'),
    await photoNamed('second.png', 'photo-wide-300x200.png'),
  ]);
  await expect(jobRow(page, 'first.png')).toHaveAttribute('data-status', 'processing', {
    timeout: 30_000,
  });
  const first = jobRow(page, 'first.png');
  const second = jobRow(page, 'second.png');
  await expect(second).toHaveAttribute('data-status', 'queued');
  await expect(second).toContainText('Waiting · 2 of 2');
  // The batch's totals sit on the row of its photo being worked on, once.
  await expect(first).toContainText(/2 photos · 0 done/);
  await expect(second).not.toContainText('2 photos');
  await waitForStatus(page, 'first.png', 'completed', 120_000);
  await expect(second).not.toContainText('Waiting');
  await expect(second).toContainText(/2 photos · 1 done/);
});

test('a job that ends while the tab is hidden sends a system notification', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['notifications']);
  await captureNotifications(page);
  await page.goto('/');
  await chooseOperation(page, 'Upscale ×4');
  await addPhotos(page, [fixture('photo-wide-300x200.png')]);
  await expect(jobRow(page, 'photo-wide-300x200.png')).toHaveAttribute(
    'data-status',
    'processing',
    { timeout: 30_000 },
  );
  await hideTab(page);
  await waitForStatus(page, 'photo-wide-300x200.png', 'completed', 120_000);
  await expect
    .poll(async () => (await notifications(page)).shown)
    .toEqual([
      { title: 'Your photo is ready', body: 'photo-wide-300x200.png is done.', hidden: true },
    ]);
});

test('no notification while the tab is in view, and permission is asked only for a long job', async ({
  page,
}) => {
  // The person has not answered yet: the app may ask, once, and only when a long job starts.
  await captureNotifications(page, 'default');
  await page.goto('/');
  await chooseOperation(page, 'Upscale ×4');
  expect((await notifications(page)).asked).toBe(0);
  // A 32-pixel photo: seconds of work, not worth asking.
  await addPhotos(page, [await photoNamed('tiny.png')]);
  await waitForStatus(page, 'tiny.png', 'completed', 120_000);
  expect(await notifications(page)).toEqual({ asked: 0, shown: [] });
  // 360×240 at ×4 is estimated well over 20 s: the app asks when it starts.
  await chooseOperation(page, 'Upscale ×4');
  await addPhotos(page, [fixture('photo-wide-360x240.png')]);
  await expect.poll(async () => (await notifications(page)).asked).toBe(1);
});

test('a job left running by a closed tab is picked up at once by the next one, and says so', async ({
  context,
}) => {
  const first = await context.newPage();
  await first.goto('/');
  await chooseOperation(first, 'Upscale ×4');
  await addPhotos(first, [fixture('photo-wide-360x240.png')]);
  await expect(jobRow(first, 'photo-wide-360x240.png')).toHaveAttribute(
    'data-status',
    'processing',
    { timeout: 30_000 },
  );
  // The tab that ran it closes mid-job: the job stays "processing" with a lease nobody renews.
  await first.close();
  const next = await context.newPage();
  const opened = Date.now();
  await next.goto('/');
  const row = jobRow(next, 'photo-wide-360x240.png');
  // The new host runs it again at once instead of waiting for the lease (15 s) to run out.
  await expect(row).toContainText('Started again after an interruption', { timeout: 10_000 });
  expect(Date.now() - opened).toBeLessThan(10_000);
  await waitForStatus(next, 'photo-wide-360x240.png', 'completed', 120_000);
});

test('a model downloaded for the job shows as a step with its size', async ({ page }) => {
  await page.goto('/');
  // Everything the rows say, as they say it: the download step may be over in a second.
  await page.evaluate(() => {
    const said = new Set<string>();
    (window as unknown as { __said: Set<string> }).__said = said;
    new MutationObserver(() => {
      for (const label of document.querySelectorAll('.job .progress-label'))
        said.add(label.textContent ?? '');
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  // This device keeps no models yet: the first job fetches the photo model.
  const kept = () =>
    page.evaluate(async () => (await (await caches.open('kintsugi-models-v1')).keys()).length);
  expect(await kept()).toBe(0);
  await chooseOperation(page, 'Upscale ×4');
  await addPhotos(page, [await photoNamed('fetches.png')]);
  await waitForStatus(page, 'fetches.png', 'completed', 120_000);
  const said = await page.evaluate(() => [
    ...(window as unknown as { __said: Set<string> }).__said,
  ]);
  console.log(`said: ${JSON.stringify(said)}`);
  expect(said).toContainEqual(
    expect.stringMatching(/^Downloading the photo model · \d+ of \d+ MB$/),
  );
  expect(await kept()).toBe(1);
});

test.describe('an image engine that cannot start', () => {
  // No service worker: the page's own requests (the worker's script) go through page.route.
  test.use({ serviceWorkers: 'block' });

  test('fails the job with the reason instead of sitting at "Working" and blocking the queue', async ({
    page,
  }) => {
    await page.route(/\/assets\/inference-[^/]*\.js$/, (route) => route.abort());
    await page.goto('/');
    await chooseOperation(page, 'Upscale ×4');
    await addPhotos(page, [await photoNamed('stuck.png'), await photoNamed('next.png')]);
    await waitForStatus(page, 'stuck.png', 'failed', 20_000);
    await expect(jobRow(page, 'stuck.png')).toContainText('image engine stopped');
    // The queue goes on: the next photo is not left waiting behind it.
    await expect(jobRow(page, 'next.png')).not.toHaveAttribute('data-status', 'queued', {
      timeout: 20_000,
    });
  });
});
