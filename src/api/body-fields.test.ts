import { describe, expect, it } from 'vitest';
import { buildOpenApi } from './openapi.ts';
import { harness, origin } from './test-support.ts';

/*
 * The OpenAPI document and the validators agree: every value the document's request schema
 * allows is accepted by the real route, and every value just outside it is refused with a 400
 * that names the field. Values are drawn from the served document, not from the field specs, so
 * a route that stopped reading its specs (or a document written by hand again) fails here.
 */

type Schema = {
  type?: string;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, Schema>;
  required?: string[];
};

const doc = buildOpenApi(origin) as { components: { schemas: Record<string, Schema> } };

const requests = [
  {
    schema: 'RestorationCreateRequest',
    path: '/api/v1/restorations',
    sources: { image_url: 'https://example.com/photo.jpg' },
  },
  {
    schema: 'VideoEnhanceRequest',
    path: '/v2/enhance',
    sources: { video_url: 'https://example.com/clip.mp4' },
  },
] as const;

function allowed(schema: Schema): unknown[] {
  if (schema.enum) return schema.enum;
  if (schema.type === 'boolean') return [true, false];
  if (schema.type === 'integer') return [schema.minimum, schema.maximum];
  if (schema.format === 'uri') return ['https://example.com/hook'];
  if (schema.type === 'string')
    return ['k'.repeat(schema.minLength ?? 1), 'k'.repeat(schema.maxLength ?? 8)];
  throw new Error(`no sample for ${JSON.stringify(schema)}`);
}

function refused(schema: Schema): unknown[] {
  if (schema.enum) return ['not-a-choice', 1];
  if (schema.type === 'boolean') return ['true', 0];
  if (schema.type === 'integer') return [schema.minimum! - 1, schema.maximum! + 1, 2.5, '2'];
  if (schema.format === 'uri') return ['ftp://example.com/hook', 7];
  if (schema.type === 'string') return ['k'.repeat((schema.maxLength ?? 8) + 1), 5];
  throw new Error(`no sample for ${JSON.stringify(schema)}`);
}

describe.each(requests)('$schema and POST $path agree', ({ schema: name, path, sources }) => {
  const schema = doc.components.schemas[name]!;
  const optional = Object.entries(schema.properties ?? {}).filter(([key]) => !(key in sources));

  it('requires exactly the sources', async () => {
    expect(schema.required).toEqual(Object.keys(sources));
    const answer = await harness().call('POST', path, { json: {} });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain(Object.keys(sources)[0]);
  });

  it('accepts every value the document allows', async () => {
    expect(optional.length).toBeGreaterThan(1);
    for (const [key, field] of optional) {
      for (const value of allowed(field)) {
        const answer = await harness().call('POST', path, { json: { ...sources, [key]: value } });
        expect([200, 202], `${key}: ${JSON.stringify(value)}`).toContain(answer.status);
      }
    }
  });

  it('refuses every value just outside it, naming the field', async () => {
    for (const [key, field] of optional) {
      for (const value of refused(field)) {
        const answer = await harness().call('POST', path, { json: { ...sources, [key]: value } });
        expect(answer.status, `${key}: ${JSON.stringify(value)}`).toBe(400);
        expect(JSON.stringify(answer.body)).toContain(key);
      }
    }
  });
});
