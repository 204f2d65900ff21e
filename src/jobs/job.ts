/**
 * The canonical Job of DESIGN.md. Every dialect renders this one record in its own words;
 * the UI shows it as it is stored.
 */

export type JobStatus = 'queued' | 'processing' | 'completed' | 'failed' | 'canceled' | 'expired';

export type Dialect = 'app' | 'restorations' | 'operations' | 'upscale' | 'video';

export interface Operation {
  type: string;
  params: Record<string, unknown>;
}

export interface JobSpec {
  operations: Operation[];
  /**
   * The request's own fields that a dialect echoes back (preset, resolution, model, scale,
   * upscale_factor, …): kept so a job renders the same in its dialect for its whole life.
   */
  options?: Record<string, unknown>;
}

export interface BlobRef {
  /** Key of the Blob in the `blobs` store. */
  key: string;
  /** Where an API caller said the input is (image_url, video_url, input_key); fetched by the engine. */
  source?: string;
  name: string;
  type: string;
  bytes: number;
  width?: number;
  height?: number;
}

/** Which engine actually ran the job, so a result can always be traced to a model and backend. */
export interface EngineRecord {
  backend: 'webgpu' | 'wasm';
  reason: string;
  model?: string;
  variant?: string;
  /** The classical algorithm that ran where no model was used (e.g. 'opencv inpaint (Telea)'). */
  method?: string;
  threads?: number;
  tiles?: number;
}

export interface Job {
  id: string;
  dialect: Dialect;
  status: JobStatus;
  spec: JobSpec;
  progress: number;
  eta_seconds: number | null;
  error: string | null;
  input: BlobRef;
  output: BlobRef | null;
  engine: EngineRecord | null;
  idempotency_key: string | null;
  callback_url: string | null;
  /** Charged at creation by the cost table; refunded on a local ledger if the job fails. */
  credits_charged: number;
  api_key_id: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  expires_at: number | null;
  /** Engine-host bookkeeping: who runs it and until when the claim holds. */
  lease_owner: string | null;
  lease_expires_at: number | null;
  cancel_requested: boolean;
  attempts: number;
}

const transitions: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['processing', 'canceled', 'failed'],
  // processing -> queued is the lease expiring on a host that died mid-job.
  processing: ['completed', 'failed', 'canceled', 'queued'],
  completed: ['expired'],
  failed: [],
  canceled: [],
  expired: [],
};

export const terminalStatuses: readonly JobStatus[] = [
  'completed',
  'failed',
  'canceled',
  'expired',
];

export function isTerminal(status: JobStatus): boolean {
  return terminalStatuses.includes(status);
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return transitions[from].includes(to);
}

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: JobStatus,
    readonly to: JobStatus,
  ) {
    super(`A job cannot move from ${from} to ${to}`);
  }
}

/** Returns the job moved to `to` with `changes` applied, or throws if the move is not allowed. */
export function transition(job: Job, to: JobStatus, changes: Partial<Job>, now: number): Job {
  if (!canTransition(job.status, to)) throw new InvalidTransitionError(job.status, to);
  const terminal = isTerminal(to);
  return {
    ...job,
    ...changes,
    status: to,
    updated_at: now,
    completed_at: terminal ? now : job.completed_at,
    lease_owner: to === 'processing' ? (changes.lease_owner ?? job.lease_owner) : null,
    lease_expires_at:
      to === 'processing' ? (changes.lease_expires_at ?? job.lease_expires_at) : null,
    progress: to === 'completed' ? 1 : (changes.progress ?? job.progress),
    eta_seconds: terminal ? null : (changes.eta_seconds ?? job.eta_seconds),
  };
}

export interface NewJob {
  id: string;
  dialect: Dialect;
  spec: JobSpec;
  input: BlobRef;
  now: number;
  idempotency_key?: string | null;
  callback_url?: string | null;
  api_key_id?: string | null;
  expires_at?: number | null;
  credits_charged?: number;
}

export function createJob(n: NewJob): Job {
  return {
    id: n.id,
    dialect: n.dialect,
    status: 'queued',
    spec: n.spec,
    progress: 0,
    eta_seconds: null,
    error: null,
    input: n.input,
    output: null,
    engine: null,
    idempotency_key: n.idempotency_key ?? null,
    callback_url: n.callback_url ?? null,
    credits_charged: n.credits_charged ?? 0,
    api_key_id: n.api_key_id ?? null,
    created_at: n.now,
    updated_at: n.now,
    completed_at: null,
    expires_at: n.expires_at ?? null,
    lease_owner: null,
    lease_expires_at: null,
    cancel_requested: false,
    attempts: 0,
  };
}
