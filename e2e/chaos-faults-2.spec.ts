import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium, expect, test } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.ts';
import type { OutboxRecord } from '../src/api/webhooks.ts';
import { call, createKey, openControlled } from './support/api.ts';
import { fixture, jobRow } from './support/app.ts';
import {
  type StoredJob,
  convertJob,
  faultTally,
  generousLimits,
  idbAll,
  setLimits,
  settled,
} from './support/chaos.ts';

/*
 * Faults around a job's end, in real Chromium with the real service worker, engine host and
 * IndexedDB: the storage quota running out while the output is written, and a webhook receiver
 * that stays down across an app restart.
 */

const { figures, notes, scenario } = faultTally('faults-browser-2');

function usage(page: Page): Promise<number> {
  return page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
}

/** Whether the blobs store holds a record under `key`. */
function hasBlob(page: Page, key: string): Promise<boolean> {
  return page.evaluate(async (key) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('kintsugi');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const count = await new Promise<number>((resolve, reject) => {
      const request = db.transaction('blobs').objectStore('blobs').count(key);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return count > 0;
  }, key);
}

/** A JPEG of random pixels: small as a JPEG, large once converted to lossless PNG. */
function noiseJpeg(page: Page, side: number): Promise<Uint8Array> {
  return page
    .evaluate(async (side) => {
      const canvas = new OffscreenCanvas(side, side);
      const g = canvas.getContext('2d')!;
      const pixels = g.createImageData(side, side);
      for (let i = 0; i < pixels.data.length; i++)
        pixels.data[i] = i % 4 === 3 ? 255 : Math.floor(Math.random() * 256);
      g.putImageData(pixels, 0, 0);
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.5 });
      return [...new Uint8Array(await blob.arrayBuffer())];
    }, side)
    .then((bytes) => Uint8Array.from(bytes));
}

test('storage quota exceeded while writing an output: the job fails saying how to free space, nothing older touched', async ({
  baseURL,
}) => {
  test.setTimeout(60_000);
  const origin = new URL(baseURL!).origin;
  // Chromium applies a quota override only to a profile on disk (the runner's own contexts are
  // off the record, where writes ignored it), and IndexedDB reads the quota when the origin's
  // storage opens, then reuses it for a while. So: the app installed and an older job done in
  // one session, then the browser started again on that profile with the quota lowered before
  // the origin's storage opens.
  const profile = await mkdtemp(join(tmpdir(), 'kintsugi-quota-'));
  const launch = () =>
    chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      args: chromiumArgs,
      headless: true,
      baseURL,
    });
  try {
    const first = await launch();
    let before: Awaited<ReturnType<typeof olderJob>>;
    try {
      before = await olderJob(first.pages()[0] ?? (await first.newPage()));
    } finally {
      await first.close();
    }
    const second = await launch();
    try {
      await scenario('quota exceeded while writing an output', () =>
        quotaExceeded(second, origin, before),
      );
    } finally {
      await second.close();
    }
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
  notes.push(
    'quota exceeded writing an output: failed once with the storage reason, older job and output unchanged',
  );
});

/** What the quota failure must not touch (afterTerminal may still set the expiry meanwhile). */
const kept = (j: StoredJob | undefined) =>
  j && { status: j.status, attempts: j.attempts, error: j.error, output: j.output };

/** Installs the app, makes a key and completes one job; returns what must survive. */
async function olderJob(page: Page) {
  await openControlled(page);
  const key = await createKey(page, 'EnhanceCraft (sk_live_…)', 'quota');
  await setLimits(page, generousLimits);
  const tiny = new Uint8Array(await readFile(fixture('photo-small-32.png')));
  const id = (await convertJob(page, key, tiny, 'older.png')).id!;
  const job = await settled(page, key, id);
  expect(job.status).toBe('completed');
  const bytes = (await call(page, 'GET', String(job.output_url), { binary: true })).bytes;
  await page.waitForTimeout(500); // afterTerminal's writes
  const stored = kept((await idbAll<StoredJob>(page, 'jobs')).find((j) => j.id === id));
  const noise = await noiseJpeg(page, 640);
  return { key, id, url: String(job.output_url), bytes, stored, noise, usage: await usage(page) };
}

