import { type Job, type JobSpec, isTerminal } from '@/jobs/job.ts';
import { creditsFor } from './credits.ts';
import { type BodyField, readBody } from './body-fields.ts';
import { dataUrlHead, integerText, nameFromUrl } from './fields.ts';
import { findJob } from './lookup.ts';
import { outputTtlSeconds } from './output-url.ts';
import { maxJsonBytes, readJsonObject } from './request-body.ts';
import { imageTypeNames, sniffBytes, sniffImage, sniffVideo } from '@/media/sniff.ts';
import {
  errorText,
  parseId,
  renderId,
  renderTime,
  renderTimeOrNull,
  statusWord,
} from './status-map.ts';
import {
  type ApiContext,
  ApiError,
  type ApiResponse,
  type DialectModule,
  type Route,
} from './types.ts';

/*
 * Retroiva video enhancement (seed 003): POST /v2/enhance, GET /v2/jobs, GET /v2/jobs/:id,
 * GET /v2/jobs/:id/download, POST /v2/jobs/:id/cancel.
 *
 * Choices where the seed is silent:
 * - Error body `{ "error": { "code": "not_found", "message": "…" } }`: the seed gives only HTTP
 *   codes; a nested object with a machine code and a human message is the shape of the APIs it
 *   is modelled on (Stripe-like: `job_…` ids, `has_more`/`next_cursor` lists).
 * - Success is 200 everywhere, creation included: the seed's error table lists 200 as its only
 *   success code.
 * - The Job object is the same in every answer (create, get, list, cancel): the seed's documented
 *   fields plus `progress` (0..1) and `eta_seconds`, which its GET example shows.
 * - Timestamps are Unix seconds, ids `job_<uuid>` (both forms are accepted back).
 */

export const presets = ['cinematic', 'social', 'archive', 'general'] as const;
export type VideoPreset = (typeof presets)[number];

/** Seed silent on a default: `general` is the one preset that promises nothing particular. */
export const defaultPreset: VideoPreset = 'general';

/**
 * upscale_factor appears only in the seed's example (4). 1–4 covers keeping the size (1) up to
 * the example's 4×; 2 is the default because it is the smallest factor that still upscales, and
 * the cost of video grows with the factor.
 */
export const upscaleFactor = { min: 1, max: 4, default: 2 } as const;

export const listLimit = { min: 1, max: 100, default: 20 } as const;

/**
 * The enhance request's fields: read by the route below, described by the OpenAPI document. A
 * data: URL is bounded only by the JSON body limit; real videos come by URL.
 */
export const videoRequest = {
  video_url: { type: 'source', kind: 'video', maxDataBytes: maxJsonBytes },
  preset: { type: 'enum', choices: presets, default: defaultPreset },
  upscale_factor: { type: 'integer', ...upscaleFactor },
  webhook_url: { type: 'webhook' },
} as const satisfies Record<string, BodyField>;

const notFound = 'No such job';

/** The engine's video-enhance operation (src/ops/video-enhance/) runs the preset on every frame. */
export function videoSpec(preset: VideoPreset, upscale_factor: number): JobSpec {
  return {
    operations: [{ type: 'video-enhance', params: { preset, upscale_factor } }],
    options: { preset, upscale_factor },
  };
}

/** The seed's Job object, with progress and eta_seconds from its GET example. */
export interface VideoJob {
  id: string;
  status: string;
  input_url: string | null;
  output_url: string | null;
  created_at: number;
  completed_at: number | null;
  error: string | null;
  progress: number;
  eta_seconds: number | null;
  [field: string]: unknown;
}

/** Renders a job as every video answer shows it; also what the webhook outbox sends. */
export async function renderVideoJob(job: Job, ctx: ApiContext): Promise<VideoJob> {
  const status = statusWord('video', job.status);
  const output_url =
    job.status === 'completed'
      ? await ctx.jobs.outputUrl(job, outputTtlSeconds('video', job, ctx.now(), ctx.retention))
      : null;
  return {
    id: renderId('video', job.id),
    status,
    input_url: ctx.jobs.inputUrl(job),
    output_url,
    created_at: renderTime('video', job.created_at) as number,
    completed_at: renderTimeOrNull('video', job.completed_at) as number | null,
    error: status === 'failed' ? errorText(job) : null,
    progress: Math.min(1, Math.max(0, job.progress)),
    eta_seconds: job.eta_seconds,
  };
}

/**
 * A data: URL carries its bytes with the request, so what they are is known now: anything but
 * an MP4, MOV or WebM container is refused here rather than failing later as a job. (A video by
 * URL is typed from its bytes when the engine fetches it.)
 */
export function checkDataVideo(video_url: string): void {
  if (!/^data:/i.test(video_url) || !video_url.includes(',')) return;
  const head = dataUrlHead(video_url, sniffBytes);
  if (!head) throw new ApiError(400, 'video_url is a data: URL whose data cannot be decoded');
  if (sniffVideo(head)) return;
  const sniffed = sniffImage(head);
  const found = sniffed.image ? `a ${imageTypeNames[sniffed.image]} image` : sniffed.found;
  throw new ApiError(400, `video_url is ${found}, not an MP4, MOV or WebM video`);
}

