import { describe, expect, it } from 'vitest';
import { type Job, createJob, transition } from '@/jobs/job.ts';
import {
  type DeliveryAttempt,
  type OutboxRecord,
  type RenderedRestoration,
  type RenderedVideoJob,
  backoffSchedule,
  createDelivery,
  deliveryPolicies,
  nextAttempt,
  proportionalJitter,
  restorationsWebhook,
  signWebhook,
  signatureHeader,
  verifyWebhook,
  videoWebhook,
} from './webhooks.ts';

// node:crypto is the reference WebCrypto is checked against. tsconfig.json types the browser,
// not Node, so the module is loaded untyped and given the little type these tests use.
interface NodeCrypto {
  createHmac(
    algorithm: 'sha256',
    key: string,
  ): { update(data: string): { digest(as: 'hex'): string } };
}
const { createHmac } = (await import('node:crypto' as string)) as NodeCrypto;

const secret = 'whsec_3kTz9QpLm2VnX8rYb4WcD7eFg1HjK5sA6uN0oPqRtUv';
const t0 = Date.UTC(2026, 2, 27, 12);
const identity = (ms: number) => ms;

function job(dialect: Job['dialect'], status: Job['status'], callback: string | null): Job {
  let j = createJob({
    id: 'a1b2c3d4',
    dialect,
    spec: { operations: [{ type: 'enhance', params: { scale: 2 } }] },
    input: { key: 'in:a1b2c3d4', name: 'grandma-1952.jpg', type: 'image/jpeg', bytes: 10 },
    now: t0,
    callback_url: callback,
    api_key_id: 'key-1',
    credits_charged: 2,
  });
  if (status === 'queued') return j;
  if (status === 'canceled') return transition(j, 'canceled', {}, t0 + 1);
  j = transition(j, 'processing', {}, t0 + 1);
  if (status === 'processing') return j;
  return transition(j, status === 'failed' ? 'failed' : 'completed', {}, t0 + 2);
}

const rendered: RenderedRestoration & { remove_frame: boolean } = {
  id: 'a1b2c3d4',
  status: 'complete',
  preset: 'enhance',
  resolution: '2k',
  credits_charged: 2,
  output_url: 'http://127.0.0.1:4173/files/a1b2c3d4/out.png?expires=1&sig=x',
  created_at: '2026-03-27T12:00:00.000Z',
  expires_at: '2026-06-25T12:00:00.000Z',
  remove_frame: false,
};

describe('signWebhook', () => {
  it.each([
    ['{"id":"a1b2c3d4","status":"complete"}'],
    [''],
    ['{"note":"Großmutter 1952 — 修复 📷"}'],
  ])('equals Node createHmac(sha256).digest(hex) for %j', async (body) => {
    const expected = createHmac('sha256', secret).update(body).digest('hex');
    expect(await signWebhook(secret, body)).toBe(expected);
    expect(await signWebhook(secret, new TextEncoder().encode(body))).toBe(expected);
  });

  it('depends on the secret and the body', async () => {
    const body = '{"a":1}';
    const sig = await signWebhook(secret, body);
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(await signWebhook(secret + 'x', body)).not.toBe(sig);
    expect(await signWebhook(secret, '{"a":2}')).not.toBe(sig);
  });

  it('verifies its own signature in constant time and refuses others', async () => {
    const sig = await signWebhook(secret, 'body');
    expect(await verifyWebhook(secret, 'body', sig)).toBe(true);
    expect(await verifyWebhook(secret, 'body', sig.toUpperCase())).toBe(true);
    expect(await verifyWebhook(secret, 'body!', sig)).toBe(false);
    expect(await verifyWebhook(secret, 'body', sig.slice(0, -2))).toBe(false);
    expect(await verifyWebhook(secret, 'body', 'not hex')).toBe(false);
  });
});

