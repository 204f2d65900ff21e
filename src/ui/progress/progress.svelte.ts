import { DOWNLOAD_CHANNEL, type DownloadMessage } from '@/inference/download-progress.ts';
import { declaredSizeOf } from '@/media/image-size.ts';
import { manifest } from '@/inference/models.ts';
import type { Job } from '@/jobs/job.ts';
import { deviceBackend } from '../device-backend.svelte.ts';
import { estimateSeconds } from '../panel/estimate.ts';
import { jobsView } from '../jobs.svelte.ts';
import {
  type ProgressLine,
  ProgressTrack,
  batchLead,
  batchOf,
  batchSummary,
  describeProgress,
  downloadText,
  isInterrupted,
  modelInWords,
  queuePosition,
} from './progress-view.ts';

/** A download not heard of for this long is over (or failed; the job says so). */
const DOWNLOAD_QUIET_MS = 10_000;

/**
 * The progress the job rows show: a clock that ticks while any is shown (ETAs count down, a
 * lease that ran out is noticed), each job's track (progress-view.ts), the model download under
 * way and each photo's size for its estimate.
 */
class ProgressState {
  now = $state(Date.now());
  download = $state<(DownloadMessage & { at: number }) | null>(null);
  private sizes = $state<Record<string, { width: number; height: number } | null>>({});
  // Bookkeeping, never rendered as such: a plain Map and Set.
  private tracks = new Map<string, ProgressTrack>();
  private asked = new Set<string>();
  private users = 0;
  private stop: (() => void) | null = null;

  /** Starts the clock and the download listener while a row uses them; returns the release. */
  use(): () => void {
    if (this.users++ === 0) {
      const timer = setInterval(() => (this.now = Date.now()), 1000);
      const channel = new BroadcastChannel(DOWNLOAD_CHANNEL);
      channel.onmessage = ({ data }: MessageEvent<DownloadMessage>) => {
        this.download = { ...data, at: Date.now() };
      };
      this.stop = () => {
        clearInterval(timer);
        channel.close();
      };
    }
    return () => {
      if (--this.users === 0) {
        this.stop?.();
        this.stop = null;
      }
    };
  }

  private track(id: string): ProgressTrack {
    let track = this.tracks.get(id);
    if (!track) this.tracks.set(id, (track = new ProgressTrack()));
    return track;
  }

  /** The photo's size (from the job, else its file's header), read once. */
  private size(job: Job): { width: number; height: number } | null {
    if (job.input.width && job.input.height)
      return { width: job.input.width, height: job.input.height };
    // Asked once; the answer lands in reactive state later (never written while rendering).
    if (!this.asked.has(job.id)) {
      this.asked.add(job.id);
      void jobsView.blob(job.input.key).then(async (blob) => {
        this.sizes[job.id] = blob ? await declaredSizeOf(blob).catch(() => null) : null;
      });
    }
    return this.sizes[job.id] ?? null;
  }

  /** The estimate for a job on this device, or undefined without a basis (or a size). */
  estimate(job: Job): number | undefined {
    const size = this.size(job);
    return size ? estimateSeconds(job.spec.operations, size, deviceBackend()) : undefined;
  }

  /** The model download of the running job, in words, while it goes on. */
  private downloadOf(job: Job): { text: string; fraction: number } | null {
    const d = this.download;
    if (job.status !== 'processing' || !d || d.loaded >= d.total) return null;
    if (this.now - d.at > DOWNLOAD_QUIET_MS) return null;
    const model = [...manifest.models, ...(manifest.analysis ?? [])].find((m) =>
      m.variants.some((v) => v.file === d.file),
    );
    return {
      text: downloadText(modelInWords(model?.id ?? ''), d.loaded, d.total),
      fraction: d.loaded / d.total,
    };
  }

  /** Seconds left for a job: its ETA while it runs, its estimate while it waits. */
  secondsLeft(job: Job): number | null {
    if (job.status === 'queued') return this.estimate(job) ?? null;
    if (job.status !== 'processing') return 0;
    return this.track(job.id).etaSeconds(this.now);
  }

  line(job: Job): ProgressLine {
    const now = Math.max(this.now, Date.now());
    const track = this.track(job.id);
    const shown = track.update(job, now);
    return describeProgress({
      status: job.status,
      attempts: job.attempts,
      shown,
      etaSeconds: job.status === 'processing' ? track.etaSeconds(now) : null,
      queue: queuePosition(jobsView.jobs, job.id),
      interrupted: isInterrupted(job, now),
      download: this.downloadOf(job),
      estimateSeconds: this.estimate(job),
      quietMs: track.quietMs(now),
    });
  }

  /** "3 photos · 1 done · about 2 min left" for the batch this job came in; null alone. */
  batch(job: Job): string | null {
    const batch = batchOf(jobsView.jobs, job);
    if (batchLead(batch)?.id !== job.id) return null;
    return batchSummary(batch, (j) => this.secondsLeft(j));
  }
}

export const progress = new ProgressState();
