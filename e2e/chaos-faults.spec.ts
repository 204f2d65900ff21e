import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import { call, createKey, openControlled } from './support/api.ts';
import { fixture } from './support/app.ts';
import {
  type StoredJob,
  convertJob,
  faultTally,
  generousLimits,
  idbAll,
  setLimits,
  settled,
} from './support/chaos.ts';
import { scaled } from './support/chaos-figures.ts';

/*
 * Faults while jobs run, in real Chromium with the real service worker and engine host: extra
 * tabs, the host tab closed mid-job, and a new service worker version installed mid-run. Every
 * job must complete exactly once, its output intact.
 */

const { figures, notes, scenario } = faultTally('faults-browser');

/** Counts, in the page, the 'completed' broadcasts each job gets. */
async function countCompletions(page: Page): Promise<() => Promise<Record<string, number>>> {
  await page.evaluate(() => {
    const counts: Record<string, number> = {};
    (window as unknown as { __completions: Record<string, number> }).__completions = counts;
    const channel = new BroadcastChannel('kintsugi-jobs');
    channel.onmessage = (
      event: MessageEvent<{ type: string; job?: { id: string; status: string } }>,
    ) => {
      const job = event.data.job;
      if (event.data.type === 'job' && job?.status === 'completed')
        counts[job.id] = (counts[job.id] ?? 0) + 1;
    };
  });
  return () =>
    page.evaluate(
      () => (window as unknown as { __completions: Record<string, number> }).__completions,
    );
}

/** How many windows hold and wait for the engine-host lock. */
function hostLocks(page: Page): Promise<{ held: number; pending: number }> {
  return page.evaluate(async () => {
    const state = await navigator.locks.query();
    const mine = (l: LockInfo) => l.name === 'kintsugi-engine-host';
    return {
      held: (state.held ?? []).filter(mine).length,
      pending: (state.pending ?? []).filter(mine).length,
    };
  });
}

async function stored(page: Page, ids: readonly string[]): Promise<StoredJob[]> {
  const all = await idbAll<StoredJob>(page, 'jobs');
  return ids.map((id) => all.find((j) => j.id === id)!);
}

/** Every job completed, on its first run, announced once, its output stored. */
async function expectEachRanOnce(
  page: Page,
  ids: readonly string[],
  completions: Record<string, number>,
) {
  const jobs = await stored(page, ids);
  const lost = jobs.filter((j) => !j || j.status !== 'completed' || !j.output).length;
  figures.jobs_lost += lost;
  expect(lost).toBe(0);
  expect(jobs.map((j) => j.attempts)).toEqual(ids.map(() => 1));
  expect(ids.map((id) => completions[id] ?? 0)).toEqual(ids.map(() => 1));
}

const tiny = async () => new Uint8Array(await readFile(fixture('photo-small-32.png')));

test('two and three tabs: exactly one engine host, no job run twice', async ({ page, context }) => {
  test.setTimeout(scaled(300_000, 120_000));
  await openControlled(page);
  const key = await createKey(page, 'EnhanceCraft (sk_live_…)', 'tabs');
  await setLimits(page, generousLimits);
  const completions = await countCompletions(page);
  const tabs: Page[] = [page];
  for (const count of [2, 3]) {
    await scenario(`${count} tabs`, async () => {
      const tab = await context.newPage();
      await tab.goto('/');
      await expect(tab.getByText('Ready to work offline')).toBeVisible({ timeout: 60_000 });
      tabs.push(tab);
      expect(tabs).toHaveLength(count);
      await expect.poll(() => hostLocks(page)).toEqual({ held: 1, pending: count - 1 });
      const ids: string[] = [];
      for (let i = 0; i < scaled(20, 4); i++)
        ids.push((await convertJob(page, key, await tiny(), `tab${count}-${i}.png`)).id!);
      for (const id of ids) expect((await settled(page, key, id)).status).toBe('completed');
      await expectEachRanOnce(page, ids, await completions());
    });
  }
  notes.push(
    '2 and 3 tabs: one lock holder, the others waiting; every job one attempt, one completion',
  );
});

