import type { Job } from '@/jobs/job.ts';
import { type LimitsConfig, defaultLimits, urlExpiresAt } from './limits-config.ts';
import type { ApiDialect } from './status-map.ts';
import type { ApiContext } from './types.ts';

/*
 * Output URLs live as long as limits-config's retention says for the dialect (upscale 1 hour,
 * video and operations a day, restorations as long as the output is kept), never beyond the
 * output's own expiry. Every read signs a fresh one. The retention is the one Settings resolved
 * when the caller passes it (ApiContext.retention), else the defaults.
 */

/** Seconds a URL signed now for this job's output stays valid (at least 1). */
export function outputTtlSeconds(
  dialect: ApiDialect,
  job: Job,
  now: number,
  retention: LimitsConfig['retention'] = defaultLimits.retention,
): number {
  const until = urlExpiresAt(retention[dialect], now, job.expires_at);
  return Math.max(1, Math.floor((until - now) / 1000));
}

/** A freshly signed URL of a completed job's output, else null. */
export async function signedOutputUrl(
  ctx: ApiContext,
  dialect: ApiDialect,
  job: Job,
): Promise<string | null> {
  if (job.status !== 'completed') return null;
  return ctx.jobs.outputUrl(job, outputTtlSeconds(dialect, job, ctx.now(), ctx.retention));
}
