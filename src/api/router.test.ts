import { afterEach, describe, expect, it, vi } from 'vitest';
import { dialects } from './index.ts';
import { handleApi, matchRoute } from './router.ts';
import { harness, request } from './test-support.ts';
import { ApiError, type DialectModule } from './types.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

function dialectOf(path: string, method = 'GET'): string | null {
  return matchRoute(dialects, method, path)?.dialect.name ?? null;
}

describe('matchRoute', () => {
  it('finds the route and decodes its params', () => {
    const match = matchRoute(dialects, 'GET', '/v2/jobs/job_abc%2D1/download');
    expect(match && 'route' in match ? [match.route.pattern, match.params] : null).toEqual([
      '/v2/jobs/:id/download',
      { id: 'job_abc-1' },
    ]);
  });

  it('gives a path to the dialect with the longest prefix owning it', () => {
    expect(dialectOf('/api/v1/restorations')).toBe('restorations');
    expect(dialectOf('/api/v1/restorations/x')).toBe('restorations');
    expect(dialectOf('/api/v1/jobs/api')).toBe('operations');
    expect(dialectOf('/api/v1/anything')).toBe('operations');
    expect(dialectOf('/v1/jobs')).toBe('upscale');
    expect(dialectOf('/v1')).toBe('upscale');
    expect(dialectOf('/v2/enhance')).toBe('video');
  });

  it('leaves paths no dialect owns alone', () => {
    for (const path of ['/', '/index.html', '/v10/jobs', '/v1jobs', '/api/v2/x', '/openapi.json']) {
      expect(matchRoute(dialects, 'GET', path), path).toBeNull();
    }
  });

  it('says which methods a known path allows', () => {
    expect(matchRoute(dialects, 'PUT', '/v1/jobs')).toMatchObject({
      methodNotAllowed: true,
      allow: ['POST', 'GET'],
    });
    expect(matchRoute(dialects, 'GET', '/v2/jobs/job_1/cancel')).toMatchObject({
      methodNotAllowed: true,
      allow: ['POST'],
    });
    expect(matchRoute(dialects, 'POST', '/api/v1/restorations/1')).toMatchObject({
      allow: ['GET', 'DELETE'],
    });
  });

  it('reports unknown paths under a prefix as not found', () => {
    expect(matchRoute(dialects, 'GET', '/v1/nope')).toMatchObject({ notFound: true });
    expect(matchRoute(dialects, 'GET', '/v1/jobs/1/2')).toMatchObject({ notFound: true });
    expect(matchRoute(dialects, 'GET', '/v1/jobs//')).toMatchObject({ notFound: true });
    expect(matchRoute(dialects, 'GET', '/v1/Jobs')).toMatchObject({ notFound: true });
  });

  it('forgives one trailing slash', () => {
    expect(matchRoute(dialects, 'GET', '/v1/jobs/')).toMatchObject({
      route: { pattern: '/v1/jobs' },
    });
  });

  it('never hands a traversing id to a route', () => {
    for (const path of [
      '/v1/jobs/..',
      '/v1/jobs/.',
      '/v1/jobs/a%2Fb',
      '/v1/jobs/%2e%2e',
      '/v1/jobs/a%5Cb',
    ]) {
      expect(matchRoute(dialects, 'GET', path), path).toMatchObject({ notFound: true });
    }
  });

  it('flags a malformed %-escape', () => {
    expect(matchRoute(dialects, 'GET', '/v1/jobs/%E0%A4%A')).toMatchObject({ badPath: true });
    expect(matchRoute(dialects, 'GET', '/v1/jobs/%zz')).toMatchObject({ badPath: true });
  });
});

