import { describe, expect, it } from 'vitest';
import { creditsFor } from './credits.ts';
import { fields, file, harness, origin, samples, start } from './test-support.ts';
import { decodeCursor, encodeCursor, ownModels, parseIsoDate } from './upscale.ts';
import { ApiError } from './types.ts';

const path = '/v1/jobs';
/** The seed's requestBody example, verbatim. */
const seedExample = {
  image_url: 'https://example.com/photo.jpg',
  model: 'wavespeed-ai/real-esrgan',
  scale: 4,
};

function form(entries: Record<string, string | File>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(entries)) data.append(key, value);
  return data;
}

describe('POST /v1/jobs (JSON)', () => {
  it('accepts the seed’s example and answers 201 with exactly its five fields', async () => {
    const h = harness();
    const response = await h.call('POST', path, { json: seedExample });
    expect(response.status).toBe(201);
    expect(Object.keys(fields(response))).toEqual(['id', 'status', 'model', 'scale', 'created_at']);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'pending',
      model: 'wavespeed-ai/real-esrgan',
      scale: 4,
      created_at: new Date(start).toISOString(),
    });
    const job = await h.backend.get(String(fields(response).id));
    expect(job?.spec).toEqual({
      operations: [{ type: 'enhance', params: { scale: 4, model: 'auto' } }],
      options: { model: 'wavespeed-ai/real-esrgan', scale: 4 },
    });
    expect(job?.input).toMatchObject({ source: seedExample.image_url, name: 'photo.jpg' });
    expect(job?.credits_charged).toBe(creditsFor('upscale', job!.spec));
  });

  it('defaults to real-esrgan at 4×, and serves image-upscaler with the same enhance step', async () => {
    const h = harness();
    const plain = fields(
      await h.call('POST', path, { json: { image_url: seedExample.image_url } }),
    );
    expect(plain).toMatchObject({ model: 'wavespeed-ai/real-esrgan', scale: 4 });
    const other = fields(
      await h.call('POST', path, {
        json: { image_url: seedExample.image_url, model: 'wavespeed-ai/image-upscaler', scale: 2 },
      }),
    );
    expect(other).toMatchObject({ model: 'wavespeed-ai/image-upscaler', scale: 2 });
    expect((await h.backend.get(String(other.id)))?.spec.operations).toEqual([
      { type: 'enhance', params: { scale: 2, model: 'auto' } },
    ]);
  });

  it('knows the manifest’s enhance models, and only those', () => {
    expect(ownModels.get('esrgan-medium-x2')).toBe(2);
    expect(ownModels.get('esrgan-medium-x4')).toBe(4);
    for (const scale of ownModels.values()) expect(scale).toBeGreaterThanOrEqual(2);
    expect(ownModels.get('realesr-general-x4v3')).toBe(4);
    expect(ownModels.get('realesrgan-x4plus')).toBe(4);
    expect(
      [...ownModels.keys()].every((id) =>
        /^(esrgan-medium|realesr-general|realesrgan-x4plus)/.test(id),
      ),
    ).toBe(true);
  });

  it('runs a Real-ESRGAN id at any scale, and an ESRGAN medium id as the faithful choice', async () => {
    const h = harness();
    const operations = async (json: Record<string, unknown>) => {
      const response = await h.call('POST', path, {
        json: { image_url: seedExample.image_url, ...json },
      });
      expect(response.status).toBe(201);
      return (await h.backend.get(String(fields(response).id)))?.spec.operations;
    };
    expect(await operations({ model: 'realesrgan-x4plus', scale: 2 })).toEqual([
      { type: 'enhance', params: { scale: 2, model: 'best' } },
    ]);
    expect(await operations({ model: 'realesr-general-x4v3' })).toEqual([
      { type: 'enhance', params: { scale: 4, model: 'real-esrgan' } },
    ]);
    expect(await operations({ model: 'esrgan-medium-x4' })).toEqual([
      { type: 'enhance', params: { scale: 4, model: 'faithful' } },
    ]);
  });

  it('takes our own model ids at their own scale', async () => {
    const h = harness();
    const x2 = await h.call('POST', path, {
      json: { image_url: seedExample.image_url, model: 'esrgan-medium-x2' },
    });
    expect(x2.status).toBe(201);
    expect(fields(x2)).toMatchObject({ model: 'esrgan-medium-x2', scale: 2 });
    expect(
      await h.call('POST', path, {
        json: { image_url: seedExample.image_url, model: 'esrgan-medium-x2', scale: 4 },
      }),
    ).toEqual({
      status: 400,
      body: { error: 'model esrgan-medium-x2 upscales ×2 only (got scale 4)' },
    });
  });

  it('accepts every scale the seed allows, 2 to 8', async () => {
    const h = harness();
    for (let scale = 2; scale <= 8; scale++) {
      const response = await h.call('POST', path, { json: { ...seedExample, scale } });
      expect(fields(response).scale).toBe(scale);
    }
  });

  it.each([
    [{}, 'image_url is required (or send the image as the multipart field "image")'],
    [
      { model: 'wavespeed-ai/real-esrgan' },
      'image_url is required (or send the image as the multipart field "image")',
    ],
    [{ ...seedExample, scale: 1 }, 'scale must be from 2 to 8 (got 1)'],
    [{ ...seedExample, scale: 9 }, 'scale must be from 2 to 8 (got 9)'],
    [{ ...seedExample, scale: 2.5 }, 'scale must be an integer from 2 to 8 (got 2.5)'],
    [{ ...seedExample, scale: '4' }, 'scale must be an integer from 2 to 8 (got "4")'],
    [
      { ...seedExample, model: 'dall-e' },
      `model must be one of ${['wavespeed-ai/real-esrgan', 'wavespeed-ai/image-upscaler', ...ownModels.keys()].join(', ')} (got "dall-e")`,
    ],
    [{ ...seedExample, model: 7 }, 'model must be a string'],
    [
      { ...seedExample, image_url: 'file:///etc/passwd' },
      'image_url must be an https URL (http only for localhost or 127.0.0.1), a data: URL or a URL of this app (got "file:///etc/passwd")',
    ],
  ])('refuses %j with 400 {error}', async (json, error) => {
    const h = harness();
    expect(await h.call('POST', path, { json })).toEqual({ status: 400, body: { error } });
    expect(h.store.jobs.size).toBe(0);
  });

  it('refuses other media types with 415', async () => {
    expect(
      await harness().call('POST', path, {
        body: 'https://example.com/photo.jpg',
        headers: { 'content-type': 'text/plain' },
      }),
    ).toEqual({
      status: 415,
      body: {
        error: 'Content-Type must be application/json or multipart/form-data (got text/plain)',
      },
    });
  });
});

