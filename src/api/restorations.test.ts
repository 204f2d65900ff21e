import { describe, expect, it } from 'vitest';
import { creditsFor } from './credits.ts';
import { restorationSpec } from './restorations.ts';
import { fields, harness, origin, start } from './test-support.ts';

const path = '/api/v1/restorations';
const seedExample = {
  image_url: 'https://example.com/grandma-1952.jpg',
  preset: 'enhance',
  resolution: '2k',
  callback_url: 'https://yourapp.com/webhooks/picrenew',
};

describe('POST /api/v1/restorations', () => {
  it('accepts the seed’s example request and answers 202 with exactly its fields', async () => {
    const h = harness();
    const response = await h.call('POST', path, {
      body: JSON.stringify(seedExample, null, 4),
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer pk_live_YOUR_KEY' },
    });
    expect(response.status).toBe(202);
    const body = fields(response);
    expect(Object.keys(body)).toEqual([
      'id',
      'status',
      'preset',
      'resolution',
      'credits_charged',
      'created_at',
      'expires_at',
    ]);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'analyzing',
      preset: 'enhance',
      resolution: '2k',
      credits_charged: 2,
      created_at: new Date(start).toISOString(),
      expires_at: null,
    });
    const job = await h.backend.get(String(body.id));
    expect(job).toMatchObject({
      dialect: 'restorations',
      status: 'queued',
      callback_url: 'https://yourapp.com/webhooks/picrenew',
      idempotency_key: null,
      input: { source: 'https://example.com/grandma-1952.jpg', name: 'grandma-1952.jpg' },
    });
    expect(job?.credits_charged).toBe(creditsFor('restorations', job!.spec));
    expect(job?.spec).toEqual(
      restorationSpec({
        preset: 'enhance',
        resolution: '2k',
        remove_frame: false,
        colorize: false,
      }),
    );
  });

  it('fills the seed’s defaults: standard, 1k, no frame removal, no colorization', async () => {
    const h = harness();
    const body = fields(
      await h.call('POST', path, { json: { image_url: 'https://a.example/p.png' } }),
    );
    expect(body).toMatchObject({ preset: 'standard', resolution: '1k' });
    const job = await h.backend.get(String(body.id));
    expect(job?.spec.options).toEqual({
      preset: 'standard',
      resolution: '1k',
      remove_frame: false,
      colorize: false,
    });
    expect(job?.callback_url).toBeNull();
  });

  it.each([
    [{}, 'image_url is required'],
    [{ image_url: 42 }, 'image_url must be a string (got 42)'],
    [
      { image_url: 'http://example.com/a.jpg' },
      'image_url must be an https URL (http only for localhost or 127.0.0.1), a data: URL or a URL of this app (got "http://example.com/a.jpg")',
    ],
    [
      { image_url: 'https://a.example/x.jpg', preset: 'vivid' },
      'preset must be one of standard, enhance, colorize, portrait (got "vivid")',
    ],
    [
      { image_url: 'https://a.example/x.jpg', resolution: '8k' },
      'resolution must be one of 1k, 2k, 4k (got "8k")',
    ],
    [
      { image_url: 'https://a.example/x.jpg', remove_frame: 'yes' },
      'remove_frame must be true or false (got "yes")',
    ],
    [
      { image_url: 'https://a.example/x.jpg', colorize: 1 },
      'colorize must be true or false (got 1)',
    ],
    [
      { image_url: 'https://a.example/x.jpg', callback_url: 'http://yourapp.com/hook' },
      'callback_url must be an https URL (http only for localhost or 127.0.0.1)',
    ],
    [
      { image_url: 'https://a.example/x.jpg', idempotency_key: 'k'.repeat(256) },
      'idempotency_key must be 1 to 255 characters (got 256)',
    ],
    [
      { image_url: 'https://a.example/x.jpg', idempotency_key: '' },
      'idempotency_key must be 1 to 255 characters (got 0)',
    ],
  ])('refuses %j with 400', async (json, message) => {
    const h = harness();
    expect(await h.call('POST', path, { json })).toEqual({ status: 400, body: { error: message } });
    expect(h.store.jobs.size).toBe(0);
  });

  it('takes http on localhost, data: URLs and this app’s own URLs', async () => {
    const h = harness();
    for (const image_url of [
      'http://localhost:8000/a.jpg',
      'http://127.0.0.1/a.jpg',
      'data:image/jpeg;base64,/9j/4AAQ',
      `${origin}/files/out%3A1?x=1`,
      '/files/out%3A1',
    ]) {
      expect((await h.call('POST', path, { json: { image_url } })).status, image_url).toBe(202);
    }
  });

  it('refuses a data: URL over the seed’s 20 MB with 413', async () => {
    const image_url = `data:image/png;base64,${'A'.repeat(28 * 1024 * 1024)}`;
    const response = await harness().call('POST', path, { json: { image_url } });
    expect(response.status).toBe(413);
    expect(fields(response).error).toMatch(/the limit is 20 MB$/);
  });

  it('returns the existing restoration with 200 when an idempotency key is sent again', async () => {
    const h = harness();
    const json = { ...seedExample, idempotency_key: 'order-1952' };
    const first = await h.call('POST', path, { json });
    h.tick(5000);
    h.backend.advance(String(fields(first).id), 'processing');
    const again = await h.call('POST', path, { json: { ...json, preset: 'portrait' } });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(fields(again)).toEqual({ ...fields(first), status: 'processing' });
    expect(h.store.jobs.size).toBe(1);

    const other = await h.call('POST', path, { json: { ...json, idempotency_key: 'order-1953' } });
    expect(other.status).toBe(202);
    expect(fields(other).id).not.toBe(fields(first).id);
    expect(h.store.jobs.size).toBe(2);
  });

  it('scopes idempotency keys to the API key', async () => {
    const h = harness();
    const json = { ...seedExample, idempotency_key: 'shared' };
    const mine = await h.call('POST', path, { json });
    const theirs = await h.call('POST', path, { json, apiKeyId: 'key-b' });
    expect(theirs.status).toBe(202);
    expect(fields(theirs).id).not.toBe(fields(mine).id);
  });
});

