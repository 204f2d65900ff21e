import type { OperationMeta, ParamSpec } from '@/ops/operation.ts';
import { operationMetas } from '@/ops/registry.ts';
import { presetDescriptions, videoOutputNote } from '@/ops/video-enhance/meta.ts';
import { availableOperations, maxOperations, maxUploadBytes } from './operations.ts';
import { presets as restorationPresets, resolutions, restorationRequest } from './restorations.ts';
import { bodySchema, fieldSchema } from './body-fields.ts';
import { dialectStatusWords } from './status-map.ts';
import { listLimit as upscaleListLimit, scaleRange, upscaleRequest } from './upscale.ts';
import { listLimit as videoListLimit, videoRequest } from './video.ts';

/*
 * The OpenAPI 3.1 document of all four dialects, served at /openapi.json. Enums, ranges and
 * defaults are read from the dialect modules and the operation metas, so the document cannot
 * drift from what the validators accept: adding an operation adds its schema here.
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const nullable = (schema: Schema): Schema => ({ ...schema, type: [schema.type, 'null'] });
const dateTime = str({ format: 'date-time' });
const unixSeconds: Schema = { type: 'integer', description: 'Unix time in seconds.' };

function object(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

function json(schema: Schema, description: string): Schema {
  return { description, content: { 'application/json': { schema } } };
}

const errorDescriptions: Readonly<Record<number, string>> = {
  400: 'Invalid request: the message says which field (or query parameter, or malformed %-escape in the id) and why.',
  401: 'Missing or invalid API key.',
  402: 'Monthly quota exceeded.',
  404: 'No such job (or path).',
  405: 'Method not allowed on this path (see the Allow header).',
  409: 'The job is not in a state that allows this.',
  413: 'The upload or body is too large.',
  415: 'Unsupported Content-Type.',
  429: 'Rate limit exceeded.',
  500: 'Unexpected error; the message is generic.',
};

/**
 * An operation's error answers: its own codes, and what any request may get: 401 (key), 405 (a
 * method the path does not have; listed on each operation of the path, since an undocumented
 * method has no operation to list it on), 429 (every request counts, GETs too) and 500.
 * src/api/router.fuzz.test.ts checks that every status the router sends for a path is here.
 */
function errors(schemaName: string, codes: readonly number[]): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const code of [...new Set([401, 405, 429, 500, ...codes])].sort()) {
    out[String(code)] = json(ref(schemaName), errorDescriptions[code] ?? 'Error.');
  }
  return out;
}

function jsonBody(schema: Schema): Schema {
  return { required: true, content: { 'application/json': { schema } } };
}

function idParam(description: string, schema: Schema = str()): Schema {
  return { name: 'id', in: 'path', required: true, schema, description };
}

function query(name: string, schema: Schema, description: string): Schema {
  return { name, in: 'query', schema, description };
}

function paramSchema(spec: ParamSpec): Schema {
  const common = { title: spec.label, description: spec.help, default: spec.default };
  switch (spec.type) {
    case 'integer':
    case 'number':
      return {
        type: spec.type,
        minimum: spec.min,
        maximum: spec.max,
        ...(spec.choices ? { enum: [...spec.choices] } : {}),
        ...(spec.presets ? { examples: [...spec.presets] } : {}),
        ...common,
      };
    case 'boolean':
      return { type: 'boolean', ...common };
    case 'enum':
      return { type: 'string', enum: [...spec.choices], ...common };
    case 'json':
      return { ...spec.schema, title: spec.label, description: spec.help };
  }
}

