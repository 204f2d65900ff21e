import { chargeEntry } from '../credits.ts';
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
import type { JobEvent } from '@/jobs/broadcast.ts';
import { createJob, type Dialect, type Job } from '@/jobs/job.ts';
import { type JobStore, JobNotFoundError, inputKey } from '@/jobs/store.ts';

export interface ApiBackendOptions {
  store: JobStore;
  /** The calling key: every job it creates carries it, and it sees only its own jobs. */
  apiKeyId: string;
  origin: string;
  now(): number;
  post(event: JobEvent): void;
  /** Signs a same-origin path with an expiry (Unix ms) into an unguessable URL path + query. */
  sign(path: string, expiresAt: number): Promise<string>;
}

const UPLOAD_PREFIX = 'uploads/';

/** Cursors are opaque to callers: base64url of the last item's created_at and id. */
function encodeCursor(job: Job): string {
  return btoa(`${job.created_at}:${job.id}`)
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replaceAll('=', '');
}

function decodeCursor(cursor: string): { created_at: number; id: string } {
  try {
    const [created, id] = atob(cursor.replaceAll('-', '+').replaceAll('_', '/')).split(':');
    const created_at = Number(created);
    if (!id || !Number.isFinite(created_at)) throw new Error('bad cursor');
    return { created_at, id };
  } catch {
    throw new ApiError(400, 'The cursor is not one this API gave out');
  }
}

/** JobBackend over the origin's IndexedDB, for the service worker's API routes. */
export class ApiBackend implements JobBackend {
  constructor(private readonly o: ApiBackendOptions) {}

  private own(job: Job | undefined): Job | undefined {
    return job && job.api_key_id === this.o.apiKeyId ? job : undefined;
  }

  /** Jobs this backend created (not found by idempotency key): what the upscale quota counts. */
  created = 0;

  async create(n: NewApiJob): Promise<Job> {
    return (await this.createOrFind(n)).job;
  }

  async createOrFind(n: NewApiJob): Promise<CreateOutcome> {
    const id = crypto.randomUUID();
    const now = this.o.now();
    let blob = n.input.blob;
    const source = n.input.source;
    let name = n.input.name;
    if (source?.startsWith(UPLOAD_PREFIX)) {
      const upload = await this.o.store.db.get('uploads', source);
      if (upload) blob = await this.o.store.getBlob(upload.blob_key);
      if (!upload || !blob) throw new Error(`No upload ${source}`);
      name = upload.filename;
    }
    const job = createJob({
      id,
      dialect: n.dialect,
      spec: n.spec,
      now,
      input: { key: inputKey(id), name, type: blob?.type ?? '', bytes: blob?.size ?? 0, source },
      idempotency_key: n.idempotency_key,
      callback_url: n.callback_url,
      api_key_id: this.o.apiKeyId,
      expires_at: n.expires_at,
      credits_charged: n.credits_charged,
    });
    // One readwrite transaction over the jobs, their files and the ledger: IndexedDB runs
    // overlapping ones one after another (across tabs and the service worker too), so of racing
    // requests with one idempotency key exactly one finds nothing and inserts, and is charged.
    // Nothing but this transaction's own requests is awaited inside it.
    const tx = this.o.store.db.transaction(['jobs', 'blobs', 'ledger'], 'readwrite');
    const jobs = tx.objectStore('jobs');
    if (n.idempotency_key) {
      const matches = await jobs.index('by_idempotency').getAll([n.dialect, n.idempotency_key]);
      const existing = matches.find((match) => match.api_key_id === this.o.apiKeyId);
      if (existing) {
        await tx.done;
        return { job: existing, created: false };
      }
    }
    const charge = chargeEntry(job);
    await Promise.all([
      blob ? tx.objectStore('blobs').put(blob, job.input.key) : Promise.resolve(),
      jobs.add(job),
      charge ? tx.objectStore('ledger').put(charge) : Promise.resolve(),
      tx.done,
    ]);
    this.created++;
    this.o.post({ type: 'created', id });
    return { job, created: true };
  }

  async get(id: string): Promise<Job | undefined> {
    return this.own(await this.o.store.get(id));
  }