describe('POST /v1/jobs (multipart)', () => {
  it('takes an image file with model and scale fields', async () => {
    const h = harness();
    const response = await h.call('POST', path, {
      body: form({
        image: file(samples.png, 'photo.png', 'image/png'),
        model: 'wavespeed-ai/image-upscaler',
        scale: '2',
      }),
    });
    expect(response.status).toBe(201);
    expect(fields(response)).toMatchObject({ model: 'wavespeed-ai/image-upscaler', scale: 2 });
    const job = await h.backend.get(String(fields(response).id));
    expect(job?.input).toMatchObject({
      name: 'photo.png',
      type: 'image/png',
      bytes: samples.png.length,
    });
    expect(fields(await h.call('GET', `${path}/${job!.id}`)).original_filename).toBe('photo.png');
  });

  it('uses the defaults when only the image is sent', async () => {
    const response = await harness().call('POST', path, {
      body: form({ image: file(samples.tiffBE, 'scan.tif') }),
    });
    expect(fields(response)).toMatchObject({ model: 'wavespeed-ai/real-esrgan', scale: 4 });
  });

  it.each([
    [
      { file: file(samples.jpeg, 'a.jpg') },
      'image is required: send the image as the multipart field "image"',
    ],
    [{ image: 'https://example.com/a.jpg' }, 'image must be a file, not a text field'],
    [{ image: file(new Uint8Array(), 'a.jpg') }, 'image is empty'],
    [
      { image: file(samples.gif, 'a.gif') },
      'image must be JPEG, PNG, WebP or TIFF (found a GIF image)',
    ],
    [
      { image: file(samples.pdf, 'a.jpg') },
      'image must be JPEG, PNG, WebP or TIFF (found a PDF document)',
    ],
    [
      { image: file(samples.jpeg, 'a.jpg'), scale: 'four' },
      'scale must be an integer from 2 to 8 (got "four")',
    ],
    [{ image: file(samples.jpeg, 'a.jpg'), scale: '16' }, 'scale must be from 2 to 8 (got 16)'],
  ])('refuses a bad form (%#)', async (entries, error) => {
    expect(await harness().call('POST', path, { body: form(entries) })).toEqual({
      status: 400,
      body: { error },
    });
  });
});

