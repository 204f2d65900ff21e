import type { Job } from '@/jobs/job.ts';
import { type ApiDialect, parseId } from './status-map.ts';
import { type ApiContext, ApiError } from './types.ts';

/**
 * The job a path id names, or a 404 with the dialect's message. An id that cannot be one is
 * answered without a lookup, and a job of another dialect is not found here: each dialect lists
 * only its own jobs, so it shows only its own.
 */
export async function findJob(
  ctx: ApiContext,
  dialect: ApiDialect,
  rawId: string | undefined,
  notFound: string,
): Promise<Job> {
  const id = rawId === undefined ? null : parseId(dialect, rawId);
  if (id === null) throw new ApiError(404, notFound);
  const job = await ctx.jobs.get(id);
  if (!job || job.dialect !== dialect) throw new ApiError(404, notFound);
  return job;
}