describe('handleApi', () => {
  it('answers 404 in each dialect’s own error format', async () => {
    const h = harness();
    expect(await h.call('GET', '/api/v1/restorations/a/b')).toEqual({
      status: 404,
      body: { error: 'Not found: GET /api/v1/restorations/a/b is not in this API' },
    });
    expect(await h.call('GET', '/api/v1/nothing')).toEqual({
      status: 404,
      body: { detail: 'Not found: GET /api/v1/nothing is not in this API' },
    });
    expect(await h.call('GET', '/v1/nothing')).toEqual({
      status: 404,
      body: { error: 'Not found: GET /v1/nothing is not in this API' },
    });
    expect(await h.call('GET', '/v2/nothing')).toEqual({
      status: 404,
      body: {
        error: { code: 'not_found', message: 'Not found: GET /v2/nothing is not in this API' },
      },
    });
  });

  it('answers 405 with Allow', async () => {
    const h = harness();
    expect(await h.call('DELETE', '/v1/jobs')).toEqual({
      status: 405,
      body: { error: 'Method DELETE is not allowed on /v1/jobs; use POST or GET' },
      headers: { Allow: 'POST, GET' },
    });
    const video = await h.call('PUT', '/v2/enhance');
    expect(video.status).toBe(405);
    expect(video.headers).toEqual({ Allow: 'POST' });
    expect(video.body).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('answers 400 for a malformed escape and 404 for traversal, without a lookup', async () => {
    const h = harness();
    const get = vi.spyOn(h.backend, 'get');
    expect(await h.call('GET', '/v1/jobs/%E0%A4%A')).toEqual({
      status: 400,
      body: { error: 'the path has a malformed %-escape' },
    });
    for (const path of ['/v1/jobs/..%2F..%2Fsecrets', '/v1/jobs/%2e%2e', '/v2/jobs/a%2F..%2Fb']) {
      expect((await h.call('GET', path)).status, path).toBe(404);
    }
    expect(get).not.toHaveBeenCalled();
  });

  it('answers a path that is not the API with a plain 404', async () => {
    const h = harness();
    expect(await h.call('GET', '/elsewhere')).toEqual({
      status: 404,
      body: { error: 'Not found' },
    });
  });

  it('turns ApiError into the dialect body, extra fields included', async () => {
    const quota: DialectModule = {
      ...dialects[2]!,
      routes: [
        {
          method: 'GET',
          pattern: '/v1/quota',
          handle: () =>
            Promise.reject(new ApiError(402, 'Monthly quota exceeded.', { quota: 500, used: 500 })),
        },
      ],
    };
    const response = await handleApi(request('GET', '/v1/quota'), harness().ctx, [quota]);
    expect(response).toEqual({
      status: 402,
      body: { error: 'Monthly quota exceeded.', quota: 500, used: 500 },
    });
  });

  it('turns any other error into a generic 500 that leaks nothing', async () => {
    const h = harness();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(h.backend, 'get').mockRejectedValue(new Error('IDB exploded at /secret/path.ts:12'));
    for (const [path, body] of [
      ['/v1/jobs/abc', { error: 'Internal server error' }],
      ['/api/v1/jobs/api/abc', { detail: 'Internal server error' }],
      ['/api/v1/restorations/abc', { error: 'Internal server error' }],
      ['/v2/jobs/job_abc', { error: { code: 'server_error', message: 'Internal server error' } }],
    ] as const) {
      const response = await h.call('GET', path);
      expect(response).toEqual({ status: 500, body });
      expect(JSON.stringify(response)).not.toContain('secret');
    }
    expect(logged).toHaveBeenCalledTimes(4);
  });

  describe.each([
    ['POST', '/api/v1/restorations', (m: string) => ({ error: m })],
    ['POST', '/api/v1/jobs/api', (m: string) => ({ detail: m })],
    ['POST', '/v1/jobs', (m: string) => ({ error: m })],
    ['POST', '/v2/enhance', (m: string) => ({ error: { code: 'invalid_request', message: m } })],
  ])('%s %s', (method, path, shape) => {
    it('answers malformed JSON with 400 in its format', async () => {
      const response = await harness().call(method, path, { body: '{"image_url": ' });
      expect(response.status).toBe(400);
      const message = JSON.stringify(response.body);
      expect(message).toContain('the request body is not valid JSON');
    });

    it('answers a JSON value that is not an object, or nothing, with 400', async () => {
      const h = harness();
      expect(await h.call(method, path, { body: '[1,2]' })).toEqual({
        status: 400,
        body: shape('the request body must be a JSON object'),
      });
      expect(await h.call(method, path, { body: '' })).toEqual({
        status: 400,
        body: shape('the request body is empty; send a JSON object'),
      });
    });

    it('answers a wrong Content-Type with 415', async () => {
      const response = await harness().call(method, path, {
        body: 'image_url=https://example.com/a.jpg',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.status).toBe(415);
      expect(JSON.stringify(response.body)).toContain('application/x-www-form-urlencoded');
    });
  });
});