describe('GET /v1/jobs/:id', () => {
  it('answers the seed’s Job schema, with a result URL signed for one hour', async () => {
    const h = harness();
    const id = String(fields(await h.call('POST', path, { json: seedExample })).id);
    const pending = await h.call('GET', `${path}/${id}`);
    expect(Object.keys(fields(pending))).toEqual([
      'id',
      'status',
      'model',
      'scale',
      'result_url',
      'error',
      'original_filename',
      'created_at',
      'updated_at',
    ]);
    expect(pending.body).toEqual({
      id,
      status: 'pending',
      model: 'wavespeed-ai/real-esrgan',
      scale: 4,
      result_url: null,
      error: null,
      original_filename: 'photo.jpg',
      created_at: new Date(start).toISOString(),
      updated_at: new Date(start).toISOString(),
    });
    h.tick(2000);
    h.backend.advance(id, 'processing');
    expect(fields(await h.call('GET', `${path}/${id}`)).status).toBe('processing');
    h.backend.complete(id);
    const done = fields(await h.call('GET', `${path}/${id}`));
    expect(done).toMatchObject({
      status: 'completed',
      result_url: `${origin}/files/${encodeURIComponent(`out:${id}`)}?expires=${Math.floor((start + 2000) / 1000) + 3600}&signature=memory`,
      updated_at: new Date(start + 2000).toISOString(),
    });
  });

  it('shows failed with its error', async () => {
    const h = harness();
    const id = String(fields(await h.call('POST', path, { json: seedExample })).id);
    h.backend.advance(id, 'failed', { error: 'No model upscales ×8' });
    expect(fields(await h.call('GET', `${path}/${id}`))).toMatchObject({
      status: 'failed',
      error: 'No model upscales ×8',
      result_url: null,
    });
  });

  it('answers 404 {error} for an unknown id', async () => {
    expect(await harness().call('GET', `${path}/550e8400-e29b-41d4-a716-446655440000`)).toEqual({
      status: 404,
      body: { error: 'Job not found.' },
    });
  });
});

