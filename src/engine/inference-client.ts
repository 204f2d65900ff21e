import * as Comlink from 'comlink';
import type { EngineRecord } from '@/jobs/job.ts';
import type { PreviewBand } from '@/inference/preview.ts';
import type { InferenceApi, RunRequest, RunResult } from '../../workers/inference.ts';
/** What the worker posts once its script has loaded (workers/inference.ts). */
const WORKER_READY = 'kintsugi-inference-ready';

/** How long a cancel may take to be honoured between tiles before the worker is terminated. */
const CANCEL_GRACE_MS = 5000;
/** An idle worker (and its model sessions) is shut down after this long. */
const IDLE_MS = 120_000;

/**
 * Owns the inference worker: starts it on demand, forwards cancels, terminates it when a cancel
 * is not honoured in time or when it sits idle, so its memory goes back to the system.
 */
export class InferenceClient {
  private worker: Worker | null = null;
  private api: Comlink.Remote<InferenceApi> | null = null;
  private running = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Fails the runs under way: the worker itself stopped, so none of them will ever answer. */
  private readonly crashes = new Set<(error: Error) => void>();

  private connect(): Comlink.Remote<InferenceApi> {
    if (!this.api) {
      this.worker = new Worker(new URL('../../workers/inference.ts', import.meta.url), {
        type: 'module',
        name: 'kintsugi-inference',
      });
      this.api = Comlink.wrap<InferenceApi>(this.worker);
      // A worker whose script never loaded (a file gone after an update, a top-level throw)
      // never answers: every run would wait forever, the job at "Working", the queue blocked.
      // Once it said it is ready, its errors belong to the runs, which report them themselves.
      let ready = false;
      this.worker.addEventListener('message', ({ data }) => {
        if (data === WORKER_READY) ready = true;
      });
      this.worker.addEventListener('error', (event) => {
        if (ready) return;
        event.preventDefault();
        const error = new Error(
          `The image engine stopped (${event.message || 'its worker failed'}); run the job again`,
        );
        for (const crash of this.crashes) crash(error);
        this.terminate();
      });
    }
    return this.api;
  }

  private terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.api?.[Comlink.releaseProxy]();
    this.api = null;
  }

  /**
   * Fetches and keeps what the first job needs (the image engine for this device and the default
   * model), in the worker that runs jobs, so a job started meanwhile shares the downloads.
   */
  async prepare(backend: RunRequest['backend']): Promise<void> {
    clearTimeout(this.idleTimer);
    this.running++;
    try {
      await this.connect().prepare(backend);
    } finally {
      this.running--;
      if (this.running === 0) this.idleTimer = setTimeout(() => this.terminate(), IDLE_MS);
    }
  }

  async run(
    request: Omit<RunRequest, 'runId'>,
    signal: AbortSignal,
    onProgress: (fraction: number, eta: number | null) => void,
    onEngine: (engine: EngineRecord) => void,
    onPreview?: (band: PreviewBand) => void,
  ): Promise<RunResult> {
    signal.throwIfAborted();
    clearTimeout(this.idleTimer);
    const api = this.connect();
    const runId = crypto.randomUUID();
    this.running++;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    let rejectOnKill: (reason: unknown) => void = () => {};
    const killed = new Promise<never>((_, reject) => (rejectOnKill = reject));
    let crash: (error: Error) => void = () => {};
    const crashed = new Promise<never>((_, reject) => (crash = reject));
    this.crashes.add(crash);
    const onAbort = () => {
      void api.cancel(runId);
      killTimer = setTimeout(() => {
        this.terminate();
        rejectOnKill(signal.reason);
      }, CANCEL_GRACE_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([
        api.run(
          { ...request, runId },
          Comlink.proxy(onProgress),
          Comlink.proxy(onEngine),
          onPreview && Comlink.proxy(onPreview),
        ),
        killed,
        crashed,
      ]);
    } catch (error) {
      // The worker's own cancel arrives as a plain Error through Comlink; report the abort.
      if (signal.aborted) throw signal.reason;
      throw error;
    } finally {
      clearTimeout(killTimer);
      this.crashes.delete(crash);
      signal.removeEventListener('abort', onAbort);
      this.running--;
      if (this.running === 0) this.idleTimer = setTimeout(() => this.terminate(), IDLE_MS);
    }
  }
}

export const inference = new InferenceClient();
