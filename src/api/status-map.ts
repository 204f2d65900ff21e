import type { Dialect, Job, JobStatus } from '@/jobs/job.ts';

/** The dialects the service worker answers; 'app' is the UI's own and has no API. */
export type ApiDialect = Exclude<Dialect, 'app'>;

/**
 * The one table of how each dialect names a canonical status.
 *
 * Where a seed has no word for a canonical status we reuse one of its own words, never invent
 * one, because a client written against the seed only knows the words the seed lists and loops
 * "until completed or failed" (001 and 003 say so in as many words):
 * - canceled: only video (003) can cancel; its Job object lists exactly queued, processing,
 *   completed, failed, so a canceled job reads `failed` with error "canceled" and the poller stops.
 *   restorations says `failed` means "credits refunded", which is what a canceled job gets.
 * - expired: restorations (000) has `expired` ("output deleted per retention policy"). The others
 *   have no word; `completed` would promise an output that is gone (001: output_url "available when
 *   completed"), so they read `failed` with an error saying the output expired.
 */
export const statusWords: Readonly<Record<ApiDialect, Readonly<Record<JobStatus, string>>>> = {
  restorations: {
    queued: 'analyzing',
    processing: 'processing',
    completed: 'complete',
    failed: 'failed',
    canceled: 'failed',
    expired: 'expired',
  },
  operations: {
    queued: 'queued',
    processing: 'processing',
    completed: 'completed',
    failed: 'failed',
    canceled: 'failed',
    expired: 'failed',
  },
  upscale: {
    queued: 'pending',
    processing: 'processing',
    completed: 'completed',
    failed: 'failed',
    canceled: 'failed',
    expired: 'failed',
  },
  video: {
    queued: 'queued',
    processing: 'processing',
    completed: 'completed',
    failed: 'failed',
    canceled: 'failed',
    expired: 'failed',
  },
};

const canonicalStatuses: readonly JobStatus[] = [
  'queued',
  'processing',
  'completed',
  'failed',
  'canceled',
  'expired',
];

export function statusWord(dialect: ApiDialect, status: JobStatus): string {
  return statusWords[dialect][status];
}

/** The words a dialect documents, in the order of the canonical lifecycle, each once. */
export function dialectStatusWords(dialect: ApiDialect): string[] {
  return [...new Set(canonicalStatuses.map((s) => statusWords[dialect][s]))];
}

/**
 * The canonical statuses a dialect's word stands for (a filter on `failed` must also find the
 * canceled and expired jobs that read `failed`), or undefined for a word the dialect lacks.
 */
export function statusesForWord(dialect: ApiDialect, word: string): JobStatus[] | undefined {
  const found = canonicalStatuses.filter((s) => statusWords[dialect][s] === word);
  return found.length > 0 ? found : undefined;
}

/**
 * The error text a dialect shows: the job's own reason, or why a canceled or expired job reads
 * `failed` in a dialect without a word for it.
 */
export function errorText(job: Job): string | null {
  if (job.error !== null) return job.error;
  if (job.status === 'canceled') return 'canceled';
  if (job.status === 'expired') return 'expired: the output was deleted by the retention policy';
  return null;
}

/**
 * Timestamps: ISO 8601 strings everywhere except video, whose Job object (003) shows
 * `"created_at": 1698220000`, i.e. whole Unix seconds.
 */
export const timeStyle: Readonly<Record<ApiDialect, 'iso' | 'unix'>> = {
  restorations: 'iso',
  operations: 'iso',
  upscale: 'iso',
  video: 'unix',
};

export function renderTime(dialect: ApiDialect, ms: number): string | number {
  return timeStyle[dialect] === 'unix' ? Math.floor(ms / 1000) : new Date(ms).toISOString();
}

export function renderTimeOrNull(dialect: ApiDialect, ms: number | null): string | number | null {
  return ms === null ? null : renderTime(dialect, ms);
}

/** Video ids read `job_…` (003's examples); the canonical id behind them is the plain uuid. */
const idPrefix: Readonly<Record<ApiDialect, string>> = {
  restorations: '',
  operations: '',
  upscale: '',
  video: 'job_',
};

/**
 * What a canonical id may look like. Anything else (a decoded `/`, `..`, control characters, a
 * megabyte of text) is answered 404 without asking the store.
 */
const safeId = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function renderId(dialect: ApiDialect, id: string): string {
  return idPrefix[dialect] + id;
}

/**
 * The canonical id behind an id a client sent, or null when it cannot be one. Video accepts both
 * `job_<uuid>` (what it renders) and the bare uuid (what the UI and the other dialects show).
 */
export function parseId(dialect: ApiDialect, raw: string): string | null {
  const prefix = idPrefix[dialect];
  const id = prefix !== '' && raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
  return safeId.test(id) ? id : null;
}
