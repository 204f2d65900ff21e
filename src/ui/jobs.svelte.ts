import type { OutboxRecord } from '../api/webhooks.ts';
import type { ApiRecords } from '../jobs/api-records.ts';
import { openJobChannel } from '../jobs/broadcast.ts';
import type { Job, JobSpec, Operation } from '../jobs/job.ts';
import { JobNotQueuedError, type JobStore } from '../jobs/store.ts';
import { submitJob } from '../jobs/submit.ts';
import { needsMask } from './operation-choices.ts';
import { painter } from './painter.svelte.ts';
import { hintPainter, needsHints } from './hint-painter.svelte.ts';
import { settings } from './settings.svelte.ts';
import { deviceBackend } from './device-backend.svelte.ts';
import { askIfLong, notifyIfEnded } from './notify.ts';

/**
 * What the UI shows of the jobs: read from IndexedDB and kept current by the job broadcast.
 * It holds no truth of its own; every change goes through the store.
 */
class JobsView {
  jobs = $state<Job[]>([]);
  /** Webhook deliveries by job id, with every attempt, from the persistent outbox. */
  deliveries = $state<Record<string, OutboxRecord[]>>({});
  selectedId = $state<string | null>(null);
  selected = $derived(this.jobs.find((j) => j.id === this.selectedId) ?? this.jobs[0] ?? null);
  private store: JobStore | null = null;
  private records: ApiRecords | null = null;
  private channel: ReturnType<typeof openJobChannel> | null = null;

  async connect(store: JobStore, records: ApiRecords): Promise<void> {
    this.store = store;
    this.records = records;
    this.channel = openJobChannel((event) => {
      if (event.type === 'webhook') void this.loadDeliveries();
      if (event.type === 'job') this.upsert(event.job);
      if (event.type === 'deleted') this.jobs = this.jobs.filter((j) => j.id !== event.id);
      if (event.type === 'created') void this.refresh(event.id);
    });
    this.jobs = await store.list();
    await this.loadDeliveries();
  }

  private async loadDeliveries(): Promise<void> {
    const byJob: Record<string, OutboxRecord[]> = {};
    for (const delivery of (await this.records?.deliveries()) ?? []) {
      (byJob[delivery.job_id] ??= []).push(delivery);
    }
    this.deliveries = byJob;
  }

  private async refresh(id: string): Promise<void> {
    const job = await this.store?.get(id);
    if (job) this.upsert(job);
  }

  private upsert(job: Job): void {
    const index = this.jobs.findIndex((j) => j.id === job.id);
    // Broadcasts can arrive out of order; never go back to an older state of the job.
    if (index >= 0 && (this.jobs[index]?.updated_at ?? 0) > job.updated_at) return;
    // A job that ended while this tab is hidden: a system notification (when allowed).
    notifyIfEnded(
      index >= 0 ? ($state.snapshot(this.jobs[index]) as Job) : undefined,
      job,
      () => (this.selectedId = job.id),
    );
    if (index >= 0) this.jobs[index] = job;
    else this.jobs = [job, ...this.jobs].sort((a, b) => b.created_at - a.created_at);
  }

  /**
   * Queues each file with the operations chosen now (one, or a chain): every item keeps its own settings. An
   * operation that needs a painted mask sends the files to the painter first.
   */
  async add(files: readonly File[]): Promise<void> {
    const operations = structuredClone($state.snapshot(settings.operations)) as Operation[];
    if (operations.some(needsMask)) return painter.enqueue(files, operations);
    if (operations.some(needsHints)) return hintPainter.enqueue(files, operations);
    // The first long job asks whether it may notify when it ends (never on page load).
    void askIfLong(files, operations, deviceBackend());
    for (const file of files) await this.submit(file, { operations });
  }

  async submit(input: Blob, spec: JobSpec, name = (input as File).name): Promise<Job> {
    const job = await submitJob(this.requireStore(), {
      dialect: 'app',
      spec,
      input,
      name: name || 'pasted-image.png',
    });
    this.upsert(job);
    this.selectedId = job.id;
    this.channel?.post({ type: 'created', id: job.id });
    return job;
  }

  /** Changes what a queued job runs; false when it has already started. */
  async changeSpec(id: string, spec: JobSpec): Promise<boolean> {
    try {
      const job = await this.requireStore().updateQueuedSpec(id, spec, Date.now());
      this.upsert(job);
      this.channel?.post({ type: 'job', job });
      return true;
    } catch (error) {
      if (error instanceof JobNotQueuedError) return false;
      throw error;
    }
  }

  /** Runs a failed or canceled job again: a new job with the same input and spec. */
  async retry(id: string): Promise<Job | null> {
    const job = this.jobs.find((j) => j.id === id);
    const input = job && (await this.blob(job.input.key));
    if (!job || !input) return null;
    return this.submit(
      input,
      structuredClone($state.snapshot(job.spec)) as JobSpec,
      job.input.name,
    );
  }

  async cancel(id: string): Promise<void> {
    const job = await this.requireStore().requestCancel(id, Date.now());
    this.upsert(job);
    this.channel?.post({ type: 'job', job });
    this.channel?.post({ type: 'cancel', id });
  }

  async remove(id: string): Promise<void> {
    if (await this.requireStore().delete(id)) {
      this.jobs = this.jobs.filter((j) => j.id !== id);
      this.channel?.post({ type: 'deleted', id });
    }
  }

  blob(key: string): Promise<Blob | undefined> {
    return this.requireStore().getBlob(key);
  }

  private requireStore(): JobStore {
    if (!this.store) throw new Error('The job store is not open yet');
    return this.store;
  }
}

export const jobsView = new JobsView();

/**
 * Reads a stored blob into an object URL and hands it to `set`; returns the cleanup that revokes
 * it (or drops a read still under way), ready to be returned from an $effect.
 */
export function objectUrl(key: string, set: (url: string) => void): () => void {
  let url: string | null = null;
  let live = true;
  void jobsView.blob(key).then((blob) => {
    if (!blob || !live) return;
    url = URL.createObjectURL(blob);
    set(url);
  });
  return () => {
    live = false;
    if (url) URL.revokeObjectURL(url);
  };
}
