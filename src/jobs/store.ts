import type { IDBPDatabase } from 'idb';
import { DB_NAME, type KintsugiDB, openKintsugiDB } from './db.ts';
import {
  type BlobRef,
  type EngineRecord,
  type Job,
  type JobSpec,
  isTerminal,
  transition,
} from './job.ts';

export class JobNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`No job with id ${id}`);
  }
}

/** The job already left the queue, so what it runs can no longer change. */
export class JobNotQueuedError extends Error {
  constructor(readonly id: string) {
    super(`Job ${id} has already started, so its settings can no longer change`);
  }
}

/** The lease was lost (expired and taken over, or the job was canceled): the host must stop. */
export class LeaseLostError extends Error {
  constructor(readonly id: string) {
    super(`This host no longer holds job ${id}`);
  }
}

/**
 * The browser refused a write because the origin's storage quota is used up. The transaction was
 * rolled back, so nothing older was touched; the message says how to make room.
 */
export class StorageFullError extends Error {
  constructor(what: 'input' | 'result' | 'job') {
    super(
      `Not enough storage space to save the ${what}: the browser's storage quota for this app is ` +
        'used up (QuotaExceededError). Free space by deleting old jobs in the Jobs list, then retry.',
    );
    this.name = 'StorageFullError';
  }
}

/**
 * Whether a write failed for lack of quota. Chromium checks the quota when a transaction commits
 * and aborts it: `done` rejects with the QuotaExceededError, while the requests still open get an
 * AbortError, so the transaction's own error is the one that tells.
 */
export function isQuotaError(error: unknown, tx?: { error: DOMException | null }): boolean {
  const name = (e: unknown) => (e instanceof Error || e instanceof DOMException ? e.name : '');
  return name(error) === 'QuotaExceededError' || name(tx?.error) === 'QuotaExceededError';
}

export function inputKey(id: string): string {
  return `in:${id}`;
}
export function outputKey(id: string): string {
  return `out:${id}`;
}

/** Ends a transaction that must change nothing; its `done` rejection is the expected outcome. */
function abandon(tx: { abort(): void; done: Promise<void> }): void {
  tx.done.catch(() => {});
  tx.abort();
}

export class JobStore {
  constructor(readonly db: IDBPDatabase<KintsugiDB>) {}

  static async open(name = DB_NAME): Promise<JobStore> {
    return new JobStore(await openKintsugiDB(name));
  }

  close(): void {
    this.db.close();
  }

  /**
   * Writes a new job and its input in one transaction: either both exist or neither does. A job
   * whose input is a URL (`input.source`) has no Blob yet; the engine fetches it when it runs.
   */
  async add(job: Job, input?: Blob): Promise<void> {
    const tx = this.db.transaction(['jobs', 'blobs'], 'readwrite');
    await Promise.all([
      input ? tx.objectStore('blobs').put(input, job.input.key) : Promise.resolve(),
      tx.objectStore('jobs').add(job),
      tx.done,
    ]);
  }

  /** Stores the input the engine fetched for a job it holds, with its real type and size. */
  attachInput(id: string, owner: string, input: Blob): Promise<Job> {
    return this.updateHeld(
      id,
      owner,
      (job) => ({ ...job, input: { ...job.input, type: input.type, bytes: input.size } }),
      { key: inputKey(id), blob: input, what: 'input' },
    );
  }

  get(id: string): Promise<Job | undefined> {
    return this.db.get('jobs', id);
  }

  getBlob(key: string): Promise<Blob | undefined> {
    return this.db.get('blobs', key);
  }

