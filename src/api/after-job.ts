import { refundEntry } from './credits.ts';
import { type LimitsOverrides, outputExpiresAt, resolveLimits } from './limits-config.ts';
import { renderRestoration } from './restorations.ts';
import type { ApiContext } from './types.ts';
import { renderVideoJob } from './video.ts';
import {
  type DeliveryAttempt,
  type OutboxRecord,
  createDelivery,
  nextAttempt,
  restorationsWebhook,
  videoWebhook,
} from './webhooks.ts';
import { ApiBackend } from './store/backend.ts';
import type { ApiRecords } from './store/records.ts';
import { type JobEvent, openJobChannel } from '@/jobs/broadcast.ts';
import type { Job } from '@/jobs/job.ts';
import type { JobStore } from '@/jobs/store.ts';

export interface AfterJobDeps {
  store: JobStore;
  records: ApiRecords;
  origin: string;
  now(): number;
  post(event: JobEvent): void;
}

/**
 * What an API job's end sets off: a refund on the ledger when it failed, and its webhook in the
 * persistent outbox (rendered and signed now, so every retry sends the same signed bytes).
 */
export async function afterTerminal(ended: Job, deps: AfterJobDeps): Promise<void> {
  await deps.records.putLedger(refundEntry(ended));
  let job = ended;
  if (job.status === 'completed' && job.dialect !== 'app') {
    const limits = resolveLimits(await deps.records.setting<LimitsOverrides>('limits'));
    const expiresAt = outputExpiresAt(
      limits.retention[job.dialect],
      job.completed_at ?? deps.now(),
    );
    job = (await deps.store.setExpiry(job.id, expiresAt)) ?? job;
  }
  if (!job.callback_url || !job.api_key_id) return;
  if (job.dialect !== 'restorations' && job.dialect !== 'video') return;
  const key = (await deps.records.keys()).find((k) => k.id === job.api_key_id);
  if (!key) return;
  const ctx: ApiContext = {
    jobs: new ApiBackend({
      store: deps.store,
      apiKeyId: job.api_key_id,
      origin: deps.origin,
      now: deps.now,
      post: deps.post,
      sign: (path, expiresAt) => deps.records.sign(path, expiresAt),
    }),
    now: deps.now,
    origin: deps.origin,
  };
  const webhook =
    job.dialect === 'restorations'
      ? restorationsWebhook(job, await renderRestoration(job, ctx))
      : videoWebhook(job, await renderVideoJob(job, ctx));
  if (!webhook) return;
  const record = await createDelivery({
    id: `${job.id}:${webhook.event}`,
    job,
    webhook,
    secret: key.webhook_secret,
    now: deps.now(),
  });
  await deps.records.addDelivery(record);
  deps.post({ type: 'webhook', job_id: job.id });
}

/** One POST of a delivery, with its timeout; a receiver must answer CORS for us to see it. */
async function send(record: OutboxRecord, now: () => number): Promise<DeliveryAttempt> {
  const at = now();
  try {
    const response = await fetch(record.url, {
      method: 'POST',
      headers: record.headers,
      body: record.body,
      mode: 'cors',
      credentials: 'omit',
      signal: AbortSignal.timeout(record.timeout_ms),
    });
    return { at, duration_ms: now() - at, status: response.status, error: null };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return {
      at,
      duration_ms: now() - at,
      status: null,
      error: timedOut
        ? `timed out after ${record.timeout_ms / 1000} s`
        : 'network error, or the receiver does not allow this origin (CORS)',
    };
  }
}

const WEBHOOK_LOCK = 'kintsugi-webhooks';
const IDLE_POLL_MS = 5_000;
/** Deliveries in flight at once, over all receivers. */
export const maxConcurrentDeliveries = 4;

/** A receiver's origin: deliveries to one origin go one at a time, in the order they are due. */
function receiverOf(delivery: OutboxRecord): string {
  try {
    return new URL(delivery.url).origin;
  } catch {
    return delivery.url;
  }
}

/**
 * Which due deliveries to start now: the earliest due first, at most one per receiver origin
 * and `limit` in all, skipping receivers that already have one in flight. A receiver that hangs
 * holds up only its own queue; every other receiver's deliveries and retries keep their times.
 */
export function deliveriesToStart(
  pending: readonly OutboxRecord[],
  now: number,
  busyReceivers: ReadonlySet<string>,
  limit: number,
): OutboxRecord[] {
  const busy = new Set(busyReceivers);
  const chosen: OutboxRecord[] = [];
  const due = pending
    .filter((d) => d.state === 'pending' && (d.next_at ?? 0) <= now)
    .sort((a, b) => (a.next_at ?? 0) - (b.next_at ?? 0) || a.created_at - b.created_at);
  for (const delivery of due) {
    if (chosen.length + busyReceivers.size >= limit) break;
    const receiver = receiverOf(delivery);
    if (busy.has(receiver)) continue;
    busy.add(receiver);
    chosen.push(delivery);
  }
  return chosen;
}

/**
 * Delivers due webhooks from the outbox, in whichever window holds the lock: deliveries survive
 * a closed tab, and go out when the app is next open. Up to maxConcurrentDeliveries go out at
 * once, one per receiver origin, so a receiver that hangs until the timeout delays no other.
 */
export function startWebhookDelivery(deps: AfterJobDeps): () => void {
  const stop = new AbortController();
  let poke: () => void = () => {};
  // A new delivery in the outbox (from any window) wakes the loop at once.
  const events = openJobChannel((event) => {
    if (event.type === 'webhook') poke();
  });
  stop.signal.addEventListener('abort', () => events.close());
  /** Receiver origins with a delivery in flight. */
  const busy = new Set<string>();
  const deliver = async (delivery: OutboxRecord, receiver: string) => {
    try {
      const attempt = await send(delivery, deps.now);
      await deps.records.putDelivery(nextAttempt(delivery, attempt, deps.now()));
      deps.post({ type: 'webhook', job_id: delivery.job_id });
    } finally {
      busy.delete(receiver);
      poke();
    }
  };
  void navigator.locks
    .request(WEBHOOK_LOCK, { signal: stop.signal }, async () => {
      while (!stop.signal.aborted) {
        const pending = (await deps.records.deliveries()).filter((d) => d.state === 'pending');
        const now = deps.now();
        for (const delivery of deliveriesToStart(pending, now, busy, maxConcurrentDeliveries)) {
          const receiver = receiverOf(delivery);
          busy.add(receiver);
          void deliver(delivery, receiver).catch((error: unknown) =>
            console.warn('Kintsugi: a webhook delivery could not be recorded', error),
          );
        }
        const nextDue = Math.min(
          ...pending.map((d) => d.next_at ?? Infinity).filter((t) => t > now),
          now + IDLE_POLL_MS,
        );
        await new Promise<void>((resolve) => {
          poke = resolve;
          setTimeout(resolve, Math.max(50, nextDue - deps.now()));
        });
      }
    })
    .catch(() => {});
  return () => stop.abort();
}