describe('the seed verification snippet', () => {
  // Retroiva's snippet, as a receiver on Express with express.json() runs it: the body arrives
  // parsed, is re-serialised with JSON.stringify, and hashed with the secret from the env.
  function seedVerify(headers: Headers, rawBody: string, webhookSecret: string): boolean {
    const req = { headers: { 'x-retroiva-signature': headers.get('x-retroiva-signature') } };
    const parsed: unknown = JSON.parse(rawBody);
    const hash = createHmac('sha256', webhookSecret).update(JSON.stringify(parsed)).digest('hex');
    return req.headers['x-retroiva-signature'] === hash;
  }

  it('accepts what the outbox sends, for both dialects', async () => {
    const restoration = job('restorations', 'completed', 'https://yourapp.com/hook');
    const video = job('video', 'failed', 'https://yourapp.com/hook');
    const sends = [
      { job: restoration, webhook: restorationsWebhook(restoration, rendered) },
      {
        job: video,
        webhook: videoWebhook(video, {
          id: 'job_a1b2c3d4',
          status: 'failed',
          input_url: 'https://s3.amazonaws.com/my-bucket/raw.mp4',
          output_url: null,
          created_at: 1698220000,
          completed_at: 1698220100,
          error: 'Corrupt input: no video track — «raw.mp4»',
        }),
      },
    ];
    for (const send of sends) {
      if (!send.webhook) throw new Error('expected a webhook');
      const record = await createDelivery({
        id: 'd1',
        ...send,
        webhook: send.webhook,
        secret,
        now: t0,
      });
      expect(seedVerify(new Headers(record.headers), record.body, secret)).toBe(true);
      expect(seedVerify(new Headers(record.headers), record.body, 'whsec_other')).toBe(false);
    }
  });
});

describe('restorationsWebhook', () => {
  it('sends the seed payload fields, in its order, on complete', () => {
    const hook = restorationsWebhook(
      job('restorations', 'completed', 'https://yourapp.com/webhooks/picrenew'),
      rendered,
    );
    expect(hook?.url).toBe('https://yourapp.com/webhooks/picrenew');
    expect(hook?.event).toBe('complete');
    expect(JSON.stringify(hook?.payload)).toBe(
      JSON.stringify({
        id: 'a1b2c3d4',
        status: 'complete',
        output_url: rendered.output_url,
        credits_charged: 2,
        preset: 'enhance',
        resolution: '2k',
        created_at: '2026-03-27T12:00:00.000Z',
        expires_at: '2026-06-25T12:00:00.000Z',
      }),
    );
  });

  it('says failed for a failed job', () => {
    const hook = restorationsWebhook(job('restorations', 'failed', 'https://h.example'), {
      ...rendered,
      status: 'failed',
      output_url: null,
    });
    expect(hook?.payload).toMatchObject({ status: 'failed', output_url: null });
  });

  it('sends nothing before a terminal state, for a canceled job, or without a callback_url', () => {
    expect(restorationsWebhook(job('restorations', 'queued', 'https://h.example'), rendered)).toBe(
      null,
    );
    expect(
      restorationsWebhook(job('restorations', 'processing', 'https://h.example'), rendered),
    ).toBe(null);
    expect(
      restorationsWebhook(job('restorations', 'canceled', 'https://h.example'), rendered),
    ).toBe(null);
    expect(restorationsWebhook(job('restorations', 'completed', null), rendered)).toBe(null);
  });
});

describe('videoWebhook', () => {
  const object: RenderedVideoJob = { id: 'job_1', status: 'completed', output_url: null };

  it('wraps the Job Object in { event, data }', () => {
    const done = videoWebhook(job('video', 'completed', 'https://h.example'), object);
    expect(done?.payload).toEqual({ event: 'job.completed', data: object });
    const failed = videoWebhook(job('video', 'failed', 'https://h.example'), object);
    expect(failed?.event).toBe('job.failed');
  });

  it('sends nothing for a running or canceled job, or without a webhook_url', () => {
    expect(videoWebhook(job('video', 'processing', 'https://h.example'), object)).toBe(null);
    expect(videoWebhook(job('video', 'canceled', 'https://h.example'), object)).toBe(null);
    expect(videoWebhook(job('video', 'completed', null), object)).toBe(null);
  });
});

