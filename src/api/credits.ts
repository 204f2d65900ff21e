/**
 * What a job costs in credits, and the local ledger of charges and refunds.
 *
 * Nothing here is scarce (the GPU is the user's own); credits exist so each dialect can report
 * what its seed reports (restorations' `credits_charged`, upscale's monthly quota, operations'
 * "free, no credits") and so the UI can show what a job would have cost at the hosted service.
 * Where a seed is silent the rule is the one the seeds' only priced example fits: cost grows
 * linearly with the output's edge length.
 */
import type { Dialect, Job, JobSpec, Operation } from '@/jobs/job.ts';

/**
 * Seed: enhance at 2k is charged 2. Linear in edge length fits that one data point (1k=1, 2k=2,
 * 4k=4); pricing by pixel count (1, 4, 16) would contradict it. The preset does not change the
 * price: the seed's example gives no sign that it does.
 */
export const restorationCredits: Readonly<Record<string, number>> = { '1k': 1, '2k': 2, '4k': 4 };

/** Seed: restorations' resolution defaults to 1k. */
const defaultResolution = '1k';

type OperationCost = number | ((params: Record<string, unknown>) => number);

/**
 * Seed: compress-optimize, crop-resize and convert are "free, no credits". Every AI operation is
 * 1, except enhance at 8×, which costs 2: it writes four times the pixels of 4× and is the
 * longest job a photo can ask for.
 */
export const operationCredits: Readonly<Record<string, OperationCost>> = {
  enhance: (params) => (params.scale === 8 ? 2 : 1),
  'enhance-anime': 1,
  'enhance-face': 1,
  denoise: 1,
  deblur: 1,
  'restore-old-photo': 1,
  'remove-background': 1,
  'replace-background': 1,
  'blur-background': 1,
  'smart-crop': 1,
  'remove-object': 1,
  'remove-text': 1,
  'compress-optimize': 0,
  'crop-resize': 0,
  convert: 0,
};

/** A user's own model ("bring your own model") is an AI operation like the others. */
const unlistedOperationCredits = 1;

/** Seed: "One credit is deducted from your monthly quota" per job, whatever the scale. */
export const upscaleCreditsPerJob = 1;

export class CreditsError extends Error {}

/**
 * Credits a job of this dialect and spec costs. The app's own UI is 0: it uses no key and no
 * quota, so there is nothing to count against.
 */
export function creditsFor(dialect: Dialect, spec: JobSpec): number {
  switch (dialect) {
    case 'app':
      return 0;
    case 'restorations':
      return restorationsCost(spec.options?.resolution ?? defaultResolution);
    case 'operations':
      return spec.operations.reduce((sum, op) => sum + operationCost(op), 0);
    case 'upscale':
      return upscaleCreditsPerJob;
    case 'video':
      return videoCost(spec.options?.upscale_factor);
  }
}

function restorationsCost(resolution: unknown): number {
  const cost = typeof resolution === 'string' ? restorationCredits[resolution] : undefined;
  // The validator only lets 1k, 2k and 4k through; anything else here is a bug to surface.
  if (cost === undefined) throw new CreditsError(`No price for resolution ${String(resolution)}`);
  return cost;
}

function operationCost(op: Operation): number {
  const cost = operationCredits[op.type] ?? unlistedOperationCredits;
  return typeof cost === 'number' ? cost : cost(op.params);
}

/**
 * Seed silent (its Job Object has no credits). The edge-length rule: the upscale factor is the
 * cost (1×: 1, 2×: 2, 4×: 4), whatever the preset; no factor means the video keeps its size: 1.
 */
function videoCost(factor: unknown): number {
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1) return 1;
  return Math.ceil(factor);
}

export interface LedgerEntry {
  /** `charge:<job id>` or `refund:<job id>`: writing the same entry twice keeps one. */
  id: string;
  kind: 'charge' | 'refund';
  job_id: string;
  api_key_id: string | null;
  dialect: Dialect;
  /** Positive for a charge, negative for a refund: the sum is what was spent. */
  credits: number;
  /** Unix ms. */
  at: number;
  reason: string;
}

/** The charge a job's creation writes, or null for a free job. */
export function chargeEntry(job: Job): LedgerEntry | null {
  if (job.credits_charged <= 0) return null;
  return {
    id: `charge:${job.id}`,
    kind: 'charge',
    job_id: job.id,
    api_key_id: job.api_key_id,
    dialect: job.dialect,
    credits: job.credits_charged,
    at: job.created_at,
    reason: 'job created',
  };
}

/**
 * The refund of a failed job's credits, or null when nothing is owed. Seed (restorations):
 * "failed: credits refunded", "Credits are not refunded for deletions". A canceled job is not
 * refunded: no seed says so, and the work may already have been done.
 */
export function refundEntry(job: Job): LedgerEntry | null {
  if (job.status !== 'failed' || job.credits_charged <= 0) return null;
  return {
    id: `refund:${job.id}`,
    kind: 'refund',
    job_id: job.id,
    api_key_id: job.api_key_id,
    dialect: job.dialect,
    credits: -job.credits_charged,
    at: job.completed_at ?? job.updated_at,
    reason: job.error ?? 'job failed',
  };
}

/** Credits spent in [from, to) (Unix ms), refunds taken off. */
export function creditsSpent(
  entries: readonly LedgerEntry[],
  from = -Infinity,
  to = Infinity,
): number {
  return entries.filter((e) => e.at >= from && e.at < to).reduce((sum, e) => sum + e.credits, 0);
}
