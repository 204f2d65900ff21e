import { describe, expect, it } from 'vitest';
import { creditsFor } from './credits.ts';
import { renderVideoJob } from './video.ts';
import { defaultLimits } from './limits-config.ts';
import { type Harness, fields, harness, origin, start } from './test-support.ts';

/** The seed's example request body, verbatim. */
const seedExample = {
  video_url: 'https://s3.amazonaws.com/my-bucket/raw.mp4',
  preset: 'cinematic',
  upscale_factor: 4,
};
const seconds = Math.floor(start / 1000);

async function create(h: Harness, json: object = seedExample): Promise<string> {
  const response = await h.call('POST', '/v2/enhance', { json });
  expect(response.status).toBe(200);
  return String(fields(response).id);
}

const uuidOf = (id: string) => id.replace(/^job_/, '');

describe('POST /v2/enhance', () => {
  it('accepts the seed’s example and answers 200 with the Job object', async () => {
    const h = harness();
    const response = await h.call('POST', '/v2/enhance', {
      body: JSON.stringify(seedExample),
      headers: { Authorization: 'Bearer sk_live_...', 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(Object.keys(fields(response))).toEqual([
      'id',
      'status',
      'input_url',
      'output_url',
      'created_at',
      'completed_at',
      'error',
      'progress',
      'eta_seconds',
    ]);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^job_[0-9a-f-]{36}$/),
      status: 'queued',
      input_url: 'https://s3.amazonaws.com/my-bucket/raw.mp4',
      output_url: null,
      created_at: seconds,
      completed_at: null,
      error: null,
      progress: 0,
      eta_seconds: null,
    });
    const job = await h.backend.get(uuidOf(String(fields(response).id)));
    expect(job?.spec).toEqual({
      operations: [{ type: 'video-enhance', params: { preset: 'cinematic', upscale_factor: 4 } }],
      options: { preset: 'cinematic', upscale_factor: 4 },
    });
    expect(job?.input).toMatchObject({ source: seedExample.video_url, name: 'raw.mp4' });
    expect(job?.credits_charged).toBe(creditsFor('video', job!.spec));
  });

  it('defaults to the general preset at 2×, and keeps webhook_url for the outbox', async () => {
    const h = harness();
    const id = await create(h, {
      video_url: 'https://cdn.example/v.mov',
      webhook_url: 'https://hooks.example/retroiva',
    });
    const job = await h.backend.get(uuidOf(id));
    expect(job?.spec.options).toEqual({ preset: 'general', upscale_factor: 2 });
    expect(job?.callback_url).toBe('https://hooks.example/retroiva');
  });

  it.each([
    [{}, 'video_url is required'],
    [
      { ...seedExample, preset: 'vhs' },
      'preset must be one of cinematic, social, archive, general (got "vhs")',
    ],
    [{ ...seedExample, upscale_factor: 0 }, 'upscale_factor must be from 1 to 4 (got 0)'],
    [{ ...seedExample, upscale_factor: 8 }, 'upscale_factor must be from 1 to 4 (got 8)'],
    [
      { ...seedExample, upscale_factor: 1.5 },
      'upscale_factor must be an integer from 1 to 4 (got 1.5)',
    ],
    [
      { ...seedExample, webhook_url: 'http://hooks.example/x' },
      'webhook_url must be an https URL (http only for localhost or 127.0.0.1)',
    ],
    [
      { ...seedExample, video_url: 'data:image/png;base64,AAAA' },
      'video_url is a data: URL but not of a video (got "data:image/png;base64,AAAA")',
    ],
    [
      { ...seedExample, video_url: `data:video/mp4;base64,${btoa('not a video, only words')}` },
      'video_url is plain text, not an MP4, MOV or WebM video',
    ],
    [
      {
        ...seedExample,
        video_url: `data:video/mp4;base64,${btoa('\x89PNG\r\n\x1a\n\0\0\0\rIHDR')}`,
      },
      'video_url is a PNG image, not an MP4, MOV or WebM video',
    ],
    [
      { ...seedExample, video_url: 'data:video/webm,%1A%45%DF' },
      'video_url is unrecognized data starting with bytes 1a 45 df, not an MP4, MOV or WebM video',
    ],
  ])('refuses %j with 400 {error: {code, message}}', async (json, message) => {
    const h = harness();
    expect(await h.call('POST', '/v2/enhance', { json })).toEqual({
      status: 400,
      body: { error: { code: 'invalid_request', message } },
    });
    expect(h.store.jobs.size).toBe(0);
  });

  it('takes data: URLs whose bytes are MP4, QuickTime or WebM, base64 or percent-encoded', async () => {
    const ftyp = (brand: string) => `\0\0\0\x18ftyp${brand}\0\0\0\0${brand}mp41`;
    for (const video_url of [
      `data:video/mp4;base64,${btoa(ftyp('isom'))}`,
      `data:video/quicktime;base64,${btoa(ftyp('qt  '))}`,
      'data:video/webm,%1A%45%DF%A3%01%00%00%00',
    ]) {
      const response = await harness().call('POST', '/v2/enhance', { json: { video_url } });
      expect(response.status, video_url).toBe(200);
    }
  });

  it('echoes a data: video_url as a short stand-in in create, get, list, cancel and webhooks', async () => {
    const h = harness();
    const ftyp = '\0\0\0\x18ftypisom\0\0\0\0isommp41';
    const video_url = `data:video/mp4;base64,${btoa(ftyp + '\0'.repeat(3 * 1024 * 1024))}`;
    const created = await h.call('POST', '/v2/enhance', { json: { video_url } });
    const id = String(fields(created).id);
    const answers = [
      created,
      await h.call('GET', `/v2/jobs/${id}`),
      await h.call('GET', '/v2/jobs'),
      await h.call('POST', `/v2/jobs/${id}/cancel`),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body).length).toBeLessThan(1_000);
    }
    expect(fields(answers[1]!).input_url).toBe('data:video/mp4;base64,…(4.0 MB)');
    const job = await h.backend.get(uuidOf(id));
    const payload = await renderVideoJob(job!, h.ctx);
    expect(payload.input_url).toBe('data:video/mp4;base64,…(4.0 MB)');
  });

  it('refuses a non-JSON body with 415', async () => {
    const response = await harness().call('POST', '/v2/enhance', {
      body: 'video_url=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response).toEqual({
      status: 415,
      body: {
        error: {
          code: 'unsupported_media_type',
          message: 'Content-Type must be application/json (got text/plain)',
        },
      },
    });
  });
});

