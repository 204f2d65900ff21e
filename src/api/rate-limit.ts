/**
 * Per-key, per-dialect request limits: a fixed UTC minute, a UTC calendar month, and (upscale)
 * a monthly quota of created jobs. Answers with the headers the seeds document.
 */
import type { ApiDialect, DialectLimits } from './limits-config.ts';

/** One window's count. `window_start` (Unix ms) says which window the count belongs to. */
export interface Counter {
  window_start: number;
  count: number;
}

/**
 * Where the counters live. The service worker backs one `checkAndCount` call with a single
 * IndexedDB readwrite transaction over the counter store: IndexedDB runs overlapping readwrite
 * transactions on a store one after another, so two requests racing for the last slot cannot
 * both read the same count. That only holds if nothing but this store is awaited between the
 * reads and the writes (any other await lets the transaction auto-commit), which
 * `checkAndCount` keeps to.
 */
export interface CounterStore {
  get(key: string): Promise<Counter | undefined>;
  put(key: string, counter: Counter): Promise<void>;
}

export interface CountOptions {
  /** True for a request that creates a job: only those take a credit of the monthly quota. */
  countsTowardsQuota?: boolean;
}

export type LimitResult =
  | { allowed: true; headers: Record<string, string> }
  | {
      allowed: false;
      status: 429;
      headers: Record<string, string>;
      retryAfterSeconds: number;
    }
  | {
      allowed: false;
      status: 402;
      headers: Record<string, string>;
      /** upscale's 402 body fields. */
      quota: number;
      used: number;
    };

const minuteMs = 60_000;

/**
 * Checks every window and, only if all allow it, counts the request in each. A refused request
 * is not counted, so a client that backs off is not punished for the attempts it was refused.
 */
export async function checkAndCount(
  store: CounterStore,
  keyId: string,
  dialect: ApiDialect,
  config: DialectLimits,
  now: number,
  options: CountOptions = {},
): Promise<LimitResult> {
  const minuteStart = Math.floor(now / minuteMs) * minuteMs;
  const minuteEnd = minuteStart + minuteMs;
  const { start: monthStart, end: monthEnd } = utcMonth(now);
  const base = `${keyId}:${dialect}`;
  const keys = { minute: `${base}:minute`, month: `${base}:month`, quota: `${base}:quota` };

  const minuteUsed = await used(store, keys.minute, minuteStart);
  const monthUsed = config.perMonth === null ? 0 : await used(store, keys.month, monthStart);
  const takesQuota = options.countsTowardsQuota === true && config.monthlyQuota !== null;
  const quotaUsed = takesQuota ? await used(store, keys.quota, monthStart) : 0;

  const headers = (minuteCount: number, monthCount: number): Record<string, string> => {
    const out: Record<string, string> = {
      'X-RateLimit-Limit': String(config.perMinute),
      'X-RateLimit-Remaining': String(Math.max(0, config.perMinute - minuteCount)),
      'X-RateLimit-Reset': String(minuteEnd / 1000),
    };
    if (config.monthHeaders && config.perMonth !== null) {
      out['X-RateLimit-Limit-Month'] = String(config.perMonth);
      out['X-RateLimit-Remaining-Month'] = String(Math.max(0, config.perMonth - monthCount));
    }
    return out;
  };
  const refused = headers(minuteUsed, monthUsed);

  if (minuteUsed >= config.perMinute) return tooMany(refused, minuteEnd, now);
  if (config.perMonth !== null && monthUsed >= config.perMonth)
    return tooMany(refused, monthEnd, now);
  if (takesQuota && config.monthlyQuota !== null && quotaUsed >= config.monthlyQuota)
    return {
      allowed: false,
      status: 402,
      headers: refused,
      quota: config.monthlyQuota,
      used: quotaUsed,
    };

  await store.put(keys.minute, { window_start: minuteStart, count: minuteUsed + 1 });
  if (config.perMonth !== null)
    await store.put(keys.month, { window_start: monthStart, count: monthUsed + 1 });
  if (takesQuota) await store.put(keys.quota, { window_start: monthStart, count: quotaUsed + 1 });
  return { allowed: true, headers: headers(minuteUsed + 1, monthUsed + 1) };
}

/** Jobs created this UTC month against the quota, for Settings to show. */
export async function quotaUsed(
  store: CounterStore,
  keyId: string,
  dialect: ApiDialect,
  now: number,
): Promise<number> {
  return used(store, `${keyId}:${dialect}:quota`, utcMonth(now).start);
}

/**
 * Gives back the quota credit of a job that failed, if it was taken this month (last month's
 * count has reset anyway). Seed silent for upscale; restorations refunds failed jobs, and the
 * same rule here keeps the quota in step with the credit ledger (credits.ts refundEntry).
 */
export async function refundQuota(
  store: CounterStore,
  keyId: string,
  dialect: ApiDialect,
  jobCreatedAt: number,
  now: number,
): Promise<void> {
  const key = `${keyId}:${dialect}:quota`;
  const monthStart = utcMonth(now).start;
  if (utcMonth(jobCreatedAt).start !== monthStart) return;
  const counter = await store.get(key);
  if (counter?.window_start !== monthStart || counter.count <= 0) return;
  await store.put(key, { window_start: monthStart, count: counter.count - 1 });
}

/** The UTC calendar month holding `now`, as [start, end) in Unix ms. */
export function utcMonth(now: number): { start: number; end: number } {
  const d = new Date(now);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  // Date.UTC carries month 12 over into January of the next year.
  return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
}

async function used(store: CounterStore, key: string, windowStart: number): Promise<number> {
  const counter = await store.get(key);
  // A counter from an earlier window is stale: that window has reset.
  return counter?.window_start === windowStart ? counter.count : 0;
}

function tooMany(headers: Record<string, string>, resetAt: number, now: number): LimitResult {
  // Whole seconds, rounded up, so a client that waits exactly this long is let in.
  const retryAfterSeconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
  return {
    allowed: false,
    status: 429,
    headers: { ...headers, 'Retry-After': String(retryAfterSeconds) },
    retryAfterSeconds,
  };
}
