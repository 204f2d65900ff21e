import manifest from '@models/manifest.json';
import { type PhotoModelChoice, REAL_ESRGAN } from '@/ops/enhance/meta.ts';
import type { Job, JobSpec } from '@/jobs/job.ts';
import { creditsFor } from './credits.ts';
import { type BodyField, readBody } from './body-fields.ts';
import { integerText, nameFromUrl } from './fields.ts';
import { imageField, textField } from './form-fields.ts';
import { findJob } from './lookup.ts';
import { signedOutputUrl } from './output-url.ts';
import { isJson, isMultipart, mediaType, readForm, readJsonObject } from './request-body.ts';
import type { ImageType } from '@/media/sniff.ts';
import {
  dialectStatusWords,
  errorText,
  renderTime,
  statusWord,
  statusesForWord,
} from './status-map.ts';
import {
  type ApiContext,
  ApiError,
  type ApiResponse,
  type DialectModule,
  type ListQuery,
  type Route,
} from './types.ts';

/*
 * upres.ai upscaling (seed 002, an OpenAPI 3.1 document): POST/GET /v1/jobs, GET /v1/jobs/{id}.
 * Error body `{ "error": "message" }` is the seed's own Error schema; a 402 adds quota and used
 * through ApiError.extra.
 */

/** The seed's model enum; the first is its default. */
export const seedModels = ['wavespeed-ai/real-esrgan', 'wavespeed-ai/image-upscaler'] as const;
export const defaultModel = seedModels[0];

export const scaleRange = { min: 2, max: 8 } as const;
export const defaultScale = 4;

/** The seed's multipart `image` accepts "JPEG, PNG, WebP, TIFF"; nothing else is let in. */
export const uploadTypes: readonly ImageType[] = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/tiff',
];

/** The seed gives no size limit; the same 50 MB as the operations dialect's uploads. */
export const maxImageBytes = 50 * 1024 * 1024;

/** Our own models that upscale, by manifest id, with the one scale each was trained for. */
export const ownModels: ReadonlyMap<string, number> = new Map(
  manifest.models.filter((m) => m.operations.includes('enhance')).map((m) => [m.id, m.scale]),
);

/**
 * The JSON request, described once: `fromJson` reads it and /openapi.json shows it. The scale's
 * default depends on the model (an ESRGAN medium id has its own), so the field itself has none.
 */
export const upscaleRequest = {
  image_url: { type: 'source', kind: 'image', maxDataBytes: maxImageBytes },
  scale: {
    type: 'integer',
    ...scaleRange,
    default: null,
    description: `Default ${defaultScale}, or the one scale of an ESRGAN medium model id.`,
  },
  model: { type: 'enum', choices: [...seedModels, ...ownModels.keys()], default: defaultModel },
} as const satisfies Record<string, BodyField>;

const notFound = 'Job not found.';

/** The enhance operation's model choice for each of our own model ids. */
function choiceFor(model: string): PhotoModelChoice {
  if (model === REAL_ESRGAN.general) return 'real-esrgan';
  if (model === REAL_ESRGAN.best) return 'best';
  return 'faithful';
}

/**
 * Which of our models serves a requested model, as the spec the engine runs:
 * - wavespeed-ai/real-esrgan: Real-ESRGAN (enhance's `auto`: x4plus on a real GPU, the general
 *   x4v3 model on a CPU), at ×4 and resized to the scale asked.
 * - wavespeed-ai/image-upscaler: the same. A client naming either wants an upscaled photo, and
 *   Real-ESRGAN is the best general photo upscaler this build ships.
 * - a manifest id of an enhance model: that model. Real-ESRGAN's ids take any scale (×4, then
 *   resized); an ESRGAN medium id ("faithful") has its own scale, which a request may repeat but
 *   not contradict. (Anime and denoise models belong to other operations: the operations dialect
 *   reaches them.)
 */