describe('GET /v1/jobs', () => {
  async function seed(count: number, sameMs = false) {
    const h = harness();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(String(fields(await h.call('POST', path, { json: seedExample })).id));
      if (!sameMs || i % 7 === 6) h.tick(1000);
    }
    return { h, newestFirst: ids.reverse() };
  }

  it('pages 20 at a time by default, newest first', async () => {
    const { h, newestFirst } = await seed(25);
    const body = fields(await h.call('GET', path));
    expect((body.data as { id: string }[]).map((j) => j.id)).toEqual(newestFirst.slice(0, 20));
    expect(body.has_more).toBe(true);
    expect(typeof body.next_cursor).toBe('string');
  });

  it.each([false, true])(
    'walks 45 jobs with has_more/next_cursor, each exactly once (shared ms: %s)',
    async (sameMs) => {
      const { h, newestFirst } = await seed(45, sameMs);
      const seen: string[] = [];
      let query = '?limit=10';
      for (let page = 0; page < 10; page++) {
        const body = fields(await h.call('GET', `${path}${query}`));
        const data = body.data as { id: string }[];
        seen.push(...data.map((j) => j.id));
        if (!body.has_more) {
          expect(body.next_cursor).toBeNull();
          break;
        }
        query = `?limit=10&cursor=${encodeURIComponent(String(body.next_cursor))}`;
      }
      expect(seen).toEqual(newestFirst);
    },
  );

  it('filters by status word, counting canceled and expired as failed', async () => {
    const { h, newestFirst } = await seed(4);
    const [a, b, c] = newestFirst as [string, string, string, string];
    h.backend.complete(a);
    h.backend.advance(b, 'failed', { error: 'x' });
    await h.backend.cancel(c);
    const ids = async (q: string) =>
      (fields(await h.call('GET', `${path}?${q}`)).data as { id: string }[]).map((j) => j.id);
    expect(await ids('status=completed')).toEqual([a]);
    expect(await ids('status=failed')).toEqual([b, c]);
    expect(await ids('status=pending')).toEqual([newestFirst[3]]);
    expect(await ids('status=processing')).toEqual([]);
  });

  it('filters by model and by creation time', async () => {
    const h = harness();
    await h.call('POST', path, { json: seedExample });
    h.tick(60_000);
    const other = fields(
      await h.call('POST', path, {
        json: { ...seedExample, model: 'wavespeed-ai/image-upscaler' },
      }),
    );
    const ids = async (q: string) =>
      (fields(await h.call('GET', `${path}?${q}`)).data as { id: string }[]).map((j) => j.id);
    expect(await ids('model=wavespeed-ai/image-upscaler')).toEqual([other.id]);
    expect(await ids('model=esrgan-medium-x4')).toEqual([]);
    expect(await ids('after=2026-03-27T12:00:30Z')).toEqual([other.id]);
    expect(await ids('before=2026-03-27T12:00:30Z')).toHaveLength(1);
    expect(await ids('before=2026-03-27')).toEqual([]);
    expect(await ids('after=2026-03-27T14:00:30%2B02:00')).toEqual([other.id]);
  });

  it.each([
    ['limit=0', 'limit must be from 1 to 100 (got 0)'],
    ['limit=101', 'limit must be from 1 to 100 (got 101)'],
    ['limit=ten', 'limit must be an integer from 1 to 100 (got "ten")'],
    [
      'status=complete',
      'status must be one of pending, processing, completed, failed (got "complete")',
    ],
    [
      'before=yesterday',
      'before must be an ISO 8601 date-time, e.g. 2024-01-15T10:30:00Z (got "yesterday")',
    ],
    [
      'after=2024-02-31',
      'after must be an ISO 8601 date-time, e.g. 2024-01-15T10:30:00Z (got "2024-02-31")',
    ],
    ['cursor=not!base64', 'cursor is malformed: pass next_cursor from the previous page unchanged'],
    [
      `cursor=${btoa('x1:123:abc')}`,
      'cursor is malformed: pass next_cursor from the previous page unchanged',
    ],
    [`cursor=${encodeCursor('garbage')}`, 'cursor is malformed'],
  ])('refuses %s with 400', async (q, error) => {
    expect(await harness().call('GET', `${path}?${q}`)).toEqual({ status: 400, body: { error } });
  });

  it('allows the limits themselves', async () => {
    const h = harness();
    expect((await h.call('GET', `${path}?limit=1`)).status).toBe(200);
    expect(await h.call('GET', `${path}?limit=100`)).toEqual({
      status: 200,
      body: { data: [], has_more: false, next_cursor: null },
    });
  });
});

describe('parseIsoDate', () => {
  it.each([
    ['2024-01-15T10:30:00Z', Date.UTC(2024, 0, 15, 10, 30)],
    ['2024-01-15T10:30:00.250Z', Date.UTC(2024, 0, 15, 10, 30, 0, 250)],
    ['2024-01-15T10:30:00+02:00', Date.UTC(2024, 0, 15, 8, 30)],
    ['2024-01-15T10:30', Date.UTC(2024, 0, 15, 10, 30)],
    ['2024-01-15T10:30:00', Date.UTC(2024, 0, 15, 10, 30)],
    ['2024-01-15', Date.UTC(2024, 0, 15)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
  ])('reads %s (no offset means UTC)', (text, ms) => {
    expect(parseIsoDate('before', text)).toBe(ms);
  });

  it.each([
    'March 7, 2024',
    '1705312800',
    '',
    '2024-13-01',
    '2023-02-29',
    '2024-01-15 10:30',
    '2024-1-5',
  ])('refuses %j', (text) => {
    expect(() => parseIsoDate('before', text)).toThrow(ApiError);
  });
});

describe('cursors', () => {
  it('round-trip any store cursor, including non-ASCII', () => {
    for (const inner of ['1700000000000:abc', 'ü/é+=?']) {
      const cursor = encodeCursor(inner);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor)).toBe(inner);
    }
  });
});
