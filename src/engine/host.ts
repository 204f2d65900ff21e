import { type JobEvent, openJobChannel } from '@/jobs/broadcast.ts';
import type { EngineRecord, Job } from '@/jobs/job.ts';
import { type JobStore, LeaseLostError, StorageFullError } from '@/jobs/store.ts';
import { fetchInput } from './fetch-input.ts';
import { type BackendPreference, resolveParams } from '@/ops/operation.ts';
import { operations } from './operations.ts';
import { extensionFor, outputName } from './output-name.ts';
import { PREVIEW_CHANNEL } from '@/inference/preview.ts';
import { DOWNLOAD_CHANNEL } from '@/inference/download-progress.ts';
import { declaredSizeOf } from '@/media/image-size.ts';
import { recordRun } from '@/ui/panel/estimate.ts';

/** A host that stops renewing loses the job after this long, and another host re-runs it. */
export const LEASE_MS = 15_000;
const RENEW_MS = 5_000;
const IDLE_POLL_MS = 3_000;
const PROGRESS_WRITE_MS = 250;
export const ENGINE_LOCK = 'kintsugi-engine-host';
/** Live previews go to whichever window shows the job (src/inference/preview.ts). */
let previews: BroadcastChannel | null = null;

export interface EngineHostOptions {
  store: JobStore;
  backend: () => BackendPreference;
  /** Runs once a job has completed or failed (ledger, webhooks). */
  afterTerminal?(job: Job): Promise<void>;
}

/**
 * Runs the origin's job queue. Every open window may call this; the Web Lock makes exactly one
 * of them the host, and the next one takes over when that window goes away.
 */
export function startEngineHost(options: EngineHostOptions): () => void {
  const stop = new AbortController();
  navigator.locks
    .request(ENGINE_LOCK, { signal: stop.signal }, () => runQueue(options, stop.signal))
    .catch((error: unknown) => {
      if (!stop.signal.aborted) console.error('Engine host stopped', error);
    });
  return () => stop.abort();
}

async function runQueue(options: EngineHostOptions, stop: AbortSignal): Promise<void> {
  const { store, backend } = options;
  const owner = crypto.randomUUID();
  let wake: () => void = () => {};
  const cancels = new Map<string, AbortController>();
  const channel = openJobChannel((event: JobEvent) => {
    if (event.type === 'created') wake();
    if (event.type === 'cancel')
      cancels.get(event.id)?.abort(new DOMException('Canceled', 'AbortError'));
  });
  try {
    // This host holds the engine lock, so no other host runs: a job still "processing" was left
    // by one that is gone, and is taken again now, not after its lease runs out.
    for (const stale of await store.releaseStale(Date.now())) {
      channel.post({ type: 'job', job: stale });
    }
    while (!stop.aborted) {
      const job = await store.claimNext(owner, LEASE_MS, Date.now());
      if (!job) {
        for (const expired of await store.expireDue(Date.now())) {
          channel.post({ type: 'job', job: expired });
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, IDLE_POLL_MS);
        });
        continue;
      }
      channel.post({ type: 'job', job });
      const controller = new AbortController();
      cancels.set(job.id, controller);
      try {
        const ended = await runJob(job, {
          store,
          owner,
          backend: backend(),
          signal: controller.signal,
          post: channel.post,
        });
        if (ended) await options.afterTerminal?.(ended).catch((e: unknown) => console.error(e));
      } finally {
        cancels.delete(job.id);
      }
    }
  } finally {
    channel.close();
  }
}

interface RunJobContext {
  store: JobStore;
  owner: string;
  backend: BackendPreference;
  signal: AbortSignal;
  post(event: JobEvent): void;
}