/** `Operation_enhance` etc.: one schema per operation the operations dialect accepts. */
export function operationSchemaName(name: string): string {
  return `Operation_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
}

function operationSchema(meta: OperationMeta): Schema {
  const required = Object.entries(meta.params)
    .filter(([, spec]) => spec.required)
    .map(([key]) => key);
  const params: Schema = {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      Object.entries(meta.params).map(([key, spec]) => [key, paramSchema(spec)]),
    ),
    ...(required.length > 0 ? { required } : {}),
  };
  return {
    type: 'object',
    title: meta.label,
    description: meta.description,
    properties: { type: { const: meta.name }, params },
    required: required.length > 0 ? ['type', 'params'] : ['type'],
  };
}

function restorationSchemas(): Record<string, Schema> {
  const status = str({ enum: dialectStatusWords('restorations') });
  const created = {
    id: str({ format: 'uuid' }),
    status,
    preset: str({ enum: [...restorationPresets] }),
    resolution: str({ enum: [...resolutions] }),
    credits_charged: { type: 'integer' },
    created_at: dateTime,
    expires_at: nullable(dateTime),
  };
  const { created_at, expires_at, ...head } = created;
  return {
    RestorationCreateRequest: bodySchema(restorationRequest),
    RestorationCreated: object(created, Object.keys(created)),
    Restoration: object(
      {
        ...head,
        output_url: nullable(str({ format: 'uri' })),
        created_at,
        expires_at,
        error: str({ description: 'Why it failed; only on a failed restoration.' }),
      },
      [...Object.keys(created), 'output_url'],
    ),
    RestorationList: object(
      { restorations: { type: 'array', items: ref('Restoration'), maxItems: 50 } },
      ['restorations'],
    ),
    RestorationDeleted: object({ deleted: { const: true } }, ['deleted']),
    RestorationsError: object({ error: str() }, ['error']),
  };
}

function operationsSchemas(metas: Readonly<Record<string, OperationMeta>>): Record<string, Schema> {
  const available = availableOperations(metas);
  const opSchemas = Object.fromEntries(
    available.map((meta) => [operationSchemaName(meta.name), operationSchema(meta)]),
  );
  const job = {
    id: str({ format: 'uuid' }),
    status: str({ enum: dialectStatusWords('operations') }),
    input_url: nullable(str()),
    output_url: nullable(str({ format: 'uri' })),
    error_message: nullable(str()),
    created_at: dateTime,
    updated_at: dateTime,
  };
  return {
    ...opSchemas,
    Upload: object(
      {
        storage_key: str({ example: 'uploads/user-id/abc123.jpg' }),
        filename: str(),
        size: { type: 'integer' },
        content_type: str({ description: 'Sniffed from the bytes, not taken from the client.' }),
      },
      ['storage_key', 'filename', 'size', 'content_type'],
    ),
    OperationsJobCreateRequest: object(
      {
        input_key: str({ description: 'storage_key of an upload made with this key.' }),
        operations: {
          type: 'array',
          minItems: 1,
          maxItems: maxOperations,
          items: {
            oneOf: available.map((meta) => ref(operationSchemaName(meta.name))),
            discriminator: {
              propertyName: 'type',
              mapping: Object.fromEntries(
                available.map((m) => [
                  m.name,
                  `#/components/schemas/${operationSchemaName(m.name)}`,
                ]),
              ),
            },
          },
        },
      },
      ['input_key', 'operations'],
    ),
    OperationsJob: object(job, Object.keys(job)),
    OperationsError: object({ detail: str() }, ['detail']),
  };
}

function upscaleSchemas(): Record<string, Schema> {
  const job = {
    id: str({ format: 'uuid' }),
    status: str({ enum: dialectStatusWords('upscale') }),
    model: str(),
    scale: { type: 'integer', minimum: scaleRange.min, maximum: scaleRange.max },
    result_url: nullable(
      str({ format: 'uri', description: 'Signed URL of the upscaled image. Valid for 1 hour.' }),
    ),
    error: nullable(str({ description: "Error message if status is 'failed'." })),
    original_filename: str(),
    created_at: dateTime,
    updated_at: dateTime,
  };
  const { scale, model } = upscaleRequest;
  return {
    UpscaleJob: object(job, ['id', 'status', 'model', 'scale', 'created_at', 'updated_at']),
    UpscaleJobCreateRequest: bodySchema(upscaleRequest),
    // The multipart twin: the same fields, the image as a file.
    UpscaleJobUpload: object(
      {
        image: str({ format: 'binary', description: 'JPEG, PNG, WebP or TIFF, at most 50 MB.' }),
        scale: fieldSchema(scale),
        model: fieldSchema(model),
      },
      ['image'],
    ),
    UpscaleJobCreated: object(
      {
        id: job.id,
        status: job.status,
        model: job.model,
        scale: job.scale,
        created_at: dateTime,
      },
      ['id', 'status', 'model', 'scale', 'created_at'],
    ),
    UpscaleJobList: object(
      {
        data: { type: 'array', items: ref('UpscaleJob') },
        has_more: { type: 'boolean' },
        next_cursor: nullable(str({ description: "Pass as 'cursor' to get the next page." })),
      },
      ['data', 'has_more'],
    ),
    UpscaleError: object({ error: str() }, ['error']),
    UpscaleQuotaError: {
      allOf: [
        ref('UpscaleError'),
        object({ quota: { type: 'integer' }, used: { type: 'integer' } }),
      ],
    },
  };
}

/** What each video preset does, as the engine runs it (src/ops/video-enhance/meta.ts). */
function videoPresetHelp(): string {
  const presets = Object.entries(presetDescriptions).map(([name, text]) => `\`${name}\`: ${text}`);
  return [...presets, videoOutputNote].join('\n\n');
}

