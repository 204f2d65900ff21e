/**
 * Webhooks: the payload each dialect sends, its signature, and the retry policy of the outbox
 * that delivers it.
 *
 * Only two seeds have webhooks: restorations (`callback_url`, on complete or failed) and video
 * (`webhook_url`, events job.completed and job.failed). The upscale and operations seeds have no
 * webhook or callback field at all, so those dialects send none. A canceled job sends none either:
 * neither seed names an event for it.
 *
 * Every body is signed the one way a seed documents: lower-case hex HMAC-SHA256 of the raw body
 * under the key's webhook secret, in `X-Retroiva-Signature`. PicRenew documents no signature, so
 * restorations reuses Retroiva's; a receiver that ignores the header loses nothing.
 *
 * Delivery runs from the browser, so the receiver must answer CORS (a preflight, because of the
 * JSON content type and the signature header). One that does not shows up in the attempt log as
 * a network error: a `no-cors` request could not carry the signature nor report the status.
 */
import type { Job } from '@/jobs/job.ts';
import { copyBytes, fromHex, timingSafeEqual, toHex } from './keys.ts';

export type WebhookDialect = 'restorations' | 'video';

export const signatureHeader = 'X-Retroiva-Signature';

/** Lower-case hex HMAC-SHA256 of the body, keyed by the secret's UTF-8 bytes (prefix and all). */
export async function signWebhook(secret: string, rawBody: string | Uint8Array): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : copyBytes(rawBody);
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, body)));
}

/** What a receiver does with `signatureHeader`, in constant time; used by our own tests. */
export async function verifyWebhook(
  secret: string,
  rawBody: string | Uint8Array,
  signature: string,
): Promise<boolean> {
  const given = fromHex(signature.trim().toLowerCase());
  const expected = fromHex(await signWebhook(secret, rawBody));
  return given !== null && expected !== null && timingSafeEqual(given, expected);
}

/** The restorations payload, field for field as the seed shows it. */
export interface RestorationPayload {
  id: string;
  status: 'complete' | 'failed';
  output_url: string | null;
  credits_charged: number;
  preset: string;
  resolution: string;
  created_at: string;
  expires_at: string | null;
}

/** The restorations dialect's rendering of a job (it may hold more fields than the payload). */
export type RenderedRestoration = Omit<RestorationPayload, 'status'> & { status: string };

/** The video dialect's Job Object as its GET answers it (id, status, input_url, output_url, …). */
export interface RenderedVideoJob {
  id: string;
  status: string;
  [field: string]: unknown;
}

export type VideoEvent = 'job.completed' | 'job.failed';

/**
 * The seed names the events but shows no body. `{ event, data }` carries the event name and the
 * documented Job Object unchanged, so a receiver parses it with the code it polls with. One job
 * fires at most one event, so (data.id, event) is already unique for deduplicating retries.
 */
export interface VideoPayload {
  event: VideoEvent;
  data: RenderedVideoJob;
}

export interface Webhook<P> {
  dialect: WebhookDialect;
  /** The restorations status word, or the video event name: what the outbox list shows. */
  event: string;
  url: string;
  payload: P;
}

/** The restorations webhook for a job in a terminal state with a callback_url, else null. */
export function restorationsWebhook(
  job: Job,
  rendered: RenderedRestoration,
): Webhook<RestorationPayload> | null {
  const status =
    job.status === 'completed' ? 'complete' : job.status === 'failed' ? 'failed' : null;
  if (status === null || job.callback_url === null) return null;
  // Picked one by one, in the seed's order: other rendered fields are not part of the payload.
  const payload: RestorationPayload = {
    id: rendered.id,
    status,
    output_url: rendered.output_url,
    credits_charged: rendered.credits_charged,
    preset: rendered.preset,
    resolution: rendered.resolution,
    created_at: rendered.created_at,
    expires_at: rendered.expires_at,
  };
  return { dialect: 'restorations', event: status, url: job.callback_url, payload };
}

/** The video webhook for a completed or failed job with a webhook_url, else null. */
export function videoWebhook(job: Job, rendered: RenderedVideoJob): Webhook<VideoPayload> | null {
  const event: VideoEvent | null =
    job.status === 'completed' ? 'job.completed' : job.status === 'failed' ? 'job.failed' : null;
  if (event === null || job.callback_url === null) return null;
  return { dialect: 'video', event, url: job.callback_url, payload: { event, data: rendered } };
}

export interface DeliveryPolicy {
  /** The first send and every retry. */
  maxAttempts: number;
  /** Each attempt is aborted after this long and logged as a network error. */
  timeoutMs: number;
  /** Wait before the first retry; each later retry waits twice the one before. */
  backoffBaseMs: number;
}