  /** Newest first. */
  async list(limit = Infinity): Promise<Job[]> {
    const out: Job[] = [];
    let cursor = await this.db
      .transaction('jobs')
      .store.index('by_created')
      .openCursor(null, 'prev');
    while (cursor && out.length < limit) {
      out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out;
  }

  /**
   * Claims the oldest runnable job for `owner`: a queued one, or one whose host let its lease
   * expire (that host died mid-job, so the job starts again here). Atomic: two hosts can never
   * claim the same job, because IndexedDB serialises readwrite transactions on a store.
   */
  async claimNext(owner: string, leaseMs: number, now: number): Promise<Job | null> {
    const tx = this.db.transaction('jobs', 'readwrite');
    let cursor = await tx.store.index('by_created').openCursor();
    let claimed: Job | null = null;
    while (cursor) {
      const job = cursor.value;
      const orphaned =
        job.status === 'processing' && (job.lease_expires_at ?? 0) < now && !job.cancel_requested;
      if (job.status === 'queued' || orphaned) {
        const requeued = orphaned ? transition(job, 'queued', {}, now) : job;
        claimed = transition(
          requeued,
          'processing',
          { lease_owner: owner, lease_expires_at: now + leaseMs, attempts: job.attempts + 1 },
          now,
        );
        await cursor.update(claimed);
        break;
      }
      cursor = await cursor.continue();
    }
    await tx.done;
    return claimed;
  }

  /** Applies `change` to a job this host holds; throws LeaseLostError when it no longer does. */
  private async updateHeld(
    id: string,
    owner: string,
    change: (job: Job) => Job,
    blobs?: { key: string; blob: Blob; what: 'input' | 'result' },
  ): Promise<Job> {
    const stores = blobs ? (['jobs', 'blobs'] as const) : (['jobs'] as const);
    const tx = this.db.transaction([...stores], 'readwrite');
    // A put that fails leaves `done` rejected too; the catch below reports the one that tells.
    tx.done.catch(() => {});
    const jobs = tx.objectStore('jobs');
    const job = await jobs.get(id);
    if (!job) {
      abandon(tx);
      throw new JobNotFoundError(id);
    }
    if (job.status !== 'processing' || job.lease_owner !== owner) {
      abandon(tx);
      throw new LeaseLostError(id);
    }
    const next = change(job);
    try {
      if (blobs) await tx.objectStore('blobs').put(blobs.blob, blobs.key);
      await jobs.put(next);
      await tx.done;
    } catch (error) {
      if (isQuotaError(error, tx)) throw new StorageFullError(blobs?.what ?? 'job');
      throw error;
    }
    return next;
  }

  renewLease(id: string, owner: string, until: number): Promise<Job> {
    return this.updateHeld(id, owner, (job) => ({ ...job, lease_expires_at: until }));
  }

  reportProgress(
    id: string,
    owner: string,
    progress: number,
    eta: number | null,
    engine: EngineRecord | null,
    now: number,
  ): Promise<Job> {
    return this.updateHeld(id, owner, (job) => ({
      ...job,
      progress,
      eta_seconds: eta,
      engine: engine ?? job.engine,
      updated_at: now,
    }));
  }

  /** Output Blob and completed status land in one transaction. */
  complete(
    id: string,
    owner: string,
    output: Blob,
    ref: Omit<BlobRef, 'key' | 'bytes' | 'type'>,
    engine: EngineRecord,
    now: number,
  ): Promise<Job> {
    const key = outputKey(id);
    const full: BlobRef = { ...ref, key, bytes: output.size, type: output.type };
    return this.updateHeld(
      id,
      owner,
      (job) => transition(job, 'completed', { output: full, engine, error: null }, now),
      { key, blob: output, what: 'result' },
    );
  }

  fail(id: string, owner: string, error: string, engine: EngineRecord | null, now: number) {
    return this.updateHeld(id, owner, (job) =>
      transition(job, 'failed', { error, engine: engine ?? job.engine }, now),
    );
  }

  /** The running host saw the cancel request and stopped. */
  acknowledgeCancel(id: string, owner: string, now: number): Promise<Job> {
    return this.updateHeld(id, owner, (job) => transition(job, 'canceled', {}, now));
  }

  /**
   * A queued job is canceled at once; a running one is flagged, and its host stops between
   * tiles and acknowledges. Terminal jobs are left as they are.
   */
  async requestCancel(id: string, now: number): Promise<Job> {
    const tx = this.db.transaction('jobs', 'readwrite');
    const job = await tx.store.get(id);
    if (!job) {
      abandon(tx);
      throw new JobNotFoundError(id);
    }
    let next = job;
    if (job.status === 'queued') next = transition(job, 'canceled', {}, now);
    else if (job.status === 'processing')
      next = { ...job, cancel_requested: true, updated_at: now };
    if (next !== job) await tx.store.put(next);
    await tx.done;
    return next;
  }

  /**
   * Replaces what a queued job will run (a batch item's own settings, changed before it starts).
   * Atomic with claimNext: once a host holds the job, the change is refused.
   */
  async updateQueuedSpec(id: string, spec: JobSpec, now: number): Promise<Job> {
    const tx = this.db.transaction('jobs', 'readwrite');
    const job = await tx.store.get(id);
    if (!job) {
      abandon(tx);
      throw new JobNotFoundError(id);
    }
    if (job.status !== 'queued') {
      abandon(tx);
      throw new JobNotQueuedError(id);
    }
    const next: Job = { ...job, spec, updated_at: now };
    await tx.store.put(next);
    await tx.done;
    return next;
  }

  /** Sets when a finished job's output is deleted (Unix ms), or null to keep it. */
  async setExpiry(id: string, expiresAt: number | null): Promise<Job | undefined> {
    const tx = this.db.transaction('jobs', 'readwrite');
    const job = await tx.store.get(id);
    const next = job && { ...job, expires_at: expiresAt };
    if (next) await tx.store.put(next);
    await tx.done;
    return next;
  }

  /**
   * Called by a host that has just become the only one (it holds the engine lock): a job still
   * "processing" was left by a host that is gone (a closed tab, a crashed page), so its lease is
   * ended now instead of after LEASE_MS, and claimNext takes it at once; one whose cancel was
   * asked is canceled. Returns the jobs it changed.
   */
  async releaseStale(now: number): Promise<Job[]> {
    const tx = this.db.transaction('jobs', 'readwrite');
    const changed: Job[] = [];
    let cursor = await tx.store.index('by_status').openCursor('processing');
    for (; cursor; cursor = await cursor.continue()) {
      const job = cursor.value;
      const next = job.cancel_requested
        ? transition(job, 'canceled', {}, now)
        : { ...job, lease_expires_at: now - 1, updated_at: now };
      await cursor.update(next);
      changed.push(next);
    }
    await tx.done;
    return changed;
  }

  /**
   * Retention: completed jobs whose time is up become `expired` and their output is deleted.
   * The record stays, so a client polling it learns why the output is gone.
   */
  async expireDue(now: number): Promise<Job[]> {
    const tx = this.db.transaction(['jobs', 'blobs'], 'readwrite');
    const jobs = tx.objectStore('jobs');
    const expired: Job[] = [];
    let cursor = await jobs.index('by_status').openCursor('completed');
    for (; cursor; cursor = await cursor.continue()) {
      const job = cursor.value;
      if (job.expires_at === null || job.expires_at > now) continue;
      if (job.output) await tx.objectStore('blobs').delete(job.output.key);
      const next = transition(job, 'expired', { output: null }, now);
      await cursor.update(next);
      expired.push(next);
    }
    await tx.done;
    return expired;
  }

  /** Deletes a job that is not running, with its input and output. Returns false if running. */
  async delete(id: string): Promise<boolean> {
    const tx = this.db.transaction(['jobs', 'blobs'], 'readwrite');
    const job = await tx.objectStore('jobs').get(id);
    if (!job) {
      abandon(tx);
      throw new JobNotFoundError(id);
    }
    if (!isTerminal(job.status)) {
      abandon(tx);
      return false;
    }
    const blobs = tx.objectStore('blobs');
    await Promise.all([
      tx.objectStore('jobs').delete(id),
      blobs.delete(job.input.key),
      job.output ? blobs.delete(job.output.key) : Promise.resolve(),
    ]);
    await tx.done;
    return true;
  }
}