/** Runs one claimed job; returns it as it ended, or null if this host lost it. */
async function runJob(job: Job, ctx: RunJobContext): Promise<Job | null> {
  const { store, owner, post } = ctx;
  const publish = (next: Job) => post({ type: 'job', job: next });
  const abort = new AbortController();
  ctx.signal.addEventListener('abort', () => abort.abort(ctx.signal.reason), { once: true });
  // The cancel flag may have been set before this host subscribed to the channel.
  const leaseTimer = setInterval(() => {
    store
      .renewLease(job.id, owner, Date.now() + LEASE_MS)
      .then((held) => {
        if (held.cancel_requested) abort.abort(new DOMException('Canceled', 'AbortError'));
        // Pages see the lease renewed: one that stops being renewed means the host is gone.
        else publish(held);
      })
      .catch((error: unknown) => {
        // A full quota can refuse even this small write: the lease is still ours until it runs
        // out, so the job goes on (and fails with the storage reason if its output cannot fit).
        if (!(error instanceof StorageFullError)) abort.abort(new LeaseLostError(job.id));
      });
  }, RENEW_MS);

  let engine: EngineRecord | null = null;
  let lastWrite = 0;
  // What the job shows now: an engine report must not move the bar back.
  let shown: { progress: number; eta: number | null } = { progress: 0, eta: null };
  // A step that downloaded its model says nothing about this device's speed.
  let downloadReports = 0;
  const downloads = new BroadcastChannel(DOWNLOAD_CHANNEL);
  downloads.onmessage = () => downloadReports++;
  try {
    let input = await store.getBlob(job.input.key);
    if (!input && job.input.source) {
      input = await fetchInput(job.input.source, job.dialect, abort.signal);
      publish(await store.attachInput(job.id, owner, input));
    }
    if (!input) throw new Error('The input file of this job is missing from storage');
    const steps = job.spec.operations;
    let current = input;
    let width = 0;
    let height = 0;
    let stepSize =
      job.input.width && job.input.height
        ? { width: job.input.width, height: job.input.height }
        : await declaredSizeOf(input).catch(() => null);
    for (const [index, step] of steps.entries()) {
      const operation = operations[step.type];
      if (!operation) throw new Error(`Unknown operation "${step.type}"`);
      const started = performance.now();
      const reportsBefore = downloadReports;
      const params = resolveParams(operation.meta, step.params);
      const result = await operation.run(current, params, {
        signal: abort.signal,
        backend: ctx.backend,
        preview: (band) =>
          (previews ??= new BroadcastChannel(PREVIEW_CHANNEL)).postMessage({
            ...band,
            job_id: job.id,
            step: index,
          }),
        engine: (record) => {
          engine = record;
          void store
            .reportProgress(job.id, owner, shown.progress, shown.eta, record, Date.now())
            .then(publish, () => {});
        },
        progress: (fraction, eta) => {
          const now = Date.now();
          if (now - lastWrite < PROGRESS_WRITE_MS && fraction < 1) return;
          lastWrite = now;
          // Never back: an operation of several passes may start its fraction again.
          const progress = Math.min((index + fraction) / steps.length, 0.999);
          shown = { progress: Math.max(shown.progress, progress), eta };
          void store
            .reportProgress(job.id, owner, shown.progress, eta, engine, now)
            .then(publish, () => {});
        },
      });
      current = result.blob;
      width = result.width;
      height = result.height;
      engine = result.engine;
      if (stepSize && downloadReports === reportsBefore) {
        recordRun(step, stepSize, engine.backend, (performance.now() - started) / 1000);
      }
      stepSize = { width, height };
    }
    if (!engine) throw new Error('No operation ran');
    const name = outputName(job, extensionFor(current.type));
    const size = { name, width, height };
    const done = await store.complete(job.id, owner, current, size, engine, Date.now());
    publish(done);
    return done;
  } catch (error) {
    if (error instanceof LeaseLostError) return null; // another host owns it now
    if (abort.signal.aborted && !(abort.signal.reason instanceof LeaseLostError)) {
      publish(await store.acknowledgeCancel(job.id, owner, Date.now()).catch(() => job));
      return null;
    }
    const message = error instanceof Error ? error.message : String(error);
    const failed = await store.fail(job.id, owner, message, engine, Date.now()).catch(() => null);
    if (failed) publish(failed);
    return failed;
  } finally {
    clearInterval(leaseTimer);
    downloads.close();
  }
}
