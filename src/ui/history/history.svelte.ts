import type { Job, JobStatus } from '@/jobs/job.ts';
import { batchOf, jobsView } from '../jobs.svelte.ts';
import { describeSpec } from '../panel/operation-choices.ts';
import { formatBytes } from '../results/facts.ts';
import { zipFiles } from '../results/zip.ts';

export { formatBytes };

export type StatusFilter = JobStatus | 'all';

const finished = (job: Job) => job.status === 'completed' && job.output !== null;

/**
 * The history's filters and totals. The jobs themselves are jobsView's (IndexedDB's): this only
 * chooses which of them to show.
 */
class History {
  status = $state<StatusFilter>('all');
  /** A description from describeSpec ("Upscale ×4"), or 'all'. */
  operation = $state<string>('all');
  operations = $derived([...new Set(jobsView.visible.map((j) => describeSpec(j.spec)))].sort());
  shown = $derived(
    jobsView.visible.filter(
      (job) =>
        (this.status === 'all' || job.status === this.status) &&
        (this.operation === 'all' || describeSpec(job.spec) === this.operation),
    ),
  );
  /** The finished results among the shown jobs: what "Download all" packs. */
  results = $derived(this.shown.filter(finished));
  /** The jobs added together with the selected one (all of them, whatever the filters). */
  batch = $derived.by(() => {
    const selected = jobsView.selected;
    const id = selected && batchOf(selected);
    return id ? jobsView.visible.filter((j) => batchOf(j) === id) : [];
  });
  /** The batch's finished results: what "Download this batch" packs. */
  batchResults = $derived(this.batch.filter(finished));
  /** Bytes of the photos and results of every stored job, as their records say. */
  jobBytes = $derived(
    jobsView.jobs.reduce((sum, j) => sum + j.input.bytes + (j.output?.bytes ?? 0), 0),
  );
  usage = $state<{ used: number; quota: number } | null>(null);
  zipping = $state(false);

  async refreshUsage(): Promise<void> {
    const estimate = await navigator.storage?.estimate?.();
    if (estimate) this.usage = { used: estimate.usage ?? 0, quota: estimate.quota ?? 0 };
  }

  /** A zip of these jobs' results, each under its output name (`photo.enhance-x4.png`). */
  async zip(jobs: readonly Job[] = this.results): Promise<Blob | null> {
    this.zipping = true;
    try {
      const entries = [];
      for (const job of jobs) {
        const blob = job.output && (await jobsView.blob(job.output.key));
        if (blob)
          entries.push({ name: job.output!.name, bytes: new Uint8Array(await blob.arrayBuffer()) });
      }
      if (!entries.length) return null;
      return new Blob([zipFiles(entries) as BlobPart], { type: 'application/zip' });
    } finally {
      this.zipping = false;
    }
  }
}

export const history = new History();