const enhance: Route = {
  method: 'POST',
  pattern: '/v2/enhance',
  async handle(request, _params, ctx): Promise<ApiResponse> {
    const { video_url, preset, upscale_factor, webhook_url } = readBody(
      await readJsonObject(request),
      videoRequest,
      ctx.origin,
    );
    checkDataVideo(video_url);
    const spec = videoSpec(preset, upscale_factor);
    const job = await ctx.jobs.create({
      dialect: 'video',
      spec,
      input: { source: video_url, name: nameFromUrl(video_url, 'video') },
      callback_url: webhook_url,
      credits_charged: creditsFor('video', spec),
    });
    return { status: 200, body: await renderVideoJob(job, ctx) };
  },
};

/**
 * A video cursor is a job id (the seed's `"next_cursor": "job_2"` is the last id shown). The
 * store pages by its own opaque cursors, so the page after a job is found by asking for jobs
 * created up to that job's millisecond and skipping to just past it. This many jobs sharing one
 * millisecond with the cursor's are told apart; beyond that they are skipped.
 */
const tieSlack = 100;

async function pageAfter(
  ctx: ApiContext,
  cursor: Job | null,
  limit: number,
): Promise<{ jobs: Job[]; hasMore: boolean }> {
  if (!cursor) {
    const page = await ctx.jobs.list({ dialect: 'video', limit });
    return { jobs: page.jobs, hasMore: page.next_cursor !== null };
  }
  const page = await ctx.jobs.list({
    dialect: 'video',
    before: cursor.created_at + 1,
    limit: limit + 1 + tieSlack,
  });
  const at = page.jobs.findIndex((job) => job.id === cursor.id);
  const rest =
    at >= 0
      ? page.jobs.slice(at + 1)
      : page.jobs.filter((job) => job.created_at < cursor.created_at);
  const jobs = rest.slice(0, limit);
  return { jobs, hasMore: jobs.length > 0 && (rest.length > limit || page.next_cursor !== null) };
}

async function cursorJob(ctx: ApiContext, raw: string | null): Promise<Job | null> {
  if (raw === null) return null;
  const id = parseId('video', raw);
  const job = id === null ? undefined : await ctx.jobs.get(id);
  if (!job || job.dialect !== 'video') {
    throw new ApiError(400, 'cursor must be the next_cursor of a previous page (a job id)');
  }
  return job;
}

const list: Route = {
  method: 'GET',
  pattern: '/v2/jobs',
  async handle(request, _params, ctx): Promise<ApiResponse> {
    const query = new URL(request.url).searchParams;
    const limitText = query.get('limit');
    const limit =
      limitText === null ? listLimit.default : integerText('limit', limitText, listLimit);
    const cursor = await cursorJob(ctx, query.get('cursor'));
    const page = await pageAfter(ctx, cursor, limit);
    const data = await Promise.all(page.jobs.map((job) => renderVideoJob(job, ctx)));
    const last = page.jobs[page.jobs.length - 1];
    const next_cursor = page.hasMore && last ? renderId('video', last.id) : null;
    return { status: 200, body: { data, has_more: next_cursor !== null, next_cursor } };
  },
};

const get: Route = {
  method: 'GET',
  pattern: '/v2/jobs/:id',
  async handle(_request, params, ctx): Promise<ApiResponse> {
    const job = await findJob(ctx, 'video', params.id, notFound);
    return { status: 200, body: await renderVideoJob(job, ctx) };
  },
};

const download: Route = {
  method: 'GET',
  pattern: '/v2/jobs/:id/download',
  async handle(_request, params, ctx): Promise<ApiResponse> {
    const job = await findJob(ctx, 'video', params.id, notFound);
    const word = statusWord('video', job.status);
    if (job.status !== 'completed') {
      throw new ApiError(409, `Job is ${word}; the download is ready once it is completed`);
    }
    // "Links expire after 24 hours": the video retention's URL life.
    const now = ctx.now();
    const ttl = outputTtlSeconds('video', job, now, ctx.retention);
    const url = await ctx.jobs.outputUrl(job, ttl);
    if (url === null) throw new ApiError(409, 'Job is completed but has no output to download');
    return { status: 200, body: { url, expires_at: Math.floor(now / 1000) + ttl } };
  },
};

const cancel: Route = {
  method: 'POST',
  pattern: '/v2/jobs/:id/cancel',
  async handle(_request, params, ctx): Promise<ApiResponse> {
    const job = await findJob(ctx, 'video', params.id, notFound);
    // "If the job is already completed, this has no effect": nor on any other finished job.
    if (isTerminal(job.status)) return { status: 200, body: await renderVideoJob(job, ctx) };
    const canceled = await ctx.jobs.cancel(job.id);
    return { status: 200, body: await renderVideoJob(canceled, ctx) };
  },
};

/** The machine code beside each message: the seed's HTTP codes, named. */
const errorCodes: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  402: 'quota_exceeded',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  500: 'server_error',
};

export const video: DialectModule = {
  name: 'video',
  prefixes: ['/v2'],
  routes: [enhance, list, get, download, cancel],
  errorBody(error: ApiError): unknown {
    const { code, ...extra } = error.extra;
    return {
      error: {
        code:
          typeof code === 'string' ? code : (errorCodes[error.status] ?? `http_${error.status}`),
        message: error.message,
        ...extra,
      },
    };
  },
};