function videoSchemas(): Record<string, Schema> {
  const job = {
    id: str({ pattern: '^job_', example: 'job_550e8400-e29b-41d4-a716-446655440000' }),
    status: str({ enum: dialectStatusWords('video') }),
    input_url: nullable(str()),
    output_url: nullable(str({ format: 'uri' })),
    created_at: unixSeconds,
    completed_at: nullable(unixSeconds),
    error: nullable(str()),
    progress: { type: 'number', minimum: 0, maximum: 1 },
    eta_seconds: nullable({ type: 'integer' }),
  };
  return {
    VideoEnhanceRequest: bodySchema(videoRequest, { preset: videoPresetHelp() }),
    VideoJob: object(job, Object.keys(job)),
    VideoJobList: object(
      {
        data: { type: 'array', items: ref('VideoJob') },
        has_more: { type: 'boolean' },
        next_cursor: nullable(str({ description: 'The id of the last job of this page.' })),
      },
      ['data', 'has_more', 'next_cursor'],
    ),
    VideoDownload: object({ url: str({ format: 'uri' }), expires_at: unixSeconds }, [
      'url',
      'expires_at',
    ]),
    VideoError: object(
      {
        error: object({ code: str({ example: 'not_found' }), message: str() }, ['code', 'message']),
      },
      ['error'],
    ),
  };
}

function restorationPaths(): Record<string, Schema> {
  const err = (codes: number[]) => errors('RestorationsError', codes);
  return {
    '/api/v1/restorations': {
      post: {
        tags: ['restorations'],
        operationId: 'createRestoration',
        summary: 'Create a restoration',
        requestBody: jsonBody(ref('RestorationCreateRequest')),
        responses: {
          '200': json(ref('RestorationCreated'), 'The restoration this idempotency_key made.'),
          '202': json(ref('RestorationCreated'), 'Accepted.'),
          ...err([400, 413, 415]),
        },
      },
      get: {
        tags: ['restorations'],
        operationId: 'listRestorations',
        summary: 'Your 50 most recent restorations, newest first',
        responses: { '200': json(ref('RestorationList'), 'OK.'), ...err([]) },
      },
    },
    '/api/v1/restorations/{id}': {
      parameters: [idParam('Restoration id.')],
      get: {
        tags: ['restorations'],
        operationId: 'getRestoration',
        summary: 'Get a restoration',
        responses: { '200': json(ref('Restoration'), 'OK.'), ...err([400, 404]) },
      },
      delete: {
        tags: ['restorations'],
        operationId: 'deleteRestoration',
        summary: 'Delete a complete or failed restoration and its files',
        responses: { '200': json(ref('RestorationDeleted'), 'Deleted.'), ...err([400, 404, 409]) },
      },
    },
  };
}

function operationsPaths(): Record<string, Schema> {
  const err = (codes: number[]) => errors('OperationsError', codes);
  return {
    '/api/v1/upload/api': {
      post: {
        tags: ['operations'],
        operationId: 'uploadImage',
        summary: 'Upload an image to get a storage key',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: object(
                {
                  file: str({
                    format: 'binary',
                    description: `JPEG, PNG, WebP, GIF, TIFF, BMP, AVIF or HEIC, at most ${maxUploadBytes / 1024 / 1024} MB.`,
                  }),
                },
                ['file'],
              ),
            },
          },
        },
        responses: { '200': json(ref('Upload'), 'Stored.'), ...err([400, 413, 415]) },
      },
    },
    '/api/v1/jobs/api': {
      post: {
        tags: ['operations'],
        operationId: 'createOperationsJob',
        summary: 'Create a job of one or more operations',
        requestBody: jsonBody(ref('OperationsJobCreateRequest')),
        responses: { '200': json(ref('OperationsJob'), 'Created.'), ...err([400, 413, 415]) },
      },
    },
    '/api/v1/jobs/api/{id}': {
      parameters: [idParam('Job id.')],
      get: {
        tags: ['operations'],
        operationId: 'getOperationsJob',
        summary: 'Get job status',
        responses: { '200': json(ref('OperationsJob'), 'OK.'), ...err([400, 404]) },
      },
    },
  };
}

