import { describe, expect, it } from 'vitest';
import { type OperationMeta, ParamError, resolveParams } from '@/ops/operation.ts';
import { operationMetas } from '@/ops/registry.ts';
import { creditsFor } from './credits.ts';
import { restorations } from './restorations.ts';
import { maxOperations, operationsDialect, seedOperations } from './operations.ts';
import { type Harness, fields, file, harness, origin, samples, start } from './test-support.ts';

/** The engine's own message for bad params: the dialect must pass it through unchanged. */
function paramError(name: string, params: Record<string, unknown>): string {
  try {
    resolveParams(operationMetas[name]!, params);
  } catch (e) {
    if (e instanceof ParamError) return e.message;
  }
  throw new Error(`${name} accepted ${JSON.stringify(params)}`);
}

const uploadPath = '/api/v1/upload/api';
const jobsPath = '/api/v1/jobs/api';

function form(entries: Record<string, string | File>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(entries)) data.append(key, value);
  return data;
}

async function upload(h: Harness, bytes = samples.jpeg, name = 'image.jpg'): Promise<string> {
  const response = await h.call('POST', uploadPath, { body: form({ file: file(bytes, name) }) });
  expect(response.status).toBe(200);
  return String(fields(response).storage_key);
}

/** The seed's job request, exactly as its curl example writes it. */
const seedJob = (input_key: string) => ({
  input_key,
  operations: [{ type: 'enhance', params: { scale: 2 } }],
});

