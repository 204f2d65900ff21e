import {
  type BlobRef,
  type Dialect,
  type Job,
  type JobStatus,
  createJob,
  isTerminal,
  transition,
} from '@/jobs/job.ts';
import { chargeEntry, type LedgerEntry } from '../credits.ts';
import { echoedUrl } from '../fields.ts';
import { declaredSizeOf } from '@/media/image-size.ts';
import {
  ApiError,
  type CreateOutcome,
  type DeleteOutcome,
  type JobBackend,
  type ListPage,
  type ListQuery,
  type NewApiJob,
  type Upload,
} from '../types.ts';

/**
 * A JobBackend held in memory: what the unit tests (and a fuzzer) run the dialects against.
 * It keeps the same promises the IndexedDB one must: every call is scoped to one API key,
 * an idempotency key never makes a second job, lists are newest first with a stable order for
 * jobs created in the same millisecond, and a cursor resumes exactly after the last job shown.
 */
export class MemoryStore {
  readonly jobs = new Map<string, Job>();
  readonly blobs = new Map<string, Blob>();
  readonly uploads = new Map<string, { upload: Upload; owner: string | null; blob: Blob }>();
  /** Charges by entry id, as the IndexedDB ledger keeps them: one per created job. */
  readonly ledger = new Map<string, LedgerEntry>();
}

export interface MemoryBackendOptions {
  /** The calling key's id; jobs and uploads of other keys are invisible. */
  apiKeyId?: string | null;
  now?: () => number;
  origin?: string;
  /** Ids for new jobs and uploads; tests pass a counter to get readable ones. */
  newId?: () => string;
}

const extensions: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/tiff': 'tiff',
  'image/bmp': 'bmp',
  'image/avif': 'avif',
  'image/heic': 'heic',
};

export class MemoryJobBackend implements JobBackend {
  private readonly apiKeyId: string | null;
  private readonly now: () => number;
  private readonly origin: string;
  private readonly newId: () => string;

  constructor(
    readonly store: MemoryStore = new MemoryStore(),
    options: MemoryBackendOptions = {},
  ) {
    this.apiKeyId = options.apiKeyId ?? null;
    this.now = options.now ?? Date.now;
    this.origin = options.origin ?? 'http://127.0.0.1:4173';
    this.newId = options.newId ?? (() => crypto.randomUUID());
  }

  /** The same store seen by another API key. */
  forKey(apiKeyId: string | null): MemoryJobBackend {
    return new MemoryJobBackend(this.store, {
      apiKeyId,
      now: this.now,
      origin: this.origin,
      newId: this.newId,
    });
  }

  private visible(job: Job | undefined): Job | undefined {
    return job && job.api_key_id === this.apiKeyId ? job : undefined;
  }

  async create(n: NewApiJob): Promise<Job> {
    return (await this.createOrFind(n)).job;
  }

  async createOrFind(n: NewApiJob): Promise<CreateOutcome> {
    // Checked and written with no await in between, so two racing requests cannot both create.
    if (n.idempotency_key) {
      const existing = this.findSync(n.dialect, n.idempotency_key);
      if (existing) return { job: existing, created: false };
    }
    const id = this.newId();
    const key = `in:${id}`;
    const input: BlobRef = n.input.blob
      ? { key, name: n.input.name, type: n.input.blob.type, bytes: n.input.blob.size }
      : { key, source: n.input.source, name: n.input.name, type: '', bytes: 0 };
    if (n.input.blob) this.store.blobs.set(key, n.input.blob);
    const job = createJob({
      id,
      dialect: n.dialect,
      spec: n.spec,
      input,
      now: this.now(),
      idempotency_key: n.idempotency_key ?? null,
      callback_url: n.callback_url ?? null,
      api_key_id: this.apiKeyId,
      expires_at: n.expires_at ?? null,
      credits_charged: n.credits_charged,
    });
    this.store.jobs.set(id, job);
    const charge = chargeEntry(job);
    if (charge) this.store.ledger.set(charge.id, charge);
    return { job, created: true };
  }

  async get(id: string): Promise<Job | undefined> {
    return this.visible(this.store.jobs.get(id));
  }

  async list(q: ListQuery): Promise<ListPage> {
    const after = q.cursor === undefined ? null : parseCursor(q.cursor);
    const all = [...this.store.jobs.values()]
      .filter((job) => this.visible(job) !== undefined && job.dialect === q.dialect)
      .filter((job) => !q.status || q.status.includes(job.status))
      .filter((job) => q.model === undefined || job.spec.options?.model === q.model)
      .filter((job) => q.before === undefined || job.created_at < q.before)
      .filter((job) => q.after === undefined || job.created_at > q.after)
      .sort(newestFirst)
      .filter((job) => !after || newestFirst(job, after) > 0);
    const jobs = all.slice(0, Math.max(0, q.limit));
    const last = jobs[jobs.length - 1];
    return { jobs, next_cursor: all.length > jobs.length && last ? cursorOf(last) : null };
  }