describe('delivery policy', () => {
  it('is 1 + 3 attempts for restorations and 1 + 5 for video, 10 s each', () => {
    expect(deliveryPolicies.restorations).toMatchObject({ maxAttempts: 4, timeoutMs: 10_000 });
    expect(deliveryPolicies.video).toMatchObject({ maxAttempts: 6, timeoutMs: 10_000 });
  });

  it('backs off exponentially from 2 s', () => {
    expect(backoffSchedule(deliveryPolicies.restorations)).toEqual([2000, 4000, 8000]);
    expect(backoffSchedule(deliveryPolicies.video)).toEqual([2000, 4000, 8000, 16000, 32000]);
  });

  it('jitters by at most 20 % either way', () => {
    for (let i = 0; i < 1000; i++) {
      const d = proportionalJitter(10_000);
      expect(d).toBeGreaterThanOrEqual(8000);
      expect(d).toBeLessThanOrEqual(12_000);
    }
  });
});

describe('nextAttempt', () => {
  async function pending(dialect: 'restorations' | 'video'): Promise<OutboxRecord> {
    const j = job(dialect, 'completed', 'https://h.example/hook');
    const webhook =
      dialect === 'restorations'
        ? restorationsWebhook(j, rendered)
        : videoWebhook(j, { id: 'job_1', status: 'completed' });
    if (!webhook) throw new Error('expected a webhook');
    return createDelivery({ id: 'd1', job: j, webhook, secret, now: t0 });
  }

  const failedWith = (at: number, status: number | null): DeliveryAttempt => ({
    at,
    duration_ms: 120,
    status,
    error: status === null ? 'timed out after 10 s' : null,
  });

  it('starts pending, due now, signed, with nothing tried', async () => {
    const record = await pending('restorations');
    expect(record).toMatchObject({
      state: 'pending',
      next_at: t0,
      attempts: [],
      max_attempts: 4,
      timeout_ms: 10_000,
      url: 'https://h.example/hook',
      job_id: 'a1b2c3d4',
      api_key_id: 'key-1',
      event: 'complete',
    });
    expect(record.headers[signatureHeader]).toBe(
      createHmac('sha256', secret).update(record.body).digest('hex'),
    );
    expect(record.headers['Content-Type']).toBe('application/json');
  });

  it('is delivered on any 2xx', async () => {
    for (const status of [200, 202, 204, 299]) {
      const done = nextAttempt(await pending('video'), failedWith(t0, status), t0 + 200, identity);
      expect(done).toMatchObject({ state: 'delivered', next_at: null, updated_at: t0 + 200 });
      expect(done.attempts).toEqual([failedWith(t0, status)]);
    }
  });

  it('retries on non-2xx and network errors, then fails after the last attempt', async () => {
    let record = await pending('restorations');
    const outcomes = [500, null, 301, 404];
    const nextAts: (number | null)[] = [];
    let now = t0;
    for (const status of outcomes) {
      now += 1000;
      record = nextAttempt(record, failedWith(now - 120, status), now, identity);
      nextAts.push(record.next_at);
      if (record.state === 'pending' && record.next_at !== null) now = record.next_at;
    }
    expect(record.state).toBe('failed');
    expect(nextAts).toEqual([t0 + 1000 + 2000, t0 + 4000 + 4000, t0 + 9000 + 8000, null]);
    expect(record.attempts.map((a) => [a.status, a.error])).toEqual([
      [500, null],
      [null, 'timed out after 10 s'],
      [301, null],
      [404, null],
    ]);
    expect(record.attempts.every((a) => a.duration_ms === 120)).toBe(true);
  });

  it('gives video five retries', async () => {
    let record = await pending('video');
    let attempts = 0;
    while (record.state === 'pending') {
      record = nextAttempt(record, failedWith(t0, 503), t0, identity);
      attempts++;
    }
    expect(attempts).toBe(6);
    expect(record.state).toBe('failed');
  });

  it('applies the injected jitter, never scheduling in the past', async () => {
    const record = await pending('video');
    expect(nextAttempt(record, failedWith(t0, 500), t0, (ms) => ms * 1.5).next_at).toBe(t0 + 3000);
    expect(nextAttempt(record, failedWith(t0, 500), t0, () => -50).next_at).toBe(t0);
  });

  it('leaves a finished record alone', async () => {
    const done = nextAttempt(await pending('video'), failedWith(t0, 200), t0, identity);
    expect(nextAttempt(done, failedWith(t0 + 5, 500), t0 + 10, identity)).toBe(done);
  });
});
