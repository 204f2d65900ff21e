import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '@/jobs/broadcast.ts';
import { JobStore } from '@/jobs/store.ts';
import { ApiBackend } from './backend.ts';
import { restorations } from '../restorations.ts';
import { handleApi } from '../router.ts';

let store: JobStore;
let clock = 1_000_000;
let events: JobEvent[];
let dbCount = 0;

function backend(apiKeyId: string) {
  return new ApiBackend({
    store,
    apiKeyId,
    origin: 'http://127.0.0.1:4173',
    now: () => clock,
    post: (event) => events.push(event),
    sign: async (path, expiresAt) => `${path}?expires=${expiresAt}&sig=test`,
  });
}

const spec = { operations: [{ type: 'enhance', params: { scale: 4 } }], options: { model: 'm' } };
const png = () => new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });

beforeEach(async () => {
  store = await JobStore.open(`backend-${dbCount++}`);
  events = [];
});

describe('ApiBackend', () => {
  it('creates a queued job, wakes the engine, and keeps other keys out', async () => {
    const mine = backend('key-a');
    const job = await mine.create({
      dialect: 'upscale',
      spec,
      input: { blob: png(), name: 'a.png' },
      credits_charged: 1,
    });
    expect(job).toMatchObject({ status: 'queued', api_key_id: 'key-a', credits_charged: 1 });
    expect(events).toContainEqual({ type: 'created', id: job.id });
    expect(await mine.get(job.id)).toBeDefined();
    expect(await backend('key-b').get(job.id)).toBeUndefined();
    expect((await store.getBlob(job.input.key))?.size).toBe(4);
  });

  it('makes one job and one charge for racing requests with one idempotency key', async () => {
    // Separate backends, as separate requests (and tabs) get: only IndexedDB orders them.
    const restoration = {
      dialect: 'restorations' as const,
      spec,
      input: { source: 'https://x/a.png', name: 'a.png' },
      idempotency_key: 'same',
      credits_charged: 4,
    };
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => backend('key-a').createOrFind(restoration)),
    );
    expect(new Set(outcomes.map((o) => o.job.id)).size).toBe(1);
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    const ledger = await store.db.getAll('ledger');
    expect(ledger.map((e) => e.credits)).toEqual([4]);
    expect(await store.list()).toHaveLength(1);
    // Another key's same idempotency key is its own job.
    const theirs = await backend('key-b').createOrFind(restoration);
    expect(theirs.created).toBe(true);
  });

  it('answers 20 racing restorations with one idempotency key: one 202, nineteen 200', async () => {
    const body = JSON.stringify({
      image_url: 'https://example.com/grandma.jpg',
      resolution: '4k',
      idempotency_key: 'grandma-1952',
    });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        handleApi(
          new Request('http://127.0.0.1:4173/api/v1/restorations', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body,
          }),
          { jobs: backend('key-a'), now: () => clock, origin: 'http://127.0.0.1:4173' },
          [restorations],
        ),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(new Set(answers.map((a) => (a.body as { id: string }).id)).size).toBe(1);
    const charges = (await store.db.getAll('ledger')).filter((e) => e.kind === 'charge');
    expect(charges.map((e) => e.credits)).toEqual([4]);
  });

  it('answers racing DELETEs of one finished restoration 200 once and 404 after', async () => {
    const mine = backend('key-a');
    const job = await mine.create({
      dialect: 'restorations',
      spec,
      input: { source: 'https://x/a.png', name: 'a.png' },
      credits_charged: 1,
    });
    const claimed = await store.claimNext('host', 60_000, clock);
    await store.fail(claimed!.id, 'host', 'no model', null, clock);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        handleApi(
          new Request(`http://127.0.0.1:4173/api/v1/restorations/${job.id}`, { method: 'DELETE' }),
          { jobs: backend('key-a'), now: () => clock, origin: 'http://127.0.0.1:4173' },
          [restorations],
        ),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 404, 404, 404]);
  });

  it('pages newest first, each job exactly once, even with equal timestamps', async () => {
    const mine = backend('key-a');
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) {
      clock += i % 3 === 0 ? 1 : 0; // runs of equal created_at
      ids.push(
        (
          await mine.create({
            dialect: 'upscale',
            spec,
            input: { source: 'https://x/a.png', name: 'a.png' },
            credits_charged: 1,
          })
        ).id,
      );
    }
    await backend('key-b').create({
      dialect: 'upscale',
      spec,
      input: { blob: png(), name: 'b.png' },
      credits_charged: 1,
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await mine.list({ dialect: 'upscale', limit: 10, cursor });
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(45);
    expect(new Set(seen)).toEqual(new Set(ids));
    const created = await Promise.all(seen.map(async (id) => (await store.get(id))!.created_at));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it('filters by status, model and time, and refuses a forged cursor', async () => {
    const mine = backend('key-a');
    const a = await mine.create({
      dialect: 'upscale',
      spec,
      input: { blob: png(), name: 'a.png' },
      credits_charged: 1,
    });
    clock += 10;
    await mine.create({
      dialect: 'upscale',
      spec: { ...spec, options: { model: 'other' } },
      input: { blob: png(), name: 'b.png' },
      credits_charged: 1,
    });
    expect(
      (await mine.list({ dialect: 'upscale', limit: 20, model: 'm' })).jobs.map((j) => j.id),
    ).toEqual([a.id]);
    expect(
      (await mine.list({ dialect: 'upscale', limit: 20, before: a.created_at + 1 })).jobs,
    ).toHaveLength(1);
    expect(
      (await mine.list({ dialect: 'upscale', limit: 20, status: ['completed'] })).jobs,
    ).toHaveLength(0);
    await expect(mine.list({ dialect: 'upscale', limit: 20, cursor: '%%%' })).rejects.toMatchObject(
      { status: 400 },
    );
  });

  it('stores uploads per key and turns an upload key into the job input', async () => {
    const mine = backend('key-a');
    const upload = await mine.putUpload(png(), 'photo.png');
    expect(upload).toMatchObject({ filename: 'photo.png', size: 4, content_type: 'image/png' });
    expect(upload.storage_key).toMatch(/^uploads\/key-a\/[0-9a-f-]+\.png$/);
    expect(await backend('key-b').getUpload(upload.storage_key)).toBeUndefined();
    const job = await mine.create({
      dialect: 'operations',
      spec,
      input: { source: upload.storage_key, name: 'x' },
      credits_charged: 1,
    });
    expect(job.input).toMatchObject({ name: 'photo.png', bytes: 4, source: upload.storage_key });
    expect((await store.getBlob(job.input.key))?.size).toBe(4);
  });

  it('finds a job by its idempotency key for its own key only', async () => {
    const mine = backend('key-a');
    const job = await mine.create({
      dialect: 'restorations',
      spec,
      input: { source: 'https://x/a.jpg', name: 'a.jpg' },
      idempotency_key: 'k1',
      credits_charged: 1,
    });
    expect((await mine.findByIdempotencyKey('restorations', 'k1'))?.id).toBe(job.id);
    expect(await backend('key-b').findByIdempotencyKey('restorations', 'k1')).toBeUndefined();
  });
});