function upscalePaths(): Record<string, Schema> {
  const err = (codes: number[]) => errors('UpscaleError', codes);
  const limit = upscaleListLimit;
  return {
    '/v1/jobs': {
      post: {
        tags: ['upscale'],
        operationId: 'createJob',
        summary: 'Create an upscale job',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: ref('UpscaleJobCreateRequest') },
            'multipart/form-data': { schema: ref('UpscaleJobUpload') },
          },
        },
        responses: {
          '201': json(ref('UpscaleJobCreated'), 'Job created.'),
          ...err([400, 413, 415]),
          '402': json(ref('UpscaleQuotaError'), errorDescriptions[402] ?? ''),
        },
      },
      get: {
        tags: ['upscale'],
        operationId: 'listJobs',
        summary: 'List jobs, newest first',
        parameters: [
          query('status', str({ enum: dialectStatusWords('upscale') }), 'Filter by status.'),
          query('model', str(), 'Filter by model name.'),
          query('before', dateTime, 'Jobs created before this time (ISO 8601).'),
          query('after', dateTime, 'Jobs created after this time (ISO 8601).'),
          query(
            'limit',
            { type: 'integer', minimum: limit.min, maximum: limit.max, default: limit.default },
            'Jobs per page.',
          ),
          query('cursor', str(), 'next_cursor of the previous page.'),
        ],
        responses: { '200': json(ref('UpscaleJobList'), 'OK.'), ...err([400]) },
      },
    },
    '/v1/jobs/{id}': {
      parameters: [idParam('Job id.', str({ format: 'uuid' }))],
      get: {
        tags: ['upscale'],
        operationId: 'getJob',
        summary: 'Get a job',
        responses: { '200': json(ref('UpscaleJob'), 'OK.'), ...err([400, 404]) },
      },
    },
  };
}

function videoPaths(): Record<string, Schema> {
  const err = (codes: number[]) => errors('VideoError', codes);
  const id = idParam('Job id, `job_<uuid>` (the bare uuid is accepted too).');
  const limit = videoListLimit;
  return {
    '/v2/enhance': {
      post: {
        tags: ['video'],
        operationId: 'enhanceVideo',
        summary: 'Create a video enhancement job',
        requestBody: jsonBody(ref('VideoEnhanceRequest')),
        responses: { '200': json(ref('VideoJob'), 'Created.'), ...err([400, 413, 415]) },
      },
    },
    '/v2/jobs': {
      get: {
        tags: ['video'],
        operationId: 'listVideoJobs',
        summary: 'List jobs, newest first',
        parameters: [
          query(
            'limit',
            { type: 'integer', minimum: limit.min, maximum: limit.max, default: limit.default },
            'Jobs per page.',
          ),
          query('cursor', str(), 'next_cursor of the previous page (a job id).'),
        ],
        responses: { '200': json(ref('VideoJobList'), 'OK.'), ...err([400]) },
      },
    },
    '/v2/jobs/{id}': {
      parameters: [id],
      get: {
        tags: ['video'],
        operationId: 'getVideoJob',
        summary: 'Status and progress of a job',
        responses: { '200': json(ref('VideoJob'), 'OK.'), ...err([400, 404]) },
      },
    },
    '/v2/jobs/{id}/download': {
      parameters: [id],
      get: {
        tags: ['video'],
        operationId: 'downloadVideo',
        summary: 'A signed download URL, valid 24 hours',
        responses: { '200': json(ref('VideoDownload'), 'OK.'), ...err([400, 404, 409]) },
      },
    },
    '/v2/jobs/{id}/cancel': {
      parameters: [id],
      post: {
        tags: ['video'],
        operationId: 'cancelVideoJob',
        summary: 'Stop a job; a finished job is returned unchanged',
        responses: { '200': json(ref('VideoJob'), 'OK.'), ...err([400, 404]) },
      },
    },
  };
}

export function buildOpenApi(
  origin: string,
  metas: Readonly<Record<string, OperationMeta>> = operationMetas,
): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kintsugi local API',
      version: '1.0.0',
      description:
        'The job APIs of four hosted restoration services, answered in the browser by the Kintsugi service worker. Nothing leaves the device.',
    },
    servers: [{ url: origin }],
    security: [{ BearerAuth: [] }],
    tags: [
      { name: 'restorations', description: 'PicRenew-compatible photo restorations.' },
      { name: 'operations', description: 'EnhanceCraft-compatible uploads and operation jobs.' },
      { name: 'upscale', description: 'upres.ai-compatible upscaling.' },
      { name: 'video', description: 'Retroiva-compatible video enhancement.' },
    ],
    paths: { ...restorationPaths(), ...operationsPaths(), ...upscalePaths(), ...videoPaths() },
    components: {
      securitySchemes: {
        BearerAuth: { type: 'http', scheme: 'bearer', description: 'A key made in Settings.' },
      },
      schemas: {
        ...restorationSchemas(),
        ...operationsSchemas(metas),
        ...upscaleSchemas(),
        ...videoSchemas(),
      },
    },
  };
}