describe('GET /v2/jobs/:id', () => {
  it('answers with progress and eta_seconds, by either id form', async () => {
    const h = harness();
    const id = await create(h);
    h.tick(30_000);
    h.backend.advance(uuidOf(id), 'processing', { progress: 0.45, eta_seconds: 120 });
    for (const given of [id, uuidOf(id)]) {
      expect(fields(await h.call('GET', `/v2/jobs/${given}`))).toMatchObject({
        id,
        status: 'processing',
        progress: 0.45,
        eta_seconds: 120,
      });
    }
    h.tick(90_000);
    h.backend.complete(uuidOf(id));
    expect(fields(await h.call('GET', `/v2/jobs/${id}`))).toMatchObject({
      status: 'completed',
      progress: 1,
      eta_seconds: null,
      completed_at: seconds + 120,
      output_url: expect.stringContaining(`${origin}/files/`),
    });
  });

  it('answers 404 in its error format', async () => {
    const h = harness();
    for (const id of ['job_00000000-0000-4000-8000-0000000000ff', 'job_', 'job_..']) {
      expect(await h.call('GET', `/v2/jobs/${id}`)).toEqual({
        status: 404,
        body: { error: { code: 'not_found', message: 'No such job' } },
      });
    }
  });
});

describe('GET /v2/jobs', () => {
  async function seed(count: number, sameMs: boolean) {
    const h = harness();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(await create(h));
      if (!sameMs || i % 9 === 8) h.tick(1000);
    }
    return { h, newestFirst: ids.reverse() };
  }

  it('pages 20 at a time by default; next_cursor is the last job id shown', async () => {
    const { h, newestFirst } = await seed(25, false);
    const body = fields(await h.call('GET', '/v2/jobs'));
    const data = body.data as { id: string }[];
    expect(data.map((j) => j.id)).toEqual(newestFirst.slice(0, 20));
    expect(body).toMatchObject({ has_more: true, next_cursor: newestFirst[19] });
  });

  it.each([false, true])(
    'walks 45 jobs with has_more/next_cursor, each exactly once (shared ms: %s)',
    async (sameMs) => {
      const { h, newestFirst } = await seed(45, sameMs);
      const seen: string[] = [];
      let query = '?limit=10';
      for (let page = 0; page < 10; page++) {
        const body = fields(await h.call('GET', `/v2/jobs${query}`));
        seen.push(...(body.data as { id: string }[]).map((j) => j.id));
        if (!body.has_more) {
          expect(body.next_cursor).toBeNull();
          break;
        }
        query = `?limit=10&cursor=${String(body.next_cursor)}`;
      }
      expect(seen).toEqual(newestFirst);
    },
  );

  it('takes a bare uuid as the cursor too', async () => {
    const { h, newestFirst } = await seed(3, false);
    const body = fields(await h.call('GET', `/v2/jobs?cursor=${uuidOf(newestFirst[0]!)}`));
    expect((body.data as { id: string }[]).map((j) => j.id)).toEqual(newestFirst.slice(1));
    expect(body).toMatchObject({ has_more: false, next_cursor: null });
  });

  it.each([
    ['limit=0', 'limit must be from 1 to 100 (got 0)'],
    ['limit=101', 'limit must be from 1 to 100 (got 101)'],
    ['cursor=job_nope', 'cursor must be the next_cursor of a previous page (a job id)'],
    ['cursor=..%2F', 'cursor must be the next_cursor of a previous page (a job id)'],
  ])('refuses %s with 400', async (q, message) => {
    expect(await harness().call('GET', `/v2/jobs?${q}`)).toEqual({
      status: 400,
      body: { error: { code: 'invalid_request', message } },
    });
  });
});

