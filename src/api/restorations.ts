import type { Job, JobSpec, Operation } from '@/jobs/job.ts';
import { creditsFor } from './credits.ts';
import { type BodyField, readBody } from './body-fields.ts';
import { nameFromUrl } from './fields.ts';
import { findJob } from './lookup.ts';
import { signedOutputUrl } from './output-url.ts';
import { readJsonObject } from './request-body.ts';
import { errorText, statusWord } from './status-map.ts';
import {
  type ApiContext,
  ApiError,
  type ApiResponse,
  type DialectModule,
  type Route,
} from './types.ts';

/*
 * PicRenew restorations (seed 000): POST/GET /api/v1/restorations and
 * GET/DELETE /api/v1/restorations/:id.
 * The seed documents no error body; `{ "error": "message" }` is the plainest JSON shape and the
 * one its sibling upscale API (002) documents, so clients that print `.error` show our message.
 */

export const presets = ['standard', 'enhance', 'colorize', 'portrait'] as const;
export const resolutions = ['1k', '2k', '4k'] as const;
export type Preset = (typeof presets)[number];
export type Resolution = (typeof resolutions)[number];

/**
 * The seed's image limit ("max 20 MB"). Checked here for data: URLs; an image fetched from a URL
 * can only be measured when the engine fetches it.
 */
export const maxImageBytes = 20 * 1024 * 1024;

/** The create request's fields: read by the route below, described by the OpenAPI document. */
export const restorationRequest = {
  image_url: {
    type: 'source',
    kind: 'image',
    maxDataBytes: maxImageBytes,
    description:
      'https URL of the photo (max 20 MB); http only for localhost, a data: URL, or a URL of this app.',
  },
  preset: { type: 'enum', choices: presets, default: 'standard' },
  resolution: { type: 'enum', choices: resolutions, default: '1k' },
  remove_frame: { type: 'boolean', default: false },
  colorize: { type: 'boolean', default: false },
  callback_url: { type: 'webhook', description: 'https (http only for localhost).' },
  idempotency_key: { type: 'text', min: 1, max: 255 },
} as const satisfies Record<string, BodyField>;

const longEdge: Readonly<Record<Resolution, number>> = { '1k': 1024, '2k': 2048, '4k': 4096 };

/**
 * How a preset becomes operations (names from seed 001; the engine says which it lacks):
 *
 * | preset   | steps                                                          |
 * | -------- | -------------------------------------------------------------- |
 * | standard | restore-old-photo (its defaults)                               |
 * | enhance  | restore-old-photo, then enhance ×2 (×4 for 4k)                 |
 * | colorize | restore-old-photo { enable_colorization: true }                |
 * | portrait | enhance-face (its defaults)                                    |
 *
 * then, whatever the preset:
 * - colorize: true sets enable_colorization on the restore-old-photo step, or appends one that
 *   does (portrait has none);
 * - remove_frame: true puts remove-frame first, so no later step restores the border;
 * - resolution always ends the chain with crop-resize to a long edge of 1024/2048/4096,
 *   aspect kept.
 *
 * Restoring comes before upscaling so damage is repaired at the photo's own size, where it is
 * cheapest and the models were trained.
 */
export function restorationSpec(request: {
  preset: Preset;
  resolution: Resolution;
  remove_frame: boolean;
  colorize: boolean;
}): JobSpec {
  const restore: Operation = { type: 'restore-old-photo', params: {} };
  const steps: Operation[] = {
    standard: () => [restore],
    enhance: () => [
      restore,
      { type: 'enhance', params: { scale: request.resolution === '4k' ? 4 : 2 } },
    ],
    colorize: () => [{ ...restore, params: { enable_colorization: true } }],
    portrait: () => [{ type: 'enhance-face', params: {} }],
  }[request.preset]();
  if (request.colorize) {
    const found = steps.find((op) => op.type === 'restore-old-photo');
    if (found) found.params = { ...found.params, enable_colorization: true };
    else steps.push({ type: 'restore-old-photo', params: { enable_colorization: true } });
  }
  if (request.remove_frame) steps.unshift({ type: 'remove-frame', params: {} });
  const edge = longEdge[request.resolution];
  steps.push({
    type: 'crop-resize',
    params: { resize: { width: edge, height: edge, maintain_aspect: true } },
  });
  return { operations: steps, options: { ...request } };
}

