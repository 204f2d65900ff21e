import { type Installed, ParamError, type OperationMeta, resolveParams } from '@/ops/operation.ts';
import { operationMetas } from '@/ops/registry.ts';
import type { Job, Operation } from '@/jobs/job.ts';
import { creditsFor } from './credits.ts';
import { requiredString } from './fields.ts';
import { imageField } from './form-fields.ts';
import { findJob } from './lookup.ts';
import { signedOutputUrl } from './output-url.ts';
import { type JsonObject, readForm, readJsonObject } from './request-body.ts';
import { type ImageType, imageTypeNames } from '@/media/sniff.ts';
import { errorText, renderTime, statusWord } from './status-map.ts';
import {
  type ApiContext,
  ApiError,
  type ApiResponse,
  type DialectModule,
  type Route,
  type Upload,
} from './types.ts';

/*
 * EnhanceCraft uploads and operation jobs (seed 001).
 *
 * Choices where the seed is silent:
 * - Error body `{ "detail": "message" }`: the seed links a Swagger UI, i.e. a FastAPI service,
 *   and that is the shape FastAPI's HTTPException answers with.
 * - Success is 200 for both the upload and the job: FastAPI answers 200 unless a route declares
 *   another code, the seed shows its responses without one, and its complete example only reads
 *   `.storage_key` and `.id`, so no client of it depends on a 201.
 * - Validation failures are 400 (not FastAPI's 422), as they are in the three other dialects.
 */

/** The seed's 15 operation names, in its order: the canonical list of DESIGN.md. */
export const seedOperations = [
  'enhance',
  'enhance-anime',
  'enhance-face',
  'denoise',
  'deblur',
  'restore-old-photo',
  'remove-background',
  'replace-background',
  'blur-background',
  'smart-crop',
  'remove-object',
  'remove-text',
  'compress-optimize',
  'crop-resize',
  'convert',
] as const;

/** The seed gives no upload limit; 50 MB holds a 100-megapixel JPEG or a large TIFF scan. */
export const maxUploadBytes = 50 * 1024 * 1024;

/**
 * Every image type the sniffer knows. Whether this browser can decode a HEIC or TIFF is for the
 * engine to say when it runs the job (a failed job with its reason), not for the upload.
 */
export const uploadTypes = Object.keys(imageTypeNames) as ImageType[];

/** A chain longer than this is almost surely a mistake, and each step costs a full decode. */
export const maxOperations = 10;

const notFound = 'Job not found';

