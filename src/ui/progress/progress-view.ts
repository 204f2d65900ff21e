import type { Job } from '@/jobs/job.ts';
import { formatDuration } from '../panel/estimate.ts';

/**
 * What a job's progress shows, worked out from what was seen of it: pure, so every rule (the bar
 * never goes back, no ETA without a basis, queue positions, batch totals) is tested alone.
 */

/** A progress value seen at a time (ms). */
export interface Sample {
  at: number;
  progress: number;
}

/** At least this long between the first and last sample before a rate is trusted. */
const MIN_SPAN_MS = 2_000;
/** No new progress for this many times the usual gap between updates: the rate is not known. */
const STALL_FACTOR = 4;
const MIN_STALL_MS = 8_000;
/** The recent rate may differ from the whole run's by this factor before the ETA is hidden. */
const UNSTABLE_FACTOR = 1.6;

/**
 * Seconds left from the samples of one attempt, or null where they do not support a figure:
 * fewer than two distinct points, too short a span, no progress for a long while (stalled), or a
 * recent rate that disagrees with the whole run's (unstable). Counts down between updates.
 */
export function etaFromSamples(samples: readonly Sample[], now: number): number | null {
  const moving = samples.filter((s, i) => i === 0 || s.progress > samples[i - 1]!.progress);
  if (moving.length < 2) return null;
  const first = moving[0]!;
  const last = moving.at(-1)!;
  const span = last.at - first.at;
  if (span < MIN_SPAN_MS || last.progress <= first.progress || last.progress >= 1) return null;
  const gap = span / (moving.length - 1);
  if (now - last.at > Math.max(MIN_STALL_MS, STALL_FACTOR * gap)) return null;
  const rate = (last.progress - first.progress) / span;
  // The recent half of the run against the whole: a rate that changed a lot predicts nothing.
  const middle = moving[Math.floor(moving.length / 2)]!;
  if (last.at > middle.at && last.progress > middle.progress && moving.length >= 3) {
    const recent = (last.progress - middle.progress) / (last.at - middle.at);
    if (recent > rate * UNSTABLE_FACTOR || recent * UNSTABLE_FACTOR < rate) return null;
  }
  const left = (1 - last.progress) / rate - (now - last.at);
  return left > 0 ? left / 1000 : null;
}

/**
 * Follows one job as it is seen: keeps the highest percentage shown (a new attempt after an
 * interruption starts again, and says so), the samples of the attempt, and an ETA that counts
 * down smoothly instead of jumping with every tile.
 */
export class ProgressTrack {
  attempt = -1;
  /** The highest fraction shown in this attempt. */
  shown = 0;
  samples: Sample[] = [];
  private eta: { seconds: number; at: number } | null = null;

  /** Takes the job as it is now; returns the fraction to show. */
  update(job: Pick<Job, 'progress' | 'attempts' | 'status'>, now: number): number {
    if (job.attempts !== this.attempt) {
      this.attempt = job.attempts;
      this.shown = 0;
      this.samples = [];
      this.eta = null;
    }
    if (job.status === 'completed') this.shown = 1;
    // The moment the work is first seen running is the first point of its rate.
    if (job.status === 'processing' && this.samples.length === 0)
      this.samples.push({ at: now, progress: Math.min(job.progress, 1) });
    if (job.status === 'processing' && job.progress > this.shown) {
      this.shown = Math.min(job.progress, 1);
      this.samples.push({ at: now, progress: this.shown });
      if (this.samples.length > 120) this.samples.splice(1, 1); // keep the first: the whole run
    }
    return this.shown;
  }

  /** How long since the bar last moved (ms); 0 before anything was seen. */
  quietMs(now: number): number {
    const last = this.samples.at(-1);
    return last ? now - last.at : 0;
  }

  /** Seconds left to show now, or null when unknown. */
  etaSeconds(now: number): number | null {
    const fresh = etaFromSamples(this.samples, now);
    if (fresh === null) {
      this.eta = null;
      return null;
    }
    if (this.eta) {
      const counted = this.eta.seconds - (now - this.eta.at) / 1000;
      // Within a third of the figure already shown: keep counting that one down.
      if (counted > 0 && fresh < counted * 1.33 && fresh > counted * 0.67) return counted;
    }
    this.eta = { seconds: fresh, at: now };
    return fresh;
  }
}

/** "about 40 s left", "about 3 min left"; "almost done" in the last seconds. */
export function etaText(seconds: number): string {
  return seconds < 3 ? 'almost done' : `${formatDuration(seconds)} left`;
}

/** The jobs still to finish (running or waiting) in the order the host takes them. */
function activeInOrder(jobs: readonly Job[]): Job[] {
  return jobs
    .filter((j) => j.status === 'queued' || j.status === 'processing')
    .sort((a, b) => {
      const running = Number(b.status === 'processing') - Number(a.status === 'processing');
      return running || a.created_at - b.created_at;
    });
}

/** Where a waiting job stands: "2 of 3" counts the running job first; null if not waiting. */
export function queuePosition(
  jobs: readonly Job[],
  id: string,
): { position: number; total: number } | null {
  const active = activeInOrder(jobs);
  const index = active.findIndex((j) => j.id === id);
  if (index < 0 || active[index]!.status !== 'queued') return null;
  return { position: index + 1, total: active.length };
}

/** The spec option that ties photos added together into one batch (set by the job list's add). */
const BATCH_OPTION = 'batch';

/** The jobs added together with this one (itself included); just itself when added alone. */
export function batchOf(jobs: readonly Job[], job: Job): Job[] {
  const batch = job.spec.options?.[BATCH_OPTION];
  if (typeof batch !== 'string') return [job];
  return jobs.filter((j) => j.spec.options?.[BATCH_OPTION] === batch);
}