export const deliveryPolicies: Readonly<Record<WebhookDialect, DeliveryPolicy>> = {
  // Seed: 10-second timeout, "retries up to 3 times with exponential backoff".
  restorations: { maxAttempts: 4, timeoutMs: 10_000, backoffBaseMs: 2_000 },
  // Seed: "retry failed webhooks up to 5 times with exponential backoff"; timeout silent, so
  // restorations' 10 s.
  video: { maxAttempts: 6, timeoutMs: 10_000, backoffBaseMs: 2_000 },
};
// The base of 2 s is ours (both seeds are silent): a browser may close the app any minute, so
// retries are bunched into its first minute (2, 4, 8, 16, 32 s) rather than spread over hours.
// A delivery still pending when the app closes is picked up from the outbox on the next start.

/** The wait before retry `retry` (1-based), without jitter. */
export function backoffDelayMs(policy: DeliveryPolicy, retry: number): number {
  return policy.backoffBaseMs * 2 ** (retry - 1);
}

/** The waits before each retry the policy allows, for the UI to show. */
export function backoffSchedule(policy: DeliveryPolicy): number[] {
  return Array.from({ length: policy.maxAttempts - 1 }, (_, i) => backoffDelayMs(policy, i + 1));
}

/** Turns a computed wait into the one used; tests pass the identity. */
export type Jitter = (delayMs: number) => number;

/**
 * ±20 %: deliveries that failed together (a receiver down) come back spread out, not as a burst
 * at the moment it recovers.
 */
export const proportionalJitter: Jitter = (delayMs) =>
  Math.round(delayMs * (0.8 + 0.4 * Math.random()));

export interface DeliveryAttempt {
  /** Unix ms when the request was sent. */
  at: number;
  duration_ms: number;
  /** The HTTP status, or null when there was none (network error, CORS refusal, timeout). */
  status: number | null;
  /** What went wrong when there was no status, e.g. "timed out after 10 s". */
  error: string | null;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** One webhook in the persistent outbox: what to send, and everything that happened so far. */
export interface OutboxRecord {
  id: string;
  job_id: string;
  api_key_id: string | null;
  dialect: WebhookDialect;
  event: string;
  url: string;
  /** The exact bytes that were signed; every attempt sends these, so the signature stays true. */
  body: string;
  /** Content-Type and the signature, as sent. */
  headers: Record<string, string>;
  state: DeliveryState;
  attempts: DeliveryAttempt[];
  max_attempts: number;
  timeout_ms: number;
  /** When the next attempt is due (Unix ms); null once delivered or failed. */
  next_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface NewDelivery {
  id: string;
  job: Job;
  webhook: Webhook<unknown>;
  /** The webhook secret of the key that created the job. */
  secret: string;
  now: number;
}

/**
 * A pending outbox record, due now. The body is `JSON.stringify(payload)` exactly: the seed's
 * verification snippet re-serialises the parsed body with JSON.stringify before hashing, and
 * only that serialisation survives a parse and re-stringify byte for byte.
 */
export async function createDelivery(n: NewDelivery): Promise<OutboxRecord> {
  const policy = deliveryPolicies[n.webhook.dialect];
  const body = JSON.stringify(n.webhook.payload);
  return {
    id: n.id,
    job_id: n.job.id,
    api_key_id: n.job.api_key_id,
    dialect: n.webhook.dialect,
    event: n.webhook.event,
    url: n.webhook.url,
    body,
    headers: {
      'Content-Type': 'application/json',
      [signatureHeader]: await signWebhook(n.secret, body),
    },
    state: 'pending',
    attempts: [],
    max_attempts: policy.maxAttempts,
    timeout_ms: policy.timeoutMs,
    next_at: n.now,
    created_at: n.now,
    updated_at: n.now,
  };
}

/**
 * The record after one attempt: delivered on a 2xx, failed once the last attempt is spent,
 * otherwise pending until the next backoff step. Non-2xx answers and network errors both retry,
 * as both seeds say. A record that is no longer pending is returned unchanged, so a late result
 * from a duplicate send cannot reopen it.
 */
export function nextAttempt(
  delivery: OutboxRecord,
  attempt: DeliveryAttempt,
  now: number,
  jitter: Jitter = proportionalJitter,
): OutboxRecord {
  if (delivery.state !== 'pending') return delivery;
  const attempts = [...delivery.attempts, attempt];
  const base = { ...delivery, attempts, updated_at: now };
  if (attempt.status !== null && attempt.status >= 200 && attempt.status < 300)
    return { ...base, state: 'delivered', next_at: null };
  if (attempts.length >= delivery.max_attempts) return { ...base, state: 'failed', next_at: null };
  const wait = backoffDelayMs(deliveryPolicies[delivery.dialect], attempts.length);
  return { ...base, state: 'pending', next_at: now + Math.max(0, jitter(wait)) };
}