describe('GET /v2/jobs/:id/download', () => {
  it('gives a URL signed for 24 hours once the job is completed', async () => {
    const h = harness();
    const id = await create(h);
    h.backend.complete(uuidOf(id));
    h.tick(10_000);
    const response = await h.call('GET', `/v2/jobs/${id}/download`);
    const expires = seconds + 10 + 24 * 3600;
    expect(response).toEqual({
      status: 200,
      body: {
        url: `${origin}/files/${encodeURIComponent(`out:${uuidOf(id)}`)}?expires=${expires}&signature=memory`,
        expires_at: expires,
      },
    });
  });

  it('signs for the URL life Settings gives, in the download and the job alike', async () => {
    const h = harness();
    h.ctx.retention = {
      ...defaultLimits.retention,
      video: { outputDays: null, urlTtlSeconds: 60 },
    };
    const id = await create(h);
    h.backend.complete(uuidOf(id));
    const download = await h.call('GET', `/v2/jobs/${id}/download`);
    expect(download.body).toMatchObject({ expires_at: seconds + 60 });
    const job = await h.call('GET', `/v2/jobs/${id}`);
    expect(String(fields(job).output_url)).toContain(`expires=${seconds + 60}&`);
  });

  it('answers 409 before then, naming the status', async () => {
    const h = harness();
    const id = await create(h);
    expect(await h.call('GET', `/v2/jobs/${id}/download`)).toEqual({
      status: 409,
      body: {
        error: {
          code: 'conflict',
          message: 'Job is queued; the download is ready once it is completed',
        },
      },
    });
    h.backend.advance(uuidOf(id), 'failed', { error: 'corrupt input' });
    expect(fields(await h.call('GET', `/v2/jobs/${id}/download`)).error).toMatchObject({
      message: 'Job is failed; the download is ready once it is completed',
    });
  });
});

describe('POST /v2/jobs/:id/cancel', () => {
  it('stops a queued or processing job, which then reads failed with error "canceled"', async () => {
    const h = harness();
    for (const running of [false, true]) {
      const id = await create(h);
      if (running) h.backend.advance(uuidOf(id), 'processing', { progress: 0.3 });
      const response = await h.call('POST', `/v2/jobs/${id}/cancel`);
      expect(response.status).toBe(200);
      expect(fields(response)).toMatchObject({
        id,
        status: 'failed',
        error: 'canceled',
        completed_at: seconds,
      });
      expect((await h.backend.get(uuidOf(id)))?.status).toBe('canceled');
    }
  });

  it('has no effect on a completed job', async () => {
    const h = harness();
    const id = await create(h);
    const done = h.backend.complete(uuidOf(id));
    h.tick(5000);
    const response = await h.call('POST', `/v2/jobs/${id}/cancel`);
    expect(response.status).toBe(200);
    expect(fields(response)).toMatchObject({ status: 'completed', error: null });
    expect(await h.backend.get(uuidOf(id))).toEqual(done);
  });

  it('answers 404 for an unknown job', async () => {
    expect((await harness().call('POST', '/v2/jobs/job_missing/cancel')).status).toBe(404);
  });
});