export function upscaleSpec(model: string, scale: number): JobSpec {
  const choice = (seedModels as readonly string[]).includes(model) ? 'auto' : choiceFor(model);
  return {
    operations: [{ type: 'enhance', params: { scale, model: choice } }],
    options: { model, scale },
  };
}

function pickModel(model: unknown, scale: number | undefined): { model: string; scale: number } {
  const name = model ?? defaultModel;
  if (typeof name !== 'string') throw new ApiError(400, 'model must be a string');
  if ((seedModels as readonly string[]).includes(name)) {
    return { model: name, scale: scale ?? defaultScale };
  }
  const fixed = ownModels.get(name);
  if (fixed !== undefined && choiceFor(name) !== 'faithful') {
    return { model: name, scale: scale ?? defaultScale };
  }
  if (fixed === undefined) {
    throw new ApiError(
      400,
      `model must be one of ${upscaleRequest.model.choices.join(', ')} (got "${name.slice(0, 100)}")`,
    );
  }
  if (scale !== undefined && scale !== fixed) {
    throw new ApiError(400, `model ${name} upscales ×${fixed} only (got scale ${scale})`);
  }
  return { model: name, scale: fixed };
}

/** The Job schema of the seed, every field. */
async function renderJob(job: Job, ctx: ApiContext): Promise<Record<string, unknown>> {
  const status = statusWord('upscale', job.status);
  return {
    id: job.id,
    status,
    model: job.spec.options?.model ?? defaultModel,
    scale: job.spec.options?.scale ?? defaultScale,
    result_url: await signedOutputUrl(ctx, 'upscale', job),
    error: status === 'failed' ? errorText(job) : null,
    original_filename: job.input.name,
    created_at: renderTime('upscale', job.created_at),
    updated_at: renderTime('upscale', job.updated_at),
  };
}

interface Submission {
  model: string;
  scale: number;
  input: { blob?: Blob; source?: string; name: string };
}

async function fromJson(request: Request, ctx: ApiContext): Promise<Submission> {
  const body = await readJsonObject(request);
  if (body.image_url === undefined || body.image_url === null) {
    throw new ApiError(
      400,
      'image_url is required (or send the image as the multipart field "image")',
    );
  }
  // The model is read with the multipart form's rule (pickModel), which also holds it to its scale.
  const { image_url, scale } = readBody(
    body,
    { image_url: upscaleRequest.image_url, scale: upscaleRequest.scale },
    ctx.origin,
  );
  const picked = pickModel(body.model === null ? undefined : body.model, scale ?? undefined);
  return { ...picked, input: { source: image_url, name: nameFromUrl(image_url, 'image') } };
}

async function fromForm(request: Request): Promise<Submission> {
  const form = await readForm(request, maxImageBytes);
  const image = await imageField(form, 'image', { maxBytes: maxImageBytes, types: uploadTypes });
  const scaleText = textField(form, 'scale');
  const scale = scaleText === undefined ? undefined : integerText('scale', scaleText, scaleRange);
  const picked = pickModel(textField(form, 'model'), scale);
  return { ...picked, input: { blob: image.blob, name: image.name } };
}

const create: Route = {
  method: 'POST',
  pattern: '/v1/jobs',
  async handle(request, _params, ctx): Promise<ApiResponse> {
    let submission: Submission;
    if (isJson(request)) submission = await fromJson(request, ctx);
    else if (isMultipart(request)) submission = await fromForm(request);
    else {
      throw new ApiError(
        415,
        `Content-Type must be application/json or multipart/form-data (got ${mediaType(request) || 'no Content-Type'})`,
      );
    }
    const spec = upscaleSpec(submission.model, submission.scale);
    const job = await ctx.jobs.create({
      dialect: 'upscale',
      spec,
      input: submission.input,
      credits_charged: creditsFor('upscale', spec),
    });
    return {
      status: 201,
      body: {
        id: job.id,
        status: statusWord('upscale', job.status),
        model: submission.model,
        scale: submission.scale,
        created_at: renderTime('upscale', job.created_at),
      },
    };
  },
};