async function quotaExceeded(
  context: BrowserContext,
  origin: string,
  older: Awaited<ReturnType<typeof olderJob>>,
): Promise<void> {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  // Room for the upload (kept twice: the upload, then the job's input) and the job records,
  // not for the ~1.2 MB PNG the conversion makes. (estimate() in the page keeps showing the
  // quota it had: Chromium does not report the override, but writes meet it.)
  const quota = older.usage + 2 * older.noise.length + 256 * 1024;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: quota });
  await page.goto('/');
  await expect(page.getByText('Ready to work offline')).toBeVisible({ timeout: 60_000 });
  const { key } = older;
  const id = (await convertJob(page, key, older.noise, 'noise.jpg')).id!;
  const job = await settled(page, key, id);
  expect(job.status).toBe('failed');
  expect(job.error_message).toMatch(
    /^Not enough storage space to save the result: .*Free space by deleting old jobs in the Jobs list/,
  );
  const jobs = await idbAll<StoredJob>(page, 'jobs');
  // Failed once, for good: not left 'processing' for another host to re-run.
  expect(jobs.find((j) => j.id === id)).toMatchObject({
    status: 'failed',
    attempts: 1,
    output: null,
  });
  expect(await hasBlob(page, `out:${id}`)).toBe(false);
  // The older job and its output are exactly as they were.
  const olderNow = kept(jobs.find((j) => j.id === older.id));
  if (JSON.stringify(olderNow) !== JSON.stringify(older.stored)) figures.jobs_lost++;
  expect(olderNow).toEqual(older.stored);
  const again = await call(page, 'GET', older.url, { binary: true });
  expect(again.status).toBe(200);
  expect(again.bytes).toEqual(older.bytes);
  // The job list explains it in words and says what to do.
  await expect(jobRow(page, 'noise.jpg').getByRole('alert')).toHaveText(
    /storage .* is full\. Delete some old jobs/,
  );
}

/** A local port nothing listens on: a webhook receiver that is down. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/hook`;
}

const outbox = (page: Page) => idbAll<OutboxRecord>(page, 'outbox');

test('webhook receiver down: retried with backoff across an app restart, then marked failed in the UI', async ({
  page,
  context,
}) => {
  test.setTimeout(90_000);
  const url = await deadUrl();
  await openControlled(page);
  const key = await createKey(page, 'PicRenew (pk_live_…)', 'hooks-down');
  const png = (await readFile(fixture('photo-small-32.png'))).toString('base64');

  await scenario('webhook receiver down across a restart', async () => {
    const created = await call(page, 'POST', '/api/v1/restorations', {
      key,
      json: { image_url: `data:image/png;base64,${png}`, preset: 'colorize', callback_url: url },
    });
    expect(created.status).toBe(202);
    // Two attempts made, the next one waiting out its backoff: the app is closed now.
    await expect
      .poll(async () => (await outbox(page))[0]?.attempts.length ?? 0, { timeout: 60_000 })
      .toBe(2);
    const [beforeClose] = await outbox(page);
    expect(beforeClose).toMatchObject({ state: 'pending', url, max_attempts: 4 });
    await page.close();

    const reopened = await context.newPage();
    await reopened.goto('/');
    await expect
      .poll(async () => (await outbox(reopened))[0]?.state, { timeout: 40_000 })
      .toBe('failed');
    const [delivery] = await outbox(reopened);
    expect(delivery!.attempts).toHaveLength(4);
    expect(
      delivery!.attempts.every((a) => a.status === null && /network error/.test(a.error!)),
    ).toBe(true);
    // The restart kept the first two; waits grew 2 s, 4 s, 8 s (±20 % jitter; the wait across
    // the restart can only be longer).
    expect(delivery!.attempts.slice(0, 2)).toEqual(beforeClose!.attempts);
    const at = delivery!.attempts.map((a) => a.at);
    const waits = at.slice(1).map((t, i) => t - at[i]!);
    waits.forEach((wait, i) => expect(wait).toBeGreaterThanOrEqual(0.8 * 2000 * 2 ** i));
    expect(delivery!.next_at).toBeNull();

    await expect(reopened.locator('.job .webhook summary')).toHaveText(
      `Webhook to ${url} failed after 4 attempts`,
    );
    notes.push(
      `webhook receiver down: 2 attempts, app closed, 2 more after reopening (waits ${waits.map((w) => (w / 1000).toFixed(1)).join(', ')} s), then failed, shown in the job list`,
    );
  });
});