  async list(q: ListQuery): Promise<ListPage> {
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    // Newest first; ties on created_at come in descending id order, so a cursor is exact.
    const upper = [q.dialect, after ? after.created_at : Infinity];
    const range = IDBKeyRange.bound([q.dialect, -Infinity], upper);
    const tx = this.o.store.db.transaction('jobs');
    let cursor = await tx.store.index('by_dialect_created').openCursor(range, 'prev');
    const jobs: Job[] = [];
    let more = false;
    for (; cursor; cursor = await cursor.continue()) {
      const job = cursor.value;
      if (after && job.created_at === after.created_at && job.id >= after.id) continue;
      if (job.api_key_id !== this.o.apiKeyId) continue;
      if (q.status && !q.status.includes(job.status)) continue;
      if (q.model !== undefined && job.spec.options?.model !== q.model) continue;
      if (q.before !== undefined && !(job.created_at < q.before)) continue;
      if (q.after !== undefined && !(job.created_at > q.after)) continue;
      if (jobs.length === q.limit) {
        more = true;
        break;
      }
      jobs.push(job);
    }
    await tx.done;
    const last = jobs.at(-1);
    return { jobs, next_cursor: more && last ? encodeCursor(last) : null };
  }

  async findByIdempotencyKey(dialect: Dialect, key: string): Promise<Job | undefined> {
    const matches = await this.o.store.db.getAllFromIndex('jobs', 'by_idempotency', [dialect, key]);
    return matches.find((job) => job.api_key_id === this.o.apiKeyId);
  }

  async delete(id: string): Promise<DeleteOutcome> {
    if (!(await this.get(id))) return 'missing';
    try {
      if (!(await this.o.store.delete(id))) return 'running';
    } catch (error) {
      // Another request deleted it between the look-up and the delete's own transaction.
      if (error instanceof JobNotFoundError) return 'missing';
      throw error;
    }
    this.o.post({ type: 'deleted', id });
    return 'deleted';
  }

  async cancel(id: string): Promise<Job> {
    const job = await this.o.store.requestCancel(id, this.o.now());
    this.o.post({ type: 'job', job });
    this.o.post({ type: 'cancel', id });
    return job;
  }

  async putUpload(file: Blob, filename: string): Promise<Upload> {
    const extension = (file.type.split('/')[1] ?? 'bin').replace('jpeg', 'jpg');
    const storage_key = `${UPLOAD_PREFIX}${this.o.apiKeyId}/${crypto.randomUUID()}.${extension}`;
    const declared = await declaredSizeOf(file);
    const upload: Upload = {
      storage_key,
      filename,
      size: file.size,
      content_type: file.type,
      ...(declared ?? {}),
    };
    const blob_key = `upload:${storage_key}`;
    const tx = this.o.store.db.transaction(['uploads', 'blobs'], 'readwrite');
    await Promise.all([
      tx.objectStore('blobs').put(file, blob_key),
      tx.objectStore('uploads').put({ ...upload, blob_key, created_at: this.o.now() }),
      tx.done,
    ]);
    return upload;
  }

  async getUpload(storageKey: string): Promise<Upload | undefined> {
    // Keys are scoped by the key id in their path: another key's upload is not found.
    if (!storageKey.startsWith(`${UPLOAD_PREFIX}${this.o.apiKeyId}/`)) return undefined;
    const record = await this.o.store.db.get('uploads', storageKey);
    if (!record) return undefined;
    const { storage_key, filename, size, content_type, width, height } = record;
    const declared = width !== undefined && height !== undefined ? { width, height } : {};
    return { storage_key, filename, size, content_type, ...declared };
  }

  async outputUrl(job: Job, ttlSeconds: number): Promise<string | null> {
    if (job.status !== 'completed' || !job.output) return null;
    const path = `/files/${job.id}/${encodeURIComponent(job.output.name)}`;
    return new URL(await this.o.sign(path, this.o.now() + ttlSeconds * 1000), this.o.origin).href;
  }

  inputUrl(job: Job): string | null {
    const source = job.input.source;
    return source === undefined ? null : echoedUrl(source);
  }
}