const notFound = 'Restoration not found';

/** A restoration as the seed lists it, gets it, and posts it to its callback_url. */
export interface Restoration {
  id: string;
  status: string;
  preset: string;
  resolution: string;
  credits_charged: number;
  output_url: string | null;
  created_at: string;
  expires_at: string | null;
  /** Why a failed restoration failed (ours: the seed shows only the status). */
  error?: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The create answer: exactly the seed's seven fields (no output_url yet). */
function renderCreated(job: Job): Omit<Restoration, 'output_url'> {
  return {
    id: job.id,
    status: statusWord('restorations', job.status),
    preset: String(job.spec.options?.preset ?? 'standard'),
    resolution: String(job.spec.options?.resolution ?? '1k'),
    credits_charged: job.credits_charged,
    created_at: iso(job.created_at),
    expires_at: job.expires_at === null ? null : iso(job.expires_at),
  };
}

/** A listed or fetched restoration; also what the webhook outbox renders its payload from. */
export async function renderRestoration(job: Job, ctx: ApiContext): Promise<Restoration> {
  const { created_at, expires_at, ...rest } = renderCreated(job);
  const output_url = await signedOutputUrl(ctx, 'restorations', job);
  // A failed restoration says why (the seed's "failed" alone leaves a client guessing).
  const error = rest.status === 'failed' ? errorText(job) : null;
  // The seed's field order: output_url sits between credits_charged and created_at.
  return { ...rest, output_url, created_at, expires_at, ...(error === null ? {} : { error }) };
}

const create: Route = {
  method: 'POST',
  pattern: '/api/v1/restorations',
  async handle(request, _params, ctx): Promise<ApiResponse> {
    const { image_url, callback_url, idempotency_key, ...choices } = readBody(
      await readJsonObject(request),
      restorationRequest,
      ctx.origin,
    );
    const spec = restorationSpec(choices);
    // Found or made in one step: racing requests with one key get one restoration, one charge.
    const { job, created } = await ctx.jobs.createOrFind({
      dialect: 'restorations',
      spec,
      input: { source: image_url, name: nameFromUrl(image_url, 'image') },
      idempotency_key,
      callback_url,
      credits_charged: creditsFor('restorations', spec),
      // Kept until the user deletes it: the photos live on their own device, not on our disk.
      expires_at: null,
    });
    return { status: created ? 202 : 200, body: renderCreated(job) };
  },
};

/** The seed's list size: "your 50 most recent restorations". */
export const listSize = 50;

const list: Route = {
  method: 'GET',
  pattern: '/api/v1/restorations',
  async handle(_request, _params, ctx): Promise<ApiResponse> {
    const page = await ctx.jobs.list({ dialect: 'restorations', limit: listSize });
    const restorations = await Promise.all(page.jobs.map((job) => renderRestoration(job, ctx)));
    return { status: 200, body: { restorations } };
  },
};

const get: Route = {
  method: 'GET',
  pattern: '/api/v1/restorations/:id',
  async handle(_request, params, ctx): Promise<ApiResponse> {
    const job = await findJob(ctx, 'restorations', params.id, notFound);
    return { status: 200, body: await renderRestoration(job, ctx) };
  },
};

const remove: Route = {
  method: 'DELETE',
  pattern: '/api/v1/restorations/:id',
  async handle(_request, params, ctx): Promise<ApiResponse> {
    const job = await findJob(ctx, 'restorations', params.id, notFound);
    const word = statusWord('restorations', job.status);
    const conflict = () =>
      new ApiError(
        409,
        `Restoration is ${word}; only complete or failed restorations can be deleted`,
      );
    // "Only restorations in complete or failed status can be deleted" (a canceled job reads failed).
    if (word !== 'complete' && word !== 'failed') throw conflict();
    const outcome = await ctx.jobs.delete(job.id);
    // Racing DELETEs: the one that deleted it answers 200, the others find it gone.
    if (outcome === 'missing') throw new ApiError(404, notFound);
    if (outcome === 'running') throw conflict();
    return { status: 200, body: { deleted: true } };
  },
};

export const restorations: DialectModule = {
  name: 'restorations',
  prefixes: ['/api/v1/restorations'],
  routes: [create, list, get, remove],
  errorBody(error: ApiError): unknown {
    return { error: error.message, ...error.extra };
  },
};
