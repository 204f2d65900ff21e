import type { OutboxRecord } from '@/api/webhooks.ts';
import type { ApiRecords } from '@/api/store/records.ts';
import { openJobChannel } from '@/jobs/broadcast.ts';
import type { Job, JobSpec, Operation } from '@/jobs/job.ts';
import { JobNotFoundError, JobNotQueuedError, type JobStore } from '@/jobs/store.ts';
import { submitJob } from '@/jobs/submit.ts';
import { needsMask } from './panel/operation-choices.ts';
import { painter } from './painters/painter.svelte.ts';
import { hintPainter, needsHints, wantsHints } from './painters/hint-painter.svelte.ts';
import { installedNow } from '@/inference/optional/store.ts';
import { settings } from './settings.svelte.ts';
import { deviceBackend } from './device-backend.svelte.ts';
import { askIfLong, notifyIfEnded } from './progress/notify.ts';

/**
 * What the UI shows of the jobs: read from IndexedDB and kept current by the job broadcast.
 * It holds no truth of its own; every change goes through the store.
 */
class JobsView {
  /** Records from the store, each replaced whole when it changes: not deeply proxied. */
  jobs = $state.raw<Job[]>([]);
  /** Webhook deliveries by job id, with every attempt, from the persistent outbox. */
  deliveries = $state<Record<string, OutboxRecord[]>>({});
  selectedId = $state<string | null>(null);
  /**
   * Jobs deleted while their Undo is still offered, by id, with the time the delete is carried
   * out. They stay stored until then (Undo loses nothing) and are shown nowhere.
   */
  deleting = $state<Record<string, number>>({});
  /** The jobs the interface shows: every stored one except those being deleted. */
  visible = $derived(this.jobs.filter((j) => !(j.id in this.deleting)));
  selected = $derived(
    this.visible.find((j) => j.id === this.selectedId) ?? this.visible[0] ?? null,
  );
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
    this.resumeDeletes();
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
    notifyIfEnded(index >= 0 ? this.jobs[index] : undefined, job, () => (this.selectedId = job.id));
    if (index >= 0) this.jobs = this.jobs.with(index, job);
    else this.jobs = [job, ...this.jobs].sort((a, b) => b.created_at - a.created_at);
  }

  /**
   * Queues each file with the operations chosen now (one, or a chain): every item keeps its own settings. An
   * operation that needs a painted mask sends the files to the painter first.
   */
  async add(files: readonly File[]): Promise<void> {
    const operations = structuredClone($state.snapshot(settings.operations)) as Operation[];
    if (operations.some(needsMask)) return painter.enqueue(files, operations);
    if (operations.some(wantsHints)) {
      const installed = await installedNow();
      if (operations.some((op) => needsHints(op, installed)))
        return hintPainter.enqueue(files, operations);
    }
    // The first long job asks whether it may notify when it ends (never on page load).
    void askIfLong(files, operations, deviceBackend());
    // The files added together are one batch, which can be downloaded as one zip.
    const options = files.length > 1 ? { [BATCH_OPTION]: crypto.randomUUID() } : undefined;
    for (const file of files)
      await this.submit(file, options ? { operations, options } : { operations });
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
    return this.submit(input, structuredClone(job.spec), job.input.name);
  }

  async cancel(id: string): Promise<void> {
    const job = await this.requireStore().requestCancel(id, Date.now());
    this.upsert(job);
    this.channel?.post({ type: 'job', job });
    this.channel?.post({ type: 'cancel', id });
  }

  /**
   * Deletes a finished job after UNDO_MS, hiding it at once; undo() in the meantime keeps it.
   * The pending deletes are kept in localStorage, so a reload in between still offers Undo for
   * the time left, and a visit after the time has run out carries the delete out.
   */
  remove(id: string): void {
    this.deleting = { ...this.deleting, [id]: Date.now() + UNDO_MS };
    this.saveDeletes();
    this.scheduleDelete(id, UNDO_MS);
  }

  /** Takes a delete back while its Undo is offered: the job and its result were never touched. */
  undo(id: string): void {
    clearTimeout(this.deleteTimers.get(id));
    this.deleteTimers.delete(id);
    this.deleting = without(this.deleting, id);
    this.saveDeletes();
    this.selectedId = id;
  }

  // Bookkeeping of the timers, never rendered: a plain Map, not a reactive one.
  private deleteTimers = new Map<string, ReturnType<typeof setTimeout>>();

  private scheduleDelete(id: string, delay: number): void {
    clearTimeout(this.deleteTimers.get(id));
    this.deleteTimers.set(
      id,
      setTimeout(() => void this.finishDelete(id), Math.max(0, delay)),
    );
  }

  private async finishDelete(id: string): Promise<void> {
    this.deleteTimers.delete(id);
    let gone = true;
    try {
      gone = await this.requireStore().delete(id);
    } catch (error) {
      // Deleted already, by another tab: nothing left to do.
      if (!(error instanceof JobNotFoundError)) throw error;
    } finally {
      this.deleting = without(this.deleting, id);
      this.saveDeletes();
    }
    if (gone) {
      this.jobs = this.jobs.filter((j) => j.id !== id);
      this.channel?.post({ type: 'deleted', id });
    }
  }

  private saveDeletes(): void {
    try {
      localStorage.setItem(DELETES_KEY, JSON.stringify(this.deleting));
    } catch {
      // No storage (a private window's quota): the deletes still happen in this visit.
    }
  }

  /** Pending deletes of an earlier visit: Undo for the time left, or the delete carried out. */
  private resumeDeletes(): void {
    let saved: Record<string, number>;
    try {
      saved = JSON.parse(localStorage.getItem(DELETES_KEY) ?? '{}') as Record<string, number>;
    } catch {
      saved = {};
    }
    const now = Date.now();
    const known = Object.entries(saved).filter(([id]) => this.jobs.some((j) => j.id === id));
    this.deleting = Object.fromEntries(known);
    this.saveDeletes();
    for (const [id, at] of known) this.scheduleDelete(id, at - now);
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

/** How long a deleted job can be taken back. */
export const UNDO_MS = 8_000;
const DELETES_KEY = 'kintsugi.pending-deletes';

function without(record: Record<string, number>, id: string): Record<string, number> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => key !== id));
}

/** The spec option that ties the jobs added together into one batch. */
export const BATCH_OPTION = 'batch';

/** The batch a job was added in, or null for a job added on its own. */
export function batchOf(job: Job): string | null {
  const batch = job.spec.options?.[BATCH_OPTION];
  return typeof batch === 'string' ? batch : null;
}

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