describe('restorationSpec', () => {
  const spec = (o: Partial<Parameters<typeof restorationSpec>[0]>) =>
    restorationSpec({
      preset: 'standard',
      resolution: '1k',
      remove_frame: false,
      colorize: false,
      ...o,
    }).operations;
  const resize = (edge: number) => ({
    type: 'crop-resize',
    params: { resize: { width: edge, height: edge, maintain_aspect: true } },
  });

  it('expands each preset as the table says', () => {
    expect(spec({})).toEqual([{ type: 'restore-old-photo', params: {} }, resize(1024)]);
    expect(spec({ preset: 'enhance' })).toEqual([
      { type: 'restore-old-photo', params: {} },
      { type: 'enhance', params: { scale: 2 } },
      resize(1024),
    ]);
    expect(spec({ preset: 'enhance', resolution: '4k' })[1]).toEqual({
      type: 'enhance',
      params: { scale: 4 },
    });
    expect(spec({ preset: 'colorize' })).toEqual([
      { type: 'restore-old-photo', params: { enable_colorization: true } },
      resize(1024),
    ]);
    expect(spec({ preset: 'portrait' })).toEqual([
      { type: 'enhance-face', params: {} },
      resize(1024),
    ]);
  });

  it('maps resolution to a final long-edge resize', () => {
    expect(spec({ resolution: '2k' }).at(-1)).toEqual(resize(2048));
    expect(spec({ resolution: '4k' }).at(-1)).toEqual(resize(4096));
  });

  it('puts frame removal first and colorization on the restore step', () => {
    expect(spec({ remove_frame: true, colorize: true })).toEqual([
      { type: 'remove-frame', params: {} },
      { type: 'restore-old-photo', params: { enable_colorization: true } },
      resize(1024),
    ]);
    expect(spec({ preset: 'portrait', colorize: true })).toEqual([
      { type: 'enhance-face', params: {} },
      { type: 'restore-old-photo', params: { enable_colorization: true } },
      resize(1024),
    ]);
  });
});

