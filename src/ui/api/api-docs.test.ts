import { describe, expect, it } from 'vitest';
import { dialects, matchRoute } from '@/api/index.ts';
import { buildOpenApi } from '@/api/openapi.ts';
import {
  buildPath,
  curlCode,
  endpointsOf,
  examples,
  fetchCode,
  flowCode,
  followableUrls,
} from './api-docs.ts';

const openApi = buildOpenApi('http://127.0.0.1:4173');
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  body: string,
) => unknown;

describe('API page data', () => {
  it('lists every route of every dialect, in the route tables’ order', () => {
    for (const dialect of dialects) {
      const listed = endpointsOf(dialect, openApi).map((e) => e.id);
      expect(listed).toEqual(dialect.routes.map((r) => `${r.method} ${r.pattern}`));
    }
  });

  it('reads summaries and request bodies from the OpenAPI document', () => {
    const all = dialects.flatMap((d) => endpointsOf(d, openApi));
    const byId = new Map(all.map((e) => [e.id, e]));
    expect(all.every((e) => e.summary)).toBe(true);
    expect(byId.get('POST /api/v1/upload/api')).toMatchObject({ body: 'form', fileField: 'file' });
    expect(byId.get('POST /v1/jobs')).toMatchObject({ body: 'json-or-form', fileField: 'image' });
    expect(byId.get('POST /api/v1/jobs/api')).toMatchObject({ body: 'json', fileField: null });
    expect(byId.get('POST /v2/jobs/:id/cancel')).toMatchObject({ body: 'none', params: ['id'] });
    expect(byId.get('GET /v1/jobs')?.exampleBody).toBe('');
    expect(JSON.parse(byId.get('POST /api/v1/restorations')?.exampleBody ?? '')).toMatchObject({
      preset: 'enhance',
    });
    // A multipart-only route starts with its example's text fields (none for the upload).
    expect(byId.get('POST /api/v1/upload/api')?.exampleBody).toBe('{}');
  });

  it('describes a route with no OpenAPI entry from its method alone', () => {
    const [dialect] = dialects;
    const extra = { ...dialect!, routes: [{ ...dialect!.routes[0]!, pattern: '/api/v1/new/:x' }] };
    const [endpoint] = endpointsOf(extra, openApi);
    expect(endpoint).toMatchObject({ params: ['x'], summary: null, fileField: null });
  });

  it('has every example on a route of its own dialect', () => {
    for (const { dialect, request } of examples) {
      const match = matchRoute(dialects, request.method, request.path.split('?')[0]!);
      expect(match && 'route' in match ? match.dialect.name : null, request.path).toBe(dialect);
    }
  });

  it('renders each example as the hosted curl and as fetch code that parses', () => {
    for (const { dialect, request } of examples) {
      const code = fetchCode(dialect, request);
      expect(code).toContain('const BASE = location.origin;');
      expect(code).toContain(`fetch(\`\${BASE}${request.path}\``);
      expect(() => new AsyncFunction(code)).not.toThrow();
    }
    const upload = examples.find((e) => e.id === 'operations.upload')!;
    expect(curlCode('operations', upload.request)).toBe(
      [
        'curl -X POST "https://api.enhancecraft.com/api/v1/upload/api" \\',
        '  -H "Authorization: Bearer sk_live_YOUR_KEY" \\',
        '  -F "file=@/path/to/image.jpg"',
      ].join('\n'),
    );
    const create = examples.find((e) => e.id === 'restorations.create')!;
    expect(fetchCode('restorations', create.request)).toContain(
      "headers: {\n    Authorization: `Bearer ${KEY}`,\n    'Content-Type': 'application/json',\n  },",
    );
  });

  it('has a complete flow per dialect that parses and calls each of its steps', () => {
    const steps = {
      restorations: ['/api/v1/restorations`', '/api/v1/restorations/${created.id}'],
      operations: ['/api/v1/upload/api', '/api/v1/jobs/api`', '/api/v1/jobs/api/${job.id}'],
      upscale: ['/v1/jobs`', '/v1/jobs/${created.id}', 'job.result_url'],
      video: ['/v2/enhance', '/v2/jobs/${job.id}`', '/download', '/cancel'],
    };
    for (const dialect of dialects) {
      const code = flowCode(dialect.name);
      expect(() => new AsyncFunction(code)).not.toThrow();
      for (const step of steps[dialect.name]) expect(code).toContain(step);
    }
  });

  it('builds request paths and finds the URLs an answer offers', () => {
    expect(buildPath('/v2/jobs/:id/download', { id: 'job_1 2' })).toBe(
      '/v2/jobs/job_1%202/download',
    );
    expect(buildPath('/v1/jobs', {}, '?limit=5')).toBe('/v1/jobs?limit=5');
    expect(
      followableUrls(
        { result_url: 'http://o/files/x?sig=1', input_url: 'uploads/a.png', id: 'x' },
        'http://o',
      ),
    ).toEqual([['result_url', 'http://o/files/x?sig=1']]);
  });
});
