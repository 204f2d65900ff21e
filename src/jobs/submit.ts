import { type Dialect, type Job, type JobSpec, createJob } from './job.ts';
import { type JobStore, inputKey } from './store.ts';

export interface Submission {
  dialect: Dialect;
  spec: JobSpec;
  input: Blob;
  name: string;
  idempotency_key?: string | null;
  callback_url?: string | null;
  api_key_id?: string | null;
  expires_at?: number | null;
}

/** Stores a queued job with its input. The caller has its id at once; an engine host runs it. */
export async function submitJob(store: JobStore, s: Submission, now = Date.now()): Promise<Job> {
  const id = crypto.randomUUID();
  const job = createJob({
    id,
    dialect: s.dialect,
    spec: s.spec,
    now,
    input: { key: inputKey(id), name: s.name, type: s.input.type, bytes: s.input.size },
    idempotency_key: s.idempotency_key,
    callback_url: s.callback_url,
    api_key_id: s.api_key_id,
    expires_at: s.expires_at,
  });
  await store.add(job, s.input);
  return job;
}