describe('POST /api/v1/upload/api', () => {
  it('stores the seed’s `-F file=@image.jpg` and answers its four fields', async () => {
    const h = harness();
    const response = await h.call('POST', uploadPath, {
      body: form({ file: file(samples.jpeg, 'image.jpg', 'image/jpeg') }),
      headers: { Authorization: 'Bearer sk_live_YOUR_API_KEY' },
    });
    expect(response.status).toBe(200);
    expect(Object.keys(fields(response))).toEqual([
      'storage_key',
      'filename',
      'size',
      'content_type',
    ]);
    expect(response.body).toEqual({
      storage_key: expect.stringMatching(/^uploads\/key-a\/.+\.jpg$/),
      filename: 'image.jpg',
      size: samples.jpeg.length,
      content_type: 'image/jpeg',
    });
  });

  it.each([
    ['jpeg', 'image/jpeg'],
    ['png', 'image/png'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
    ['tiffLE', 'image/tiff'],
    ['bmp', 'image/bmp'],
    ['avif', 'image/avif'],
    ['heic', 'image/heic'],
  ] as const)('takes %s by its bytes, whatever the client declared', async (name, type) => {
    const h = harness();
    const response = await h.call('POST', uploadPath, {
      body: form({ file: file(samples[name], 'photo.jpg', 'image/jpeg') }),
    });
    expect(fields(response).content_type).toBe(type);
  });

  it('refuses a file that is not an image, saying what it is', async () => {
    const h = harness();
    const response = await h.call('POST', uploadPath, {
      body: form({ file: file(samples.pdf, 'scan.jpg', 'image/jpeg') }),
    });
    expect(response).toEqual({
      status: 400,
      body: {
        detail: 'file must be JPEG, PNG, WebP, GIF, TIFF, BMP, AVIF or HEIC (found a PDF document)',
      },
    });
    expect(h.store.uploads.size).toBe(0);
  });

  it.each([
    [
      form({ image: file(samples.jpeg, 'a.jpg') }),
      400,
      'file is required: send the image as the multipart field "file"',
    ],
    [form({ file: 'not a file' }), 400, 'file must be a file, not a text field'],
    [form({ file: file(new Uint8Array(), 'a.jpg') }), 400, 'file is empty'],
  ])('refuses a bad form (%#)', async (body, status, detail) => {
    expect(await harness().call('POST', uploadPath, { body })).toEqual({
      status,
      body: { detail },
    });
  });

  it('refuses a file over 50 MB with 413', async () => {
    const big = new Uint8Array(50 * 1024 * 1024 + 1);
    big.set(samples.jpeg);
    const response = await harness().call('POST', uploadPath, {
      body: form({ file: file(big, 'big.jpg') }),
    });
    expect(response).toEqual({
      status: 413,
      body: { detail: 'file is 50.0 MB; the limit is 50 MB' },
    });
  });

  it('refuses a body that is not multipart with 415, and a broken one with 400', async () => {
    const h = harness();
    expect(await h.call('POST', uploadPath, { json: { file: 'x' } })).toEqual({
      status: 415,
      body: { detail: 'Content-Type must be multipart/form-data (got application/json)' },
    });
    expect(
      await h.call('POST', uploadPath, {
        body: '--xyz\r\nnot really multipart',
        headers: { 'content-type': 'multipart/form-data; boundary=abc' },
      }),
    ).toEqual({
      status: 400,
      body: { detail: 'the multipart/form-data body could not be parsed' },
    });
  });

  it('keeps only the base name of a file sent with its path', async () => {
    const h = harness();
    const response = await h.call('POST', uploadPath, {
      body: form({ file: file(samples.png, 'C:\\Users\\me\\scan.png') }),
    });
    expect(fields(response).filename).toBe('scan.png');
  });
});

describe('POST /api/v1/jobs/api', () => {
  it('accepts the seed’s example and answers with the job as GET shows it', async () => {
    const h = harness();
    const key = await upload(h);
    const response = await h.call('POST', jobsPath, {
      body: `{
    "input_key": "${key}",
    "operations": [
      {"type": "enhance", "params": {"scale": 2}}
    ]
  }`,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(Object.keys(fields(response))).toEqual([
      'id',
      'status',
      'input_url',
      'output_url',
      'error_message',
      'created_at',
      'updated_at',
    ]);
    const iso = new Date(start).toISOString();
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'queued',
      input_url: `${origin}/files/${key}`,
      output_url: null,
      error_message: null,
      created_at: iso,
      updated_at: iso,
    });
    const job = await h.backend.get(String(fields(response).id));
    expect(job?.spec.operations).toEqual([
      { type: 'enhance', params: { scale: 2, model: 'auto' } },
    ]);
    expect(job?.input).toMatchObject({ source: key, name: 'image.jpg' });
    expect(job?.credits_charged).toBe(creditsFor('operations', job!.spec));
  });

  it('runs the seed’s complete example: upload, create, poll until completed', async () => {
    const h = harness();
    const key = await upload(h);
    const id = String(fields(await h.call('POST', jobsPath, { json: seedJob(key) })).id);
    const poll = async () => fields(await h.call('GET', `${jobsPath}/${id}`));
    expect((await poll()).status).toBe('queued');
    h.tick(1000);
    h.backend.advance(id, 'processing');
    expect((await poll()).status).toBe('processing');
    h.tick(14_000);
    h.backend.complete(id);
    expect(await poll()).toMatchObject({
      status: 'completed',
      output_url: expect.stringMatching(new RegExp(`^${origin}/files/`)),
      error_message: null,
      updated_at: new Date(start + 15_000).toISOString(),
    });
  });

  it.each([
    [{ operations: [] }, 'input_key is required'],
    [{ input_key: 'k' }, 'operations is required'],
    [{ input_key: 'k', operations: { type: 'enhance' } }, 'operations must be an array'],
    [{ input_key: 'k', operations: [] }, 'operations must not be empty'],
    [
      { input_key: 'k', operations: Array(11).fill({ type: 'enhance', params: { scale: 2 } }) },
      `operations has 11 items; at most ${maxOperations} are allowed`,
    ],
    [{ input_key: 'k', operations: ['enhance'] }, 'operations[0] must be an object {type, params}'],
    [{ input_key: 'k', operations: [{ params: {} }] }, 'operations[0].type must be a string'],
    [
      { input_key: 'k', operations: [{ type: 'sharpen' }] },
      `operations[0].type "sharpen" is not an operation; use one of ${seedOperations.join(', ')}`,
    ],
    [
      { input_key: 'k', operations: [{ type: 'enhance', params: [2] }] },
      'operations[0].params must be an object',
    ],
    [
      { input_key: 'k', operations: [{ type: 'enhance', params: { scale: 16 } }] },
      `operations[0]: ${paramError('enhance', { scale: 16 })}`,
    ],
    [
      { input_key: 'k', operations: [{ type: 'enhance', params: { scale: '2' } }] },
      'operations[0]: enhance.scale must be a number',
    ],
    [
      { input_key: 'k', operations: [{ type: 'enhance', params: {} }] },
      'operations[0]: enhance needs the parameter "scale"',
    ],
    [
      {
        input_key: 'k',
        operations: [
          { type: 'enhance', params: { scale: 2 } },
          { type: 'enhance', params: { scale: 2, strength: 1 } },
        ],
      },
      'operations[1]: enhance has no parameter "strength"',
    ],
    [
      {
        input_key: 'uploads/nobody/x.jpg',
        operations: [{ type: 'enhance', params: { scale: 2 } }],
      },
      'input_key "uploads/nobody/x.jpg" is not an upload of this API key; upload the image to /api/v1/upload/api first',
    ],
  ])('refuses %j with 400 and a FastAPI detail', async (json, detail) => {
    const h = harness();
    expect(await h.call('POST', jobsPath, { json })).toEqual({ status: 400, body: { detail } });
    expect(h.store.jobs.size).toBe(0);
  });

  it('refuses a seed operation this build has no meta for, saying so', async () => {
    const h = harness([operationsDialect({ enhance: operationMetas.enhance! })]);
    const json = { input_key: 'k', operations: [{ type: 'denoise' }] };
    expect(await h.call('POST', jobsPath, { json })).toEqual({
      status: 400,
      body: { detail: 'operation denoise is not available in this version of Kintsugi' },
    });
  });

  it('judges a colorization request by what the device has installed, read for that request', async () => {
    const colorize = {
      type: 'restore-old-photo',
      params: { enable_colorization: true },
    };
    const h = harness();
    const key = await upload(h);
    const json = { input_key: key, operations: [colorize] };
    // Read per request: a service worker woken from stopped knows what an earlier one installed.
    let reads = 0;
    let operations = new Set(['enhance', 'colorize']);
    h.ctx.installed = async () => (reads++, { operations });
    expect((await h.call('POST', jobsPath, { json })).status).toBe(200);
    operations = new Set(['enhance']);
    const refused = await h.call('POST', jobsPath, { json });
    expect(refused.status).toBe(400);
    expect(String(fields(refused).detail)).toMatch(/needs a colorization model/);
    expect(reads).toBe(2);
    // Painted hints need no model.
    const hinted = {
      ...colorize,
      params: { ...colorize.params, color_hints_data_url: 'data:image/png;base64,iVBORw0KGgo=' },
    };
    expect(
      (await h.call('POST', jobsPath, { json: { input_key: key, operations: [hinted] } })).status,
    ).toBe(200);
  });

  it('refuses another API key’s upload', async () => {
    const h = harness();
    const key = await upload(h);
    const response = await h.call('POST', jobsPath, { json: seedJob(key), apiKeyId: 'key-b' });
    expect(response.status).toBe(400);
  });

  it('takes a seed operation once this build has its meta, filling its defaults', async () => {
    const denoise: OperationMeta = {
      name: 'denoise',
      label: 'Denoise',
      description: 'Remove noise and JPEG artifacts.',
      params: {
        enhancement_level: {
          type: 'number',
          label: 'Strength',
          help: 'How much noise to remove.',
          default: 0.5,
          min: 0,
          max: 1,
        },
      },
      models: [],
      tag: () => 'denoise',
    };
    const h = harness([operationsDialect({ ...operationMetas, denoise })]);
    const key = await upload(h);
    const response = await h.call('POST', jobsPath, {
      json: {
        input_key: key,
        operations: [{ type: 'denoise' }, { type: 'enhance', params: { scale: 4 } }],
      },
    });
    expect(response.status).toBe(200);
    const job = await h.backend.get(String(fields(response).id));
    expect(job?.spec.operations).toEqual([
      { type: 'denoise', params: { enhancement_level: 0.5 } },
      { type: 'enhance', params: { scale: 4, model: 'auto' } },
    ]);
    const out = await h.call('POST', jobsPath, {
      json: { input_key: key, operations: [{ type: 'denoise', params: { enhancement_level: 2 } }] },
    });
    expect(out).toEqual({
      status: 400,
      body: { detail: 'operations[0]: denoise.enhancement_level must be between 0 and 1' },
    });
  });
});

describe('GET /api/v1/jobs/api/:id', () => {
  it('reads failed, with the reason, for failed, canceled and expired jobs', async () => {
    const h = harness();
    const key = await upload(h);
    const create = async () =>
      String(fields(await h.call('POST', jobsPath, { json: seedJob(key) })).id);
    const get = async (id: string) => fields(await h.call('GET', `${jobsPath}/${id}`));

    const failed = await create();
    h.backend.advance(failed, 'failed', { error: 'The image could not be decoded' });
    expect(await get(failed)).toMatchObject({
      status: 'failed',
      error_message: 'The image could not be decoded',
      output_url: null,
    });
    const canceled = await create();
    await h.backend.cancel(canceled);
    expect(await get(canceled)).toMatchObject({ status: 'failed', error_message: 'canceled' });
    const expired = await create();
    h.backend.complete(expired);
    h.backend.advance(expired, 'expired');
    expect(await get(expired)).toMatchObject({
      status: 'failed',
      error_message: expect.stringMatching(/^expired/),
      output_url: null,
    });
  });

  it('answers 404 for an unknown id or another dialect’s job', async () => {
    const h = harness([restorations, operationsDialect()]);
    const other = fields(
      await h.call('POST', '/api/v1/restorations', {
        json: { image_url: 'https://a.example/a.jpg' },
      }),
    );
    for (const id of ['00000000-0000-4000-8000-0000000000ff', String(other.id)]) {
      expect(await h.call('GET', `${jobsPath}/${id}`)).toEqual({
        status: 404,
        body: { detail: 'Job not found' },
      });
    }
    const traversal = await h.call('GET', `${jobsPath}/a%2F..%2Fb`);
    expect(traversal.status).toBe(404);
    expect(fields(traversal).detail).toMatch(/^Not found/);
  });
});
