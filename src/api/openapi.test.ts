import { describe, expect, it } from 'vitest';
import type { OperationMeta } from '@/ops/operation.ts';
import { operationMetas } from '@/ops/registry.ts';
import { dialects } from './index.ts';
import { availableOperations } from './operations.ts';
import { buildOpenApi } from './openapi.ts';
import { origin } from './test-support.ts';

type Doc = {
  openapi: string;
  servers: { url: string }[];
  security: unknown[];
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, Record<string, unknown>>; securitySchemes: unknown };
};

const build = (metas?: Readonly<Record<string, OperationMeta>>) =>
  buildOpenApi(origin, metas) as unknown as Doc;

const httpMethods = ['get', 'post', 'put', 'patch', 'delete'];

function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, found));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') found.push(v);
      else refs(v, found);
    }
  }
  return found;
}

const fakeMeta = (name: string): OperationMeta => ({
  name,
  label: 'Fake',
  description: 'A fake operation for the test.',
  params: {
    strength: {
      type: 'number',
      label: 'Strength',
      help: 'How strong.',
      default: 1,
      min: 0.5,
      max: 1.5,
    },
    output_format: {
      type: 'enum',
      label: 'Format',
      help: 'File type.',
      default: 'png',
      choices: ['png', 'jpg'],
    },
    sharpen: { type: 'boolean', label: 'Sharpen', help: 'Also sharpen.', default: false },
  },
  models: [],
  tag: () => name,
});

describe('buildOpenApi', () => {
  it('is an OpenAPI 3.1 document for this origin with bearer security', () => {
    const doc = build();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: origin }]);
    expect(doc.security).toEqual([{ BearerAuth: [] }]);
    expect(doc.components.securitySchemes).toMatchObject({
      BearerAuth: { type: 'http', scheme: 'bearer' },
    });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('documents every route of every dialect, and nothing else', () => {
    const doc = build();
    const routes = dialects.flatMap((d) =>
      d.routes.map((r) => `${r.method} ${r.pattern.replace(/:(\w+)/g, '{$1}')}`),
    );
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((k) => httpMethods.includes(k))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.sort());
  });

  it('resolves every $ref', () => {
    const doc = build();
    for (const ref of refs(doc)) {
      const name = ref.replace('#/components/schemas/', '');
      expect(doc.components.schemas[name], ref).toBeDefined();
    }
  });

  it('describes each dialect’s error body', () => {
    const { schemas } = build().components;
    expect(schemas.RestorationsError).toMatchObject({ required: ['error'] });
    expect(schemas.OperationsError).toMatchObject({ required: ['detail'] });
    expect(schemas.UpscaleError).toMatchObject({ required: ['error'] });
    expect(schemas.VideoError).toMatchObject({
      properties: { error: { required: ['code', 'message'] } },
    });
  });

  it('lists each dialect’s own status words', () => {
    const { schemas } = build().components;
    const statusEnum = (name: string) =>
      (schemas[name]?.properties as { status: { enum: string[] } }).status.enum;
    expect(statusEnum('Restoration')).toEqual([
      'analyzing',
      'processing',
      'complete',
      'failed',
      'expired',
    ]);
    expect(statusEnum('UpscaleJob')).toEqual(['pending', 'processing', 'completed', 'failed']);
    expect(statusEnum('OperationsJob')).toEqual(['queued', 'processing', 'completed', 'failed']);
    expect(statusEnum('VideoJob')).toEqual(['queued', 'processing', 'completed', 'failed']);
  });

  it('generates one schema per operation from its meta', () => {
    const { schemas } = build().components;
    const scale = operationMetas.enhance?.params.scale;
    if (scale?.type !== 'integer') throw new Error('enhance.scale should be an integer parameter');
    expect(schemas.Operation_enhance).toMatchObject({
      properties: {
        type: { const: 'enhance' },
        params: {
          additionalProperties: false,
          required: ['scale'],
          properties: {
            scale: {
              type: 'integer',
              minimum: scale.min,
              maximum: scale.max,
              ...(scale.choices ? { enum: [...scale.choices] } : {}),
              default: scale.default,
            },
          },
        },
      },
      required: ['type', 'params'],
    });
    expect(Object.keys(schemas).filter((k) => k.startsWith('Operation_'))).toEqual(
      availableOperations().map((meta) => `Operation_${meta.name.replaceAll('-', '_')}`),
    );
  });

  it('grows with the metas: a new seed operation gets its schema and joins the request', () => {
    // Only enhance and a fake deblur, so the test shows what one added meta brings.
    const doc = build({
      enhance: operationMetas.enhance!,
      deblur: fakeMeta('deblur'),
      'remove-frame': fakeMeta('remove-frame'),
    });
    const { schemas } = doc.components;
    expect(schemas.Operation_deblur).toMatchObject({
      required: ['type'],
      properties: {
        type: { const: 'deblur' },
        params: {
          properties: {
            strength: { type: 'number', minimum: 0.5, maximum: 1.5, default: 1 },
            output_format: { type: 'string', enum: ['png', 'jpg'], default: 'png' },
            sharpen: { type: 'boolean', default: false },
          },
        },
      },
    });
    const request = schemas.OperationsJobCreateRequest as {
      properties: { operations: { items: { oneOf: { $ref: string }[] } } };
    };
    expect(request.properties.operations.items.oneOf.map((r) => r.$ref)).toEqual([
      '#/components/schemas/Operation_enhance',
      '#/components/schemas/Operation_deblur',
    ]);
    // remove-frame is not one of the seed's operations, so the operations API does not take it.
    expect(schemas['Operation_remove_frame']).toBeUndefined();
  });
});