describe('GET /api/v1/restorations', () => {
  it('lists the 50 newest, newest first, with output_url and expires_at', async () => {
    const h = harness();
    const ids: string[] = [];
    for (let i = 0; i < 55; i++) {
      ids.push(String(fields(await h.call('POST', path, { json: seedExample })).id));
      h.tick(1000);
    }
    const newest = ids.at(-1)!;
    const expires = h.now() + 90 * 24 * 3600 * 1000;
    h.backend.complete(newest);
    h.store.jobs.set(newest, { ...h.store.jobs.get(newest)!, expires_at: expires });

    const response = await h.call('GET', path);
    expect(response.status).toBe(200);
    const list = fields(response).restorations as Record<string, unknown>[];
    expect(list.map((r) => r.id)).toEqual(ids.slice(5).reverse());
    expect(Object.keys(list[0]!)).toEqual([
      'id',
      'status',
      'preset',
      'resolution',
      'credits_charged',
      'output_url',
      'created_at',
      'expires_at',
    ]);
    expect(list[0]).toMatchObject({
      status: 'complete',
      preset: 'enhance',
      resolution: '2k',
      credits_charged: 2,
      output_url: expect.stringContaining(`${origin}/files/`),
      expires_at: new Date(expires).toISOString(),
    });
    expect(list[1]).toMatchObject({ status: 'analyzing', output_url: null, expires_at: null });
  });

  it('shows only restorations, and an empty list as such', async () => {
    const h = harness();
    expect(await h.call('GET', path)).toEqual({ status: 200, body: { restorations: [] } });
    await h.call('POST', '/v1/jobs', { json: { image_url: 'https://a.example/a.jpg' } });
    expect(await h.call('GET', path)).toEqual({ status: 200, body: { restorations: [] } });
  });
});

describe('GET /api/v1/restorations/:id', () => {
  it('shows each status in the seed’s words', async () => {
    const h = harness();
    const id = String(fields(await h.call('POST', path, { json: seedExample })).id);
    const status = async () => fields(await h.call('GET', `${path}/${id}`)).status;
    expect(await status()).toBe('analyzing');
    h.backend.advance(id, 'processing');
    expect(await status()).toBe('processing');
    h.backend.complete(id);
    expect(await status()).toBe('complete');
    expect(fields(await h.call('GET', `${path}/${id}`)).output_url).toMatch(/^http/);
    h.backend.advance(id, 'expired');
    expect(fields(await h.call('GET', `${path}/${id}`))).toMatchObject({
      status: 'expired',
      output_url: null,
    });
    const failed = String(fields(await h.call('POST', path, { json: seedExample })).id);
    h.backend.advance(failed, 'failed', { error: 'corrupt image' });
    // A failed restoration says why; the others carry no error field.
    expect(fields(await h.call('GET', `${path}/${failed}`))).toMatchObject({
      status: 'failed',
      error: 'corrupt image',
    });
    expect(fields(await h.call('GET', `${path}/${id}`))).not.toHaveProperty('error');
  });

  it('answers 404 for an unknown id, or a job of another dialect', async () => {
    const h = harness();
    const upscale = fields(
      await h.call('POST', '/v1/jobs', { json: { image_url: 'https://a.example/a.jpg' } }),
    );
    for (const id of ['00000000-0000-4000-8000-0000000000ff', String(upscale.id)]) {
      expect(await h.call('GET', `${path}/${id}`)).toEqual({
        status: 404,
        body: { error: 'Restoration not found' },
      });
    }
  });
});

describe('DELETE /api/v1/restorations/:id', () => {
  it('deletes complete and failed restorations', async () => {
    const h = harness();
    const done = String(fields(await h.call('POST', path, { json: seedExample })).id);
    h.backend.complete(done);
    expect(await h.call('DELETE', `${path}/${done}`)).toEqual({
      status: 200,
      body: { deleted: true },
    });
    expect((await h.call('GET', `${path}/${done}`)).status).toBe(404);
    expect((await h.call('DELETE', `${path}/${done}`)).status).toBe(404);

    const failed = String(fields(await h.call('POST', path, { json: seedExample })).id);
    h.backend.advance(failed, 'failed', { error: 'x' });
    expect((await h.call('DELETE', `${path}/${failed}`)).status).toBe(200);
  });

  it('refuses others with 409 naming the current status', async () => {
    const h = harness();
    const id = String(fields(await h.call('POST', path, { json: seedExample })).id);
    const refused = (word: string) => ({
      status: 409,
      body: {
        error: `Restoration is ${word}; only complete or failed restorations can be deleted`,
      },
    });
    expect(await h.call('DELETE', `${path}/${id}`)).toEqual(refused('analyzing'));
    h.backend.advance(id, 'processing');
    expect(await h.call('DELETE', `${path}/${id}`)).toEqual(refused('processing'));
    h.backend.complete(id);
    h.backend.advance(id, 'expired');
    expect(await h.call('DELETE', `${path}/${id}`)).toEqual(refused('expired'));
    expect(h.store.jobs.has(id)).toBe(true);
  });

  it('answers 404 for an unknown id', async () => {
    expect(await harness().call('DELETE', `${path}/nope`)).toEqual({
      status: 404,
      body: { error: 'Restoration not found' },
    });
  });
});
