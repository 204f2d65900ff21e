import type { Dialect, Job, JobSpec } from '@/jobs/job.ts';
import type { Installed } from '@/ops/operation.ts';
import type { LimitsConfig } from './limits-config.ts';

/** A failure a dialect reports in its own error format, with its own status code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Extra fields some dialects put beside the message (e.g. upscale's 402 `quota`, `used`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface NewApiJob {
  dialect: Dialect;
  spec: JobSpec;
  /** Exactly one of blob (an upload, or a multipart file) and source (a URL or upload key). */
  input: { blob?: Blob; source?: string; name: string };
  idempotency_key?: string | null;
  callback_url?: string | null;
  credits_charged: number;
  /** Unix ms when the output is deleted (null: kept). */
  expires_at?: number | null;
}

export interface ListQuery {
  dialect: Dialect;
  status?: Job['status'][];
  /** Exact match on spec.options.model (upscale dialect). */
  model?: string;
  /** created_at bounds, Unix ms, exclusive. */
  before?: number;
  after?: number;
  limit: number;
  /** Opaque, from a previous page's next_cursor. */
  cursor?: string;
}

export interface ListPage {
  jobs: Job[];
  next_cursor: string | null;
}

export interface Upload {
  storage_key: string;
  filename: string;
  size: number;
  content_type: string;
  /** The pixel size its header declares, when it could be read: what a crop is checked against. */
  width?: number;
  height?: number;
}

/**
 * What a dialect may do with the origin's jobs. The service worker implements it on IndexedDB;
 * unit tests implement it in memory. Every call is scoped to the calling API key.
 */
export type DeleteOutcome = 'deleted' | 'running' | 'missing';

/** What createOrFind did: made the job, or found the one its idempotency key made earlier. */
export interface CreateOutcome {
  job: Job;
  created: boolean;
}

export interface JobBackend {
  create(job: NewApiJob): Promise<Job>;
  /**
   * Creates the job unless this key already made one with the same dialect and idempotency key,
   * in which case that job comes back. The look-up, the insert and the ledger charge are one
   * atomic step: racing requests with one idempotency key make one job and one charge.
   */
  createOrFind(job: NewApiJob): Promise<CreateOutcome>;
  get(id: string): Promise<Job | undefined>;
  list(query: ListQuery): Promise<ListPage>;
  findByIdempotencyKey(dialect: Dialect, key: string): Promise<Job | undefined>;
  /**
   * Deletes a finished job: 'deleted', 'running' when it is not in a state that may be deleted,
   * or 'missing' when it is not (or no longer: a racing delete won) there for this key.
   */
  delete(id: string): Promise<DeleteOutcome>;
  cancel(id: string): Promise<Job>;
  putUpload(file: Blob, filename: string): Promise<Upload>;
  getUpload(storageKey: string): Promise<Upload | undefined>;
  /** An absolute, signed, expiring URL of the job's output, or null when there is none. */
  outputUrl(job: Job, ttlSeconds: number): Promise<string | null>;
  /** An absolute URL of the job's input as the caller gave it or as we serve it. */
  inputUrl(job: Job): string | null;
}

export interface ApiContext {
  jobs: JobBackend;
  /** Unix ms. */
  now(): number;
  /** The app's origin, e.g. http://127.0.0.1:4173, for absolute URLs. */
  origin: string;
  /** Retention as Settings resolved it (output URL lives); the defaults when absent. */
  retention?: LimitsConfig['retention'];
  /** What this device has installed, for the operations' checks; unknown when absent. */
  installed?: () => Promise<Installed>;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path with `:name` segments, e.g. '/api/v1/restorations/:id'. */
  pattern: string;
  handle(request: Request, params: Record<string, string>, ctx: ApiContext): Promise<ApiResponse>;
}

export interface DialectModule {
  name: Exclude<Dialect, 'app'>;
  /** Path prefixes this dialect owns; unknown paths under them get a JSON 404 in its format. */
  prefixes: readonly string[];
  routes: readonly Route[];
  /** The dialect's error body for an ApiError (its documented shape, or ours where it has none). */
  errorBody(error: ApiError): unknown;
}
