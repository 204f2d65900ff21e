import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  JobNotFoundError,
  JobNotQueuedError,
  JobStore,
  LeaseLostError,
  StorageFullError,
} from './store.ts';
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

describe('storage quota', () => {
  /**
   * What Chromium does when a transaction's writes exceed the origin's quota: the writes are
   * accepted, then the commit aborts the transaction with a QuotaExceededError (fake-indexeddb's
   * own abort path, with that error name).
   */
  function refuseOutputs() {
    const put = IDBObjectStore.prototype.put;
    return vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey,
    ) {
      const request = put.call(this, value, key);
      if (String(key).startsWith('out:')) {
        const tx = this.transaction as IDBTransaction & { _abort(name: string): void };
        queueMicrotask(() => tx._abort('QuotaExceededError'));
      }
      return request;
    });
  }

  it('fails a write over quota with the reason, and leaves every older job and output as it was', async () => {
    const engine = { backend: 'wasm' as const, reason: 'test' };
    const size = { name: 'x.png', width: 1, height: 1 };
    const older = await submitJob(
      store,
      { dialect: 'app', spec, input: input(), name: 'a.png' },
      1000,
    );
    await store.claimNext('h', 10_000, 2000);
    await store.complete(older.id, 'h', new Blob([new Uint8Array(5)]), size, engine, 3000);
    const before = await store.get(older.id);

    const job = await submitJob(
      store,
      { dialect: 'app', spec, input: input(), name: 'b.png' },
      4000,
    );
    await store.claimNext('h', 10_000, 5000);
    const refusing = refuseOutputs();
    const big = new Blob([new Uint8Array(1000)], { type: 'image/png' });
    const error = await store.complete(job.id, 'h', big, size, engine, 6000).catch((e) => e);
    refusing.mockRestore();
    expect(error).toBeInstanceOf(StorageFullError);
    expect((error as Error).message).toMatch(
      /^Not enough storage space to save the result: .*QuotaExceededError.*Free space by deleting old jobs in the Jobs list/,
    );
    // Rolled back whole: no partial output, the job still held, and the older job untouched.
    expect(await store.getBlob(`out:${job.id}`)).toBeUndefined();
    expect(await store.get(job.id)).toMatchObject({ status: 'processing', output: null });
    expect(await store.get(older.id)).toEqual(before);
    expect((await store.getBlob(`out:${older.id}`))?.size).toBe(5);

    // The host then records the failure, which needs no room for an output.
    const failed = await store.fail(job.id, 'h', (error as Error).message, engine, 7000);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await store.claimNext('other', 10_000, 60_000)).toBeNull();
  });

  it('passes other write errors through as they are', async () => {
    await submitJob(store, { dialect: 'app', spec, input: input(), name: 'a.png' }, 1000);
    const claimed = (await store.claimNext('h', 10_000, 2000))!;
    const spy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('broken', 'DataError');
    });
    const error = await store.renewLease(claimed.id, 'h', 9000).catch((e) => e);
    spy.mockRestore();
    expect(error).toMatchObject({ name: 'DataError' });
  });
});