test('the host tab closed mid-job: the lease runs out, the next host re-runs it, it completes once', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  await openControlled(page);
  const key = await createKey(page, 'upres.ai (upres_…)', 'closing');
  await setLimits(page, generousLimits);
  const heir = await context.newPage();
  await heir.goto('/');
  await expect(heir.getByText('Ready to work offline')).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => hostLocks(heir)).toEqual({ held: 1, pending: 1 });
  const completions = await countCompletions(heir);

  await scenario('host tab closed mid-job', async () => {
    // ×2 of a 128×128 photo: model load and tiles take long enough to close the tab inside.
    const created = await call(page, 'POST', '/v1/jobs', {
      key,
      form: { image: { fixture: 'photo-original-128.png', type: 'image/png' }, scale: '2' },
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    await expect
      .poll(async () => (await stored(heir, [id]))[0]?.status, { timeout: 60_000 })
      .toBe('processing');
    await page.close();
    await expect.poll(() => hostLocks(heir)).toEqual({ held: 1, pending: 0 });
    await expect
      .poll(async () => (await stored(heir, [id]))[0]?.status, {
        timeout: 120_000,
        intervals: [1000],
      })
      .toBe('completed');
    const [job] = await stored(heir, [id]);
    expect(job?.attempts).toBe(2);
    expect((await completions())[id]).toBe(1);
    const output = await call(heir, 'GET', `/v1/jobs/${id}`, { key });
    const file = await call(
      heir,
      'GET',
      String((output.body as { result_url: string }).result_url),
      {
        binary: true,
      },
    );
    expect(file.status).toBe(200);
    expect(readPngBytes(file.bytes!)).toEqual([256, 256]);
  });
  notes.push(
    'host closed mid-job: re-run by the next tab after the lease, attempts 2, one completion',
  );
});

function readPngBytes(bytes: number[]): [number, number] {
  const b = Uint8Array.from(bytes);
  const view = new DataView(b.buffer);
  return [view.getUint32(16), view.getUint32(20)];
}

test('a new service worker version installed while jobs run: nothing lost, nothing run twice', async ({
  page,
}) => {
  test.setTimeout(scaled(300_000, 120_000));
  await openControlled(page);
  const key = await createKey(page, 'EnhanceCraft (sk_live_…)', 'update');
  await setLimits(page, generousLimits);
  const swFile = join(process.env.KINTSUGI_DIST ?? 'dist', 'sw.js');
  const original = await readFile(swFile, 'utf8');
  try {
    await scenario('service worker replaced mid-run', async () => {
      const ids: string[] = [];
      for (let i = 0; i < scaled(20, 6); i++)
        ids.push((await convertJob(page, key, await tiny(), `update-${i}.png`)).id!);
      // A changed byte makes it a new version. It waits while jobs run; the user says "Reload",
      // and the page applies it once the queue is empty.
      await writeFile(swFile, `${original}\n// chaos suite: version 2\n`);
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
      const update = page.getByRole('region', { name: 'Update available' });
      await expect(update).toBeVisible({ timeout: 30_000 });
      const reloaded = page.waitForEvent('load', { timeout: 90_000 });
      await update.getByRole('button', { name: 'Reload', exact: true }).click();
      await reloaded;
      await expect
        .poll(() =>
          page.evaluate(async () => {
            const registration = await navigator.serviceWorker.getRegistration();
            return registration?.waiting === null && navigator.serviceWorker.controller !== null;
          }),
        )
        .toBe(true);
      // The new version answers the API and serves every output; new jobs still run.
      for (let i = 0; i < scaled(10, 2); i++)
        ids.push((await convertJob(page, key, await tiny(), `after-${i}.png`)).id!);
      for (const id of ids) {
        const job = await settled(page, key, id);
        expect(job.status).toBe('completed');
        expect((await call(page, 'GET', String(job.output_url), { binary: true })).status).toBe(
          200,
        );
      }
      const jobs = await stored(page, ids);
      const lost = jobs.filter((j) => !j || j.status !== 'completed' || !j.output).length;
      figures.jobs_lost += lost;
      expect(lost).toBe(0);
      expect(jobs.map((j) => j.attempts)).toEqual(ids.map(() => 1));
    });
  } finally {
    await writeFile(swFile, original);
  }
  notes.push(
    'service worker updated mid-run: applied once the queue emptied, every job one attempt, outputs served',
  );
});