  async findByIdempotencyKey(dialect: Dialect, key: string): Promise<Job | undefined> {
    return this.findSync(dialect, key);
  }

  private findSync(dialect: Dialect, key: string): Job | undefined {
    for (const job of this.store.jobs.values()) {
      if (job.dialect === dialect && job.idempotency_key === key && this.visible(job)) return job;
    }
    return undefined;
  }

  async delete(id: string): Promise<DeleteOutcome> {
    const job = this.visible(this.store.jobs.get(id));
    if (!job) return 'missing';
    if (!isTerminal(job.status)) return 'running';
    this.store.jobs.delete(id);
    this.store.blobs.delete(job.input.key);
    if (job.output) this.store.blobs.delete(job.output.key);
    return 'deleted';
  }

  async cancel(id: string): Promise<Job> {
    const job = this.visible(this.store.jobs.get(id));
    if (!job) throw new ApiError(404, `No job with id ${id}`);
    if (isTerminal(job.status)) return job;
    // No engine host runs here to notice cancel_requested, so the cancel takes effect at once.
    const canceled = transition(job, 'canceled', { cancel_requested: true }, this.now());
    this.store.jobs.set(id, canceled);
    return canceled;
  }

  async putUpload(file: Blob, filename: string): Promise<Upload> {
    const ext = extensions[file.type] ?? 'bin';
    const storage_key = `uploads/${this.apiKeyId ?? 'local'}/${this.newId()}.${ext}`;
    const declared = await declaredSizeOf(file);
    const upload: Upload = {
      storage_key,
      filename,
      size: file.size,
      content_type: file.type,
      ...(declared ?? {}),
    };
    this.store.uploads.set(storage_key, { upload, owner: this.apiKeyId, blob: file });
    return upload;
  }

  async getUpload(storageKey: string): Promise<Upload | undefined> {
    const entry = this.store.uploads.get(storageKey);
    return entry && entry.owner === this.apiKeyId ? entry.upload : undefined;
  }

  async outputUrl(job: Job, ttlSeconds: number): Promise<string | null> {
    if (job.status !== 'completed' || !job.output) return null;
    const expires = Math.floor(this.now() / 1000) + ttlSeconds;
    return `${this.origin}/files/${encodeURIComponent(job.output.key)}?expires=${expires}&signature=memory`;
  }

  inputUrl(job: Job): string | null {
    const source = job.input.source;
    if (source === undefined) return `${this.origin}/files/${encodeURIComponent(job.input.key)}`;
    // A URL as the caller gave it; an upload key is served by the app like any stored file.
    if (/^[a-z][a-z0-9+.-]*:/i.test(source)) return echoedUrl(source);
    return `${this.origin}/files/${source.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** Moves a job on as the engine would (test and fuzzer helper); throws on an illegal move. */
  advance(id: string, to: JobStatus, changes: Partial<Job> = {}): Job {
    const job = this.store.jobs.get(id);
    if (!job) throw new Error(`No job with id ${id}`);
    const moved = transition(job, to, changes, this.now());
    this.store.jobs.set(id, moved);
    return moved;
  }

  /** Finishes a job with an output, as the engine host does. */
  complete(id: string, name = 'output.png'): Job {
    const job = this.store.jobs.get(id);
    if (!job) throw new Error(`No job with id ${id}`);
    const running = job.status === 'queued' ? this.advance(id, 'processing') : job;
    const output: BlobRef = { key: `out:${id}`, name, type: 'image/png', bytes: 1 };
    this.store.blobs.set(output.key, new Blob([new Uint8Array([0])], { type: 'image/png' }));
    return this.advance(running.id, 'completed', { output });
  }
}

/** Newest first; ties on created_at broken by id so every job has exactly one place. */
type Position = Pick<Job, 'created_at' | 'id'>;

function newestFirst(a: Position, b: Position): number {
  if (a.created_at !== b.created_at) return b.created_at - a.created_at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function cursorOf(job: Job): string {
  return `${job.created_at}:${job.id}`;
}

/** The position a cursor names: where the last job shown sorted. */
function parseCursor(cursor: string): Position {
  const match = /^(\d{1,16}):([A-Za-z0-9_-]{1,128})$/.exec(cursor);
  if (!match) throw new ApiError(400, 'cursor is malformed');
  return { created_at: Number(match[1]), id: match[2] ?? '' };
}