/** The row that carries the batch's totals: its first photo not finished yet (or its last). */
export function batchLead(batch: readonly Job[]): Job | undefined {
  const sorted = [...batch].sort((a, b) => a.created_at - b.created_at);
  return sorted.find((j) => j.status === 'queued' || j.status === 'processing') ?? sorted.at(-1);
}

/**
 * "3 photos · 1 done · about 2 min left": the time left is given only when every unfinished
 * photo has a figure (its ETA, or its estimate while it waits). Null for a single photo.
 */
export function batchSummary(
  batch: readonly Job[],
  secondsLeft: (job: Job) => number | null,
): string | null {
  if (batch.length < 2) return null;
  const done = batch.filter((j) => j.status === 'completed').length;
  const failed = batch.filter((j) => j.status === 'failed' || j.status === 'canceled').length;
  const open = batch.filter((j) => j.status === 'queued' || j.status === 'processing');
  const parts = [`${batch.length} photos`, `${done} done`];
  if (failed) parts.push(`${failed} not done`);
  if (open.length > 0) {
    const lefts = open.map(secondsLeft);
    if (lefts.every((s): s is number => s !== null))
      parts.push(etaText(lefts.reduce((a, b) => a + b, 0)));
  }
  return parts.join(' · ');
}

/**
 * A job left "processing" by a host that stopped (a closed tab, a worker that died): its lease
 * ran out and nothing was heard of it for a lease's time (a hidden tab may renew late, but its
 * progress still comes). The host that runs the queue now takes it again.
 */
export function isInterrupted(
  job: Pick<Job, 'status' | 'lease_expires_at' | 'updated_at'>,
  now: number,
  leaseMs = 15_000,
) {
  return (
    job.status === 'processing' &&
    job.lease_expires_at !== null &&
    job.lease_expires_at < now &&
    now - job.updated_at > leaseMs
  );
}

/** Megabytes in plain figures: "12 of 33 MB". */
export function downloadText(what: string, loaded: number, total: number): string {
  const mb = (bytes: number) => Math.round(bytes / 1e6);
  return `Downloading ${what} · ${mb(loaded)} of ${Math.max(1, mb(total))} MB`;
}

/** The model's role in plain words, from its manifest id. */
export function modelInWords(id: string): string {
  if (/anime/.test(id)) return 'the drawing model';
  if (/face/.test(id)) return 'the face model';
  if (/isnet|segment|u2net|modnet/.test(id)) return 'the cut-out model';
  if (/waifu2x|denoise|scunet/.test(id)) return 'the noise model';
  if (/ocr|text/.test(id)) return 'the text finder';
  if (/lama|inpaint|migan/.test(id)) return 'the fill-in model';
  if (/colori|ddcolor|deoldify/.test(id)) return 'the colour model';
  if (/esrgan|realesr|cugan|upscale|swin/.test(id)) return 'the photo model';
  return 'a model';
}

/** Everything a job's progress line needs, worked out before it is drawn. */
export interface ProgressFacts {
  status: Job['status'];
  attempts: number;
  /** The highest fraction shown in this attempt (ProgressTrack). */
  shown: number;
  etaSeconds: number | null;
  queue: { position: number; total: number } | null;
  interrupted: boolean;
  /** "Downloading the photo model · 12 of 33 MB" while the job's model arrives. */
  download: { text: string; fraction: number } | null;
  /** The estimate for the whole job on this device, when there is a basis for one. */
  estimateSeconds: number | undefined;
  /** How long since the bar last moved, in ms. */
  quietMs?: number;
}

export interface ProgressLine {
  /** 0..100 for the bar, or null: the bar moves without a figure (nothing measured yet). */
  percent: number | null;
  label: string;
  /** "about 2 min left"; null when not known. */
  eta: string | null;
  /**
   * The bar has not moved for a while and no ETA is known (one long step, like a cut-out
   * model's single run): it shows that work goes on, so a figure like 2 % does not look frozen.
   */
  busy?: boolean;
}

/** No move of the bar for this long, without an ETA: the bar shows that work goes on. */
export const BUSY_AFTER_MS = 5_000;

/** The words and the bar of one job's progress. */
export function describeProgress(f: ProgressFacts): ProgressLine {
  const percent = Math.floor(f.shown * 100);
  if (f.status === 'queued') {
    const where = f.queue && f.queue.total > 1 ? ` · ${f.queue.position} of ${f.queue.total}` : '';
    const again = f.attempts > 0 ? 'Waiting to start again' : 'Waiting';
    const expected =
      f.estimateSeconds === undefined ? null : `takes ${formatDuration(f.estimateSeconds)}`;
    return { percent: null, label: again + where, eta: expected };
  }
  if (f.status !== 'processing')
    return { percent: f.status === 'completed' ? 100 : null, label: '', eta: null };
  if (f.interrupted)
    return { percent: null, label: 'Interrupted · picking up where it stopped…', eta: null };
  const again = f.attempts > 1 ? 'Started again after an interruption · ' : '';
  if (f.download && f.shown === 0)
    return { percent: null, label: again + f.download.text, eta: null };
  if (f.shown === 0) {
    const expected =
      f.estimateSeconds === undefined ? null : `usually ${formatDuration(f.estimateSeconds)}`;
    return { percent: null, label: `${again}Working…`, eta: expected };
  }
  const line = f.download ? ` · ${f.download.text}` : '';
  return {
    percent,
    label: `${again}Working · ${percent}%${line}`,
    eta: f.etaSeconds === null ? null : etaText(f.etaSeconds),
    busy: f.etaSeconds === null && (f.quietMs ?? 0) > BUSY_AFTER_MS,
  };
}
