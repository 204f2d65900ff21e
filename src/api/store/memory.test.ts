import { describe, expect, it } from 'vitest';
import { MemoryJobBackend, MemoryStore } from './memory.ts';
import { counterIds, origin, samples } from '../test-support.ts';
import { ApiError, type NewApiJob } from '../types.ts';

function setup() {
  let now = 1_000_000;
  const backend = new MemoryJobBackend(new MemoryStore(), {
    apiKeyId: 'key-a',
    now: () => now,
    origin,
    newId: counterIds(),
  });
  return {
    backend,
    other: backend.forKey('key-b'),
    tick: (ms: number) => (now += ms),
  };
}

const job = (extra: Partial<NewApiJob> = {}): NewApiJob => ({
  dialect: 'upscale',
  spec: { operations: [{ type: 'enhance', params: { scale: 4 } }], options: { model: 'm' } },
  input: { source: 'https://example.com/a.jpg', name: 'a.jpg' },
  credits_charged: 1,
  ...extra,
});

describe('MemoryJobBackend', () => {
  it('creates queued jobs owned by the calling key, invisible to other keys', async () => {
    const { backend, other } = setup();
    const created = await backend.create(job());
    expect(created).toMatchObject({ status: 'queued', api_key_id: 'key-a', credits_charged: 1 });
    expect(created.input).toMatchObject({ source: 'https://example.com/a.jpg', name: 'a.jpg' });
    expect(await backend.get(created.id)).toEqual(created);
    expect(await other.get(created.id)).toBeUndefined();
    expect((await other.list({ dialect: 'upscale', limit: 10 })).jobs).toEqual([]);
  });

  it('stores a blob input with its type and size', async () => {
    const { backend } = setup();
    const blob = new Blob([samples.png], { type: 'image/png' });
    const created = await backend.create(job({ input: { blob, name: 'p.png' } }));
    expect(created.input).toMatchObject({ type: 'image/png', bytes: samples.png.length });
    expect(backend.store.blobs.get(created.input.key)).toBe(blob);
    expect(backend.inputUrl(created)).toBe(
      `${origin}/files/${encodeURIComponent('in:' + created.id)}`,
    );
  });

  it('never makes a second job for one idempotency key, per key and dialect', async () => {
    const { backend, other } = setup();
    const first = await backend.create(job({ idempotency_key: 'k' }));
    const again = await backend.create(job({ idempotency_key: 'k' }));
    expect(again.id).toBe(first.id);
    expect(backend.store.jobs.size).toBe(1);
    expect(await backend.findByIdempotencyKey('upscale', 'k')).toEqual(first);
    expect(await backend.findByIdempotencyKey('video', 'k')).toBeUndefined();
    const theirs = await other.create(job({ idempotency_key: 'k' }));
    expect(theirs.id).not.toBe(first.id);
  });

  it('answers racing idempotent creates with one job, one created, one charge', async () => {
    const { backend } = setup();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () =>
        backend.createOrFind(job({ idempotency_key: 'race', credits_charged: 4 })),
      ),
    );
    expect(new Set(outcomes.map((o) => o.job.id)).size).toBe(1);
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect([...backend.store.ledger.values()].map((e) => e.credits)).toEqual([4]);
  });

  it('lists newest first, ties in a fixed order, and a cursor walks each job once', async () => {
    const { backend, tick } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      ids.push((await backend.create(job())).id);
      if (i % 3 === 0) tick(1); // groups of jobs share a millisecond
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await backend.list({ dialect: 'upscale', limit: 4, cursor });
      seen.push(...page.jobs.map((j) => j.id));
      if (page.next_cursor === null) break;
      cursor = page.next_cursor;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by status, model and created_at bounds (exclusive)', async () => {
    const { backend, tick } = setup();
    const a = await backend.create(job());
    tick(10);
    const b = await backend.create(job({ spec: { operations: [], options: { model: 'x' } } }));
    tick(10);
    const c = await backend.create(job());
    backend.complete(c.id);
    const ids = async (q: Partial<Parameters<MemoryJobBackend['list']>[0]>) =>
      (await backend.list({ dialect: 'upscale', limit: 10, ...q })).jobs.map((j) => j.id);
    expect(await ids({ status: ['completed'] })).toEqual([c.id]);
    expect(await ids({ model: 'x' })).toEqual([b.id]);
    expect(await ids({ before: b.created_at })).toEqual([a.id]);
    expect(await ids({ after: b.created_at })).toEqual([c.id]);
    expect(await ids({ dialect: 'video' })).toEqual([]);
  });

  it('refuses a cursor it did not make', async () => {
    const { backend } = setup();
    await expect(backend.list({ dialect: 'upscale', limit: 1, cursor: 'nope' })).rejects.toThrow(
      ApiError,
    );
  });

  it('deletes only finished jobs, with their files', async () => {
    const { backend } = setup();
    const running = await backend.create(job());
    expect(await backend.delete(running.id)).toBe('running');
    const done = backend.complete(running.id);
    expect(backend.store.blobs.has(done.output?.key ?? '')).toBe(true);
    expect(await backend.delete(running.id)).toBe('deleted');
    expect(await backend.get(running.id)).toBeUndefined();
    expect(backend.store.blobs.has(done.output?.key ?? '')).toBe(false);
    expect(await backend.delete('missing')).toBe('missing');
  });

  it('cancels a running job and leaves a finished one alone', async () => {
    const { backend } = setup();
    const a = await backend.create(job());
    backend.advance(a.id, 'processing');
    expect(await backend.cancel(a.id)).toMatchObject({
      status: 'canceled',
      cancel_requested: true,
    });
    const b = await backend.create(job());
    const done = backend.complete(b.id);
    expect(await backend.cancel(b.id)).toEqual(done);
  });

  it('signs output URLs only for completed jobs', async () => {
    const { backend } = setup();
    const a = await backend.create(job());
    expect(await backend.outputUrl(a, 60)).toBeNull();
    const done = backend.complete(a.id);
    expect(await backend.outputUrl(done, 60)).toBe(
      `${origin}/files/${encodeURIComponent(`out:${a.id}`)}?expires=${1000 + 60}&signature=memory`,
    );
  });

  it('keeps uploads per key, under a key named for their type', async () => {
    const { backend, other } = setup();
    const upload = await backend.putUpload(
      new Blob([samples.jpeg], { type: 'image/jpeg' }),
      'a.jpg',
    );
    expect(upload).toMatchObject({
      filename: 'a.jpg',
      size: samples.jpeg.length,
      content_type: 'image/jpeg',
    });
    expect(upload.storage_key).toMatch(/^uploads\/key-a\/[0-9a-f-]+\.jpg$/);
    expect(await backend.getUpload(upload.storage_key)).toEqual(upload);
    expect(await other.getUpload(upload.storage_key)).toBeUndefined();
  });
});