/** The seed operations this build can run: the ones the API accepts and the docs describe. */
export function availableOperations(
  metas: Readonly<Record<string, OperationMeta>> = operationMetas,
): OperationMeta[] {
  return seedOperations.flatMap((name) => (metas[name] ? [metas[name]] : []));
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates `operations` against the seed's names and this build's metas, filling defaults. */
export function parseOperations(
  value: unknown,
  metas: Readonly<Record<string, OperationMeta>>,
  installed?: Installed,
): Operation[] {
  if (value === undefined || value === null) throw new ApiError(400, 'operations is required');
  if (!Array.isArray(value)) throw new ApiError(400, 'operations must be an array');
  if (value.length === 0) throw new ApiError(400, 'operations must not be empty');
  if (value.length > maxOperations) {
    throw new ApiError(
      400,
      `operations has ${value.length} items; at most ${maxOperations} are allowed`,
    );
  }
  return value.map((item: unknown, i): Operation => {
    const where = `operations[${i}]`;
    if (!isPlainObject(item)) throw new ApiError(400, `${where} must be an object {type, params}`);
    const type = item.type;
    if (typeof type !== 'string') throw new ApiError(400, `${where}.type must be a string`);
    if (!(seedOperations as readonly string[]).includes(type)) {
      throw new ApiError(
        400,
        `${where}.type "${type}" is not an operation; use one of ${seedOperations.join(', ')}`,
      );
    }
    const meta = metas[type];
    if (!meta) {
      throw new ApiError(400, `operation ${type} is not available in this version of Kintsugi`);
    }
    const params = item.params ?? {};
    if (!isPlainObject(params)) throw new ApiError(400, `${where}.params must be an object`);
    try {
      return { type, params: resolveParams(meta, params, installed) };
    } catch (e) {
      if (e instanceof ParamError) throw new ApiError(400, `${where}: ${e.message}`);
      throw e;
    }
  });
}

/**
 * Parameters whose schema says `format: 'storage-key'` (replace-background's
 * background_image_key) name another upload: it must be one of this API key's, like input_key.
 */
async function checkUploadParams(
  operations: readonly Operation[],
  metas: Readonly<Record<string, OperationMeta>>,
  ctx: ApiContext,
): Promise<void> {
  for (const [i, op] of operations.entries()) {
    for (const [key, spec] of Object.entries(metas[op.type]?.params ?? {})) {
      const value = op.params[key];
      if (spec.type !== 'json' || spec.schema.format !== 'storage-key') continue;
      if (typeof value !== 'string' || (await ctx.jobs.getUpload(value))) continue;
      throw new ApiError(
        400,
        `operations[${i}].params.${key} "${value.slice(0, 200)}" is not an upload of this API key; upload the image to /api/v1/upload/api first`,
      );
    }
  }
}

/**
 * A pixel crop that reaches outside the image fails when it runs; where it is the first step the
 * image's size is known now (its upload's header), so it is refused at once. Later steps may
 * change the size first (enhance), so they are checked when they run.
 */
function checkFirstCrop(operations: readonly Operation[], input: Upload): void {
  const [first] = operations;
  const { width, height } = input;
  if (first?.type !== 'crop-resize' || width === undefined || height === undefined) return;
  const crop = first.params.crop as { pixels?: number[] } | null | undefined;
  const [x = 0, y = 0, w = 0, h = 0] = crop?.pixels ?? [];
  if (!crop?.pixels || (x + w <= width && y + h <= height)) return;
  throw new ApiError(
    400,
    `operations[0].params.crop.pixels [${x}, ${y}, ${w}, ${h}] reaches outside the ${width}×${height} image: x + width must be at most ${width} and y + height at most ${height}`,
  );
}

/** The job exactly as the seed's "Get Job Status" shows it. */
async function renderJob(job: Job, ctx: ApiContext): Promise<Record<string, unknown>> {
  const status = statusWord('operations', job.status);
  return {
    id: job.id,
    status,
    input_url: ctx.jobs.inputUrl(job),
    output_url: await signedOutputUrl(ctx, 'operations', job),
    error_message: status === 'failed' ? errorText(job) : null,
    created_at: renderTime('operations', job.created_at),
    updated_at: renderTime('operations', job.updated_at),
  };
}

const upload: Route = {
  method: 'POST',
  pattern: '/api/v1/upload/api',
  async handle(request, _params, ctx): Promise<ApiResponse> {
    const form = await readForm(request, maxUploadBytes);
    const image = await imageField(form, 'file', { maxBytes: maxUploadBytes, types: uploadTypes });
    const stored = await ctx.jobs.putUpload(image.blob, image.name);
    return {
      status: 200,
      body: {
        storage_key: stored.storage_key,
        filename: stored.filename,
        size: stored.size,
        content_type: stored.content_type,
      },
    };
  },
};

function createJobRoute(metas: Readonly<Record<string, OperationMeta>>): Route {
  return {
    method: 'POST',
    pattern: '/api/v1/jobs/api',
    async handle(request, _params, ctx): Promise<ApiResponse> {
      const body = await readJsonObject(request);
      const input_key = requiredString(body, 'input_key');
      const operations = parseOperations(body.operations, metas, await ctx.installed?.());
      await checkUploadParams(operations, metas, ctx);
      const stored = await ctx.jobs.getUpload(input_key);
      if (!stored) {
        throw new ApiError(
          400,
          `input_key "${input_key.slice(0, 200)}" is not an upload of this API key; upload the image to /api/v1/upload/api first`,
        );
      }
      checkFirstCrop(operations, stored);
      const spec = { operations };
      const job = await ctx.jobs.create({
        dialect: 'operations',
        spec,
        input: { source: stored.storage_key, name: stored.filename },
        credits_charged: creditsFor('operations', spec),
      });
      return { status: 200, body: await renderJob(job, ctx) };
    },
  };
}

const getJob: Route = {
  method: 'GET',
  pattern: '/api/v1/jobs/api/:id',
  async handle(_request, params, ctx): Promise<ApiResponse> {
    const job = await findJob(ctx, 'operations', params.id, notFound);
    return { status: 200, body: await renderJob(job, ctx) };
  },
};

/** The dialect with a given set of operation metas (tests add ones this build lacks). */
export function operationsDialect(
  metas: Readonly<Record<string, OperationMeta>> = operationMetas,
): DialectModule {
  return {
    name: 'operations',
    // All of /api/v1 but restorations' own prefix (the longer prefix wins in the router).
    prefixes: ['/api/v1'],
    routes: [upload, createJobRoute(metas), getJob],
    errorBody(error: ApiError): unknown {
      return { detail: error.message, ...error.extra };
    },
  };
}

export const operations: DialectModule = operationsDialect();
