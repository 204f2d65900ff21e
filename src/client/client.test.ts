import { afterEach, describe, expect, it, vi } from 'vitest';
import { Kintsugi, KintsugiError } from './client.ts';

interface Seen {
  method: string;
  url: string;
  auth: string | null;
  type: string | null;
  body: unknown;
}

/** A form's fields, with each file shown as 'blob'. */
function formFields(form: FormData): Record<string, unknown> {
  return Object.fromEntries(
    [...form.entries()].map(([k, v]) => [k, v instanceof Blob ? 'blob' : v]),
  );
}

/** Answers every request with `answer(url)` and records what was sent. */
function stubFetch(answer: (url: string) => { status?: number; body: unknown }) {
  const seen: Seen[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const body =
      init.body instanceof FormData
        ? formFields(init.body)
        : init.body === undefined
          ? undefined
          : JSON.parse(String(init.body));
    seen.push({
      method: init.method ?? 'GET',
      url,
      auth: headers.get('Authorization'),
      type: headers.get('Content-Type'),
      body,
    });
    const { status = 200, body: out } = answer(url);
    return new Response(out instanceof Blob ? out : JSON.stringify(out), { status });
  });
  return seen;
}

afterEach(() => vi.unstubAllGlobals());

describe('Kintsugi.api', () => {
  it('calls each dialect at its own paths with the key', async () => {
    const seen = stubFetch(() => ({ body: { restorations: [], data: [], url: 'u' } }));
    const api = Kintsugi.api('https://app.example/', 'sk_live_x');
    const png = new Blob([new Uint8Array([1])], { type: 'image/png' });
    await api.restorations.create({ image_url: 'https://i.example/a.jpg', preset: 'enhance' });
    await api.restorations.list();
    await api.restorations.get('r 1');
    await api.restorations.delete('r1');
    await api.operations.upload(png, 'a.png');
    await api.operations.create({ input_key: 'k', operations: [{ type: 'enhance' }] });
    await api.operations.get('o1');
    await api.upscale.create(png, { scale: 2 });
    await api.upscale.create(
      { image_url: 'https://i.example/a.jpg' },
      { model: 'wavespeed-ai/real-esrgan' },
    );
    await api.upscale.list({ status: 'completed', limit: 5 });
    await api.upscale.get('u1');
    await api.video.create({ video_url: 'https://v.example/a.mp4' });
    await api.video.list();
    await api.video.get('job_1');
    await api.video.cancel('job_1');
    expect(await api.video.downloadUrl('job_1')).toBe('u');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST https://app.example/api/v1/restorations',
      'GET https://app.example/api/v1/restorations',
      'GET https://app.example/api/v1/restorations/r%201',
      'DELETE https://app.example/api/v1/restorations/r1',
      'POST https://app.example/api/v1/upload/api',
      'POST https://app.example/api/v1/jobs/api',
      'GET https://app.example/api/v1/jobs/api/o1',
      'POST https://app.example/v1/jobs',
      'POST https://app.example/v1/jobs',
      'GET https://app.example/v1/jobs?status=completed&limit=5',
      'GET https://app.example/v1/jobs/u1',
      'POST https://app.example/v2/enhance',
      'GET https://app.example/v2/jobs',
      'GET https://app.example/v2/jobs/job_1',
      'POST https://app.example/v2/jobs/job_1/cancel',
      'GET https://app.example/v2/jobs/job_1/download',
    ]);
    expect(seen.every((s) => s.auth === 'Bearer sk_live_x')).toBe(true);
    expect(seen[0]).toMatchObject({
      type: 'application/json',
      body: { image_url: 'https://i.example/a.jpg', preset: 'enhance' },
    });
    expect(seen[4]!.body).toEqual({ file: 'blob' });
    expect(seen[7]!.body).toEqual({ image: 'blob', scale: '2' });
    expect(seen[8]!.body).toEqual({
      image_url: 'https://i.example/a.jpg',
      model: 'wavespeed-ai/real-esrgan',
    });
  });

  it("turns each dialect's error body into a KintsugiError with the status", async () => {
    const bodies: Record<string, unknown> = {
      '/api/v1/restorations/x': { error: 'Restoration not found' },
      '/api/v1/jobs/api/x': { detail: 'Job not found' },
      '/v2/jobs/x': { error: { code: 'not_found', message: 'No such job' } },
    };
    stubFetch((url) => ({ status: 404, body: bodies[new URL(url).pathname] }));
    const api = Kintsugi.api('https://app.example', 'k');
    const failures = await Promise.all(
      [api.restorations.get('x'), api.operations.get('x'), api.video.get('x')].map((p) =>
        p.then(
          () => null,
          (e: KintsugiError) => [e.name, e.status, e.message],
        ),
      ),
    );
    expect(failures).toEqual([
      ['KintsugiError', 404, 'Restoration not found'],
      ['KintsugiError', 404, 'Job not found'],
      ['KintsugiError', 404, 'No such job'],
    ]);
  });

  it('waits until a job leaves its pending states, and downloads its output', async () => {
    const states = ['analyzing', 'processing', 'complete'];
    stubFetch((url) =>
      url.endsWith('/out.png')
        ? { body: new Blob(['png!']) }
        : { body: { id: 'r', status: states.shift(), output_url: 'https://app.example/out.png' } },
    );
    const api = Kintsugi.api('https://app.example', 'k');
    const done = await api.wait(() => api.restorations.get('r'), { intervalMs: 1 });
    expect(done.status).toBe('complete');
    expect(await (await api.restorations.download('r')).text()).toBe('png!');
  });
});