export const listLimit = { min: 1, max: 100, default: 20 } as const;

/**
 * ISO 8601 as the seed's `format: date-time` means it: a date, optionally a time, optionally an
 * offset. Anything looser is refused, because Date.parse alone accepts "March 7" and guesses.
 * A date-time without an offset is read as UTC, not as the browser's local time.
 */
const isoDate =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/i;

export function parseIsoDate(key: string, text: string): number {
  const match = isoDate.exec(text);
  if (match) {
    const [, year, month, day, hour, , , zone] = match;
    const ms = Date.parse(
      (hour !== undefined && zone === undefined ? `${text}Z` : text).toUpperCase(),
    );
    // Date.parse rolls 2024-02-31 over into March; a day that does not exist is refused instead.
    const real = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).getUTCDate();
    if (Number.isFinite(ms) && real === Number(day)) return ms;
  }
  throw new ApiError(
    400,
    `${key} must be an ISO 8601 date-time, e.g. 2024-01-15T10:30:00Z (got "${text.slice(0, 60)}")`,
  );
}

/** Cursors wrap the store's own so a client cannot forge one and a mangled one is told apart. */
const cursorTag = 'u1:';

export function encodeCursor(inner: string): string {
  const bytes = new TextEncoder().encode(cursorTag + inner);
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export function decodeCursor(cursor: string): string {
  const malformed = new ApiError(
    400,
    'cursor is malformed: pass next_cursor from the previous page unchanged',
  );
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw malformed;
  let text: string;
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    text = new TextDecoder('utf-8', { fatal: true }).decode(
      Uint8Array.from(binary, (c) => c.charCodeAt(0)),
    );
  } catch {
    throw malformed;
  }
  if (!text.startsWith(cursorTag) || text.length === cursorTag.length) throw malformed;
  return text.slice(cursorTag.length);
}

function listQuery(url: URL): ListQuery {
  const q = url.searchParams;
  const query: ListQuery = { dialect: 'upscale', limit: listLimit.default };
  const status = q.get('status');
  if (status !== null) {
    const statuses = statusesForWord('upscale', status);
    if (!statuses) {
      throw new ApiError(
        400,
        `status must be one of ${dialectStatusWords('upscale').join(', ')} (got "${status.slice(0, 60)}")`,
      );
    }
    query.status = statuses;
  }
  const model = q.get('model');
  if (model !== null && model !== '') query.model = model;
  const before = q.get('before');
  if (before !== null) query.before = parseIsoDate('before', before);
  const after = q.get('after');
  if (after !== null) query.after = parseIsoDate('after', after);
  const limit = q.get('limit');
  if (limit !== null) query.limit = integerText('limit', limit, listLimit);
  const cursor = q.get('cursor');
  if (cursor !== null) query.cursor = decodeCursor(cursor);
  return query;
}

const list: Route = {
  method: 'GET',
  pattern: '/v1/jobs',
  async handle(request, _params, ctx): Promise<ApiResponse> {
    const page = await ctx.jobs.list(listQuery(new URL(request.url)));
    const data = await Promise.all(page.jobs.map((job) => renderJob(job, ctx)));
    const next_cursor = page.next_cursor === null ? null : encodeCursor(page.next_cursor);
    return { status: 200, body: { data, has_more: next_cursor !== null, next_cursor } };
  },
};

const get: Route = {
  method: 'GET',
  pattern: '/v1/jobs/:id',
  async handle(_request, params, ctx): Promise<ApiResponse> {
    const job = await findJob(ctx, 'upscale', params.id, notFound);
    return { status: 200, body: await renderJob(job, ctx) };
  },
};

export const upscale: DialectModule = {
  name: 'upscale',
  // The seed's server is https://api.upres.ai/v1: everything under /v1 is this API.
  prefixes: ['/v1'],
  routes: [create, list, get],
  errorBody(error: ApiError): unknown {
    return { error: error.message, ...error.extra };
  },
};
