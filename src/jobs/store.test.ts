import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobNotFoundError, JobNotQueuedError, JobStore, LeaseLostError } from './store.ts';
import { submitJob } from './submit.ts';

let store: JobStore;
let dbCount = 0;

beforeEach(async () => {
  store = await JobStore.open(`test-${dbCount++}`);
});
afterEach(() => store.close());

const spec = { operations: [{ type: 'enhance', params: { scale: 4 } }] };
const input = () => new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' });

describe('JobStore', () => {
  it('keeps a job and its input together and lists newest first', async () => {
    const a = await submitJob(store, { dialect: 'app', spec, input: input(), name: 'a.png' }, 1000);
    const b = await submitJob(store, { dialect: 'app', spec, input: input(), name: 'b.png' }, 2000);
    expect((await store.list()).map((j) => j.id)).toEqual([b.id, a.id]);
    expect((await store.getBlob(a.input.key))?.size).toBe(3);
  });

  it('lets exactly one host claim a job, oldest first', async () => {
    const a = await submitJob(store, { dialect: 'app', spec, input: input(), name: 'a.png' }, 1000);
    await submitJob(store, { dialect: 'app', spec, input: input(), name: 'b.png' }, 2000);
    const [first, second, third] = await Promise.all([
      store.claimNext('h1', 10_000, 3000),
      store.claimNext('h2', 10_000, 3000),
      store.claimNext('h3', 10_000, 3000),
    ]);
    expect(first?.id).toBe(a.id);
    expect(second?.id).not.toBe(a.id);
    expect(third).toBeNull();
  });

  it('re-queues a job whose host stopped renewing its lease, and the old host loses it', async () => {
    const a = await submitJob(store, { dialect: 'app', spec, input: input(), name: 'a.png' }, 1000);
    await store.claimNext('dead', 10_000, 2000);
    expect(await store.claimNext('other', 10_000, 5000)).toBeNull();
    const taken = await store.claimNext('other', 10_000, 13_000);
    expect(taken).toMatchObject({ id: a.id, lease_owner: 'other', attempts: 2 });
    await expect(store.renewLease(a.id, 'dead', 20_000)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('stores the output with the completed state in one step', async () => {
    const a = await submitJob(store, { dialect: 'app', spec, input: input(), name: 'a.png' }, 1000);
    await store.claimNext('h', 10_000, 2000);
    const out = new Blob([new Uint8Array(7)], { type: 'image/png' });
    const engine = { backend: 'wasm' as const, reason: 'test' };
    const done = await store.complete(
      a.id,
      'h',
      out,
      { name: 'a.enhance-x4.png', width: 4, height: 4 },
      engine,
      3000,
    );
    expect(done.output).toMatchObject({ bytes: 7, type: 'image/png', name: 'a.enhance-x4.png' });
    expect((await store.getBlob(done.output!.key))?.size).toBe(7);
  });

  it('cancels a queued job at once and flags a running one', async () => {
    const a = await submitJob(store, { dialect: 'app', spec, input: input(), name: 'a.png' }, 1000);
    expect((await store.requestCancel(a.id, 1500)).status).toBe('canceled');
    const b = await submitJob(store, { dialect: 'app', spec, input: input(), name: 'b.png' }, 2000);
    await store.claimNext('h', 10_000, 2500);
    const flagged = await store.requestCancel(b.id, 2600);
    expect(flagged).toMatchObject({ status: 'processing', cancel_requested: true });
    expect((await store.acknowledgeCancel(b.id, 'h', 2700)).status).toBe('canceled');
  });

  it('never deletes a running job, and deletes a finished one with its files', async () => {
    const a = await submitJob(store, { dialect: 'app', spec, input: input(), name: 'a.png' }, 1000);
    await store.claimNext('h', 10_000, 2000);
    expect(await store.delete(a.id)).toBe(false);
    await store.fail(a.id, 'h', 'broken', null, 3000);
    expect(await store.delete(a.id)).toBe(true);
    expect(await store.get(a.id)).toBeUndefined();
    expect(await store.getBlob(a.input.key)).toBeUndefined();
  });
});

describe('changing a queued job', () => {
  it('replaces the spec of a queued job, and refuses once a host has claimed it', async () => {
    const a = await submitJob(store, { dialect: 'app', spec, input: input(), name: 'a.png' }, 1000);
    const x2 = { operations: [{ type: 'enhance', params: { scale: 2 } }] };
    const changed = await store.updateQueuedSpec(a.id, x2, 1500);
    expect(changed).toMatchObject({ status: 'queued', spec: x2, updated_at: 1500 });
    expect((await store.get(a.id))?.spec).toEqual(x2);

    const claimed = await store.claimNext('h', 10_000, 2000);
    expect(claimed?.spec).toEqual(x2);
    await expect(store.updateQueuedSpec(a.id, spec, 2500)).rejects.toBeInstanceOf(
      JobNotQueuedError,
    );
    expect((await store.get(a.id))?.spec).toEqual(x2);
    await expect(store.updateQueuedSpec('nope', spec, 2500)).rejects.toBeInstanceOf(
      JobNotFoundError,
    );
  });
});

describe('retention', () => {
  it('expires completed jobs whose time is up, deleting only their output', async () => {
    const a = await submitJob(
      store,
      { dialect: 'restorations', spec, input: input(), name: 'a.png' },
      1000,
    );
    // A millisecond later, so claimNext (oldest first) takes a, then b: a tie was a coin toss.
    const b = await submitJob(
      store,
      { dialect: 'restorations', spec, input: input(), name: 'b.png' },
      1001,
    );
    for (const job of [a, b]) {
      await store.claimNext('h', 10_000, 2000);
      const out = new Blob([new Uint8Array(5)], { type: 'image/png' });
      const engine = { backend: 'wasm' as const, reason: 'test' };
      await store.complete(job.id, 'h', out, { name: 'x.png', width: 1, height: 1 }, engine, 3000);
    }
    await store.setExpiry(a.id, 10_000);
    await store.setExpiry(b.id, null);
    expect(await store.expireDue(9_999)).toEqual([]);
    const expired = await store.expireDue(10_000);
    expect(expired.map((j) => j.id)).toEqual([a.id]);
    expect(await store.get(a.id)).toMatchObject({ status: 'expired', output: null });
    expect(await store.getBlob(`out:${a.id}`)).toBeUndefined();
    expect(await store.getBlob(a.input.key)).toBeDefined();
    expect(await store.get(b.id)).toMatchObject({ status: 'completed' });
  });
});
