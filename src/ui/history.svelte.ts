import type { JobStatus } from '../jobs/job.ts';
import { jobsView } from './jobs.svelte.ts';
import { describeSpec } from './operation-choices.ts';
import { zipFiles } from './zip.ts';

export type StatusFilter = JobStatus | 'all';

/**
 * The history's filters and totals. The jobs themselves are jobsView's (IndexedDB's): this only
 * chooses which of them to show.
 */
class History {
  status = $state<StatusFilter>('all');
  /** A description from describeSpec ("Upscale ×4"), or 'all'. */
  operation = $state<string>('all');
  operations = $derived([...new Set(jobsView.jobs.map((j) => describeSpec(j.spec)))].sort());
  shown = $derived(
    jobsView.jobs.filter(
      (job) =>
        (this.status === 'all' || job.status === this.status) &&
        (this.operation === 'all' || describeSpec(job.spec) === this.operation),
    ),
  );
  /** The finished results among the shown jobs: what "Download zip" packs. */
  results = $derived(this.shown.filter((j) => j.status === 'completed' && j.output));
  /** Bytes of the photos and results of every job, as their records say. */
  jobBytes = $derived(
    jobsView.jobs.reduce((sum, j) => sum + j.input.bytes + (j.output?.bytes ?? 0), 0),
  );
  usage = $state<{ used: number; quota: number } | null>(null);
  zipping = $state(false);

  async refreshUsage(): Promise<void> {
    const estimate = await navigator.storage?.estimate?.();
    if (estimate) this.usage = { used: estimate.usage ?? 0, quota: estimate.quota ?? 0 };
  }

  /** A zip of the shown results, each under its output name (`photo.enhance-x4.png`). */
  async zip(): Promise<Blob | null> {
    this.zipping = true;
    try {
      const entries = [];
      for (const job of this.results) {
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

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(0.1, bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}
