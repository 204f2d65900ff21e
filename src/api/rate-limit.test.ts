import { afterEach, describe, expect, it } from 'vitest';
import { type DialectLimits, defaultLimits } from './limits-config.ts';
import {
  type Counter,
  type CounterStore,
  type LimitResult,
  checkAndCount,
  quotaUsed,
  refundQuota,
  utcMonth,
} from './rate-limit.ts';

class MemoryCounters implements CounterStore {
  readonly map = new Map<string, Counter>();
  async get(key: string): Promise<Counter | undefined> {
    return this.map.get(key);
  }
  async put(key: string, counter: Counter): Promise<void> {
    this.map.set(key, { ...counter });
  }
}

// Node's process, typed here because tsconfig.json types the browser, not Node.
const { env } = (globalThis as unknown as { process: { env: Record<string, string | undefined> } })
  .process;

const operations = defaultLimits.dialects.operations;
const upscale = defaultLimits.dialects.upscale;
const at = (iso: string) => Date.parse(iso);

async function repeat(
  times: number,
  run: () => Promise<LimitResult>,
): Promise<LimitResult | undefined> {
  let last: LimitResult | undefined;
  for (let i = 0; i < times; i++) last = await run();
  return last;
}

describe('checkAndCount: the minute window', () => {
  it('sends exactly the operations headers on the first request', async () => {
    const store = new MemoryCounters();
    const result = await checkAndCount(
      store,
      'k1',
      'operations',
      operations,
      at('2026-03-27T12:00:30.200Z'),
    );
    expect(result).toEqual({
      allowed: true,
      headers: {
        'X-RateLimit-Limit': '50',
        'X-RateLimit-Remaining': '49',
        'X-RateLimit-Reset': String(Date.parse('2026-03-27T12:01:00Z') / 1000),
        'X-RateLimit-Limit-Month': '50000',
        'X-RateLimit-Remaining-Month': '49999',
      },
    });
  });

  it('sends no month headers for the dialects that do not document them', async () => {
    for (const dialect of ['restorations', 'upscale', 'video'] as const) {
      const result = await checkAndCount(
        new MemoryCounters(),
        'k1',
        dialect,
        defaultLimits.dialects[dialect],
        at('2026-03-27T12:00:00Z'),
      );
      expect(Object.keys(result.headers).sort()).toEqual([
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
      ]);
      expect(result.headers['X-RateLimit-Limit']).toBe('60');
    }
  });

  it('answers 429 with Retry-After once the minute is used up, without counting the refusal', async () => {
    const store = new MemoryCounters();
    const t = at('2026-03-27T12:00:30.200Z');
    const fiftieth = await repeat(50, () =>
      checkAndCount(store, 'k1', 'operations', operations, t),
    );
    expect(fiftieth).toMatchObject({ allowed: true });
    expect(fiftieth?.headers['X-RateLimit-Remaining']).toBe('0');

    const refused = await checkAndCount(store, 'k1', 'operations', operations, t + 1000);
    expect(refused).toEqual({
      allowed: false,
      status: 429,
      retryAfterSeconds: 29,
      headers: {
        'X-RateLimit-Limit': '50',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(Date.parse('2026-03-27T12:01:00Z') / 1000),
        'X-RateLimit-Limit-Month': '50000',
        'X-RateLimit-Remaining-Month': '49950',
        'Retry-After': '29',
      },
    });
    // Twice more, refused: the month count must not move.
    await checkAndCount(store, 'k1', 'operations', operations, t + 2000);
    await checkAndCount(store, 'k1', 'operations', operations, t + 3000);
    expect(store.map.get('k1:operations:month')?.count).toBe(50);
    expect(store.map.get('k1:operations:minute')?.count).toBe(50);
  });

  it('rounds Retry-After up to whole seconds and never says 0', async () => {
    const store = new MemoryCounters();
    const limits: DialectLimits = { ...operations, perMinute: 1 };
    await checkAndCount(store, 'k1', 'operations', limits, at('2026-03-27T12:00:00Z'));
    const late = await checkAndCount(
      store,
      'k1',
      'operations',
      limits,
      at('2026-03-27T12:00:59.999Z'),
    );
    expect(late).toMatchObject({ status: 429, retryAfterSeconds: 1 });
    const early = await checkAndCount(
      store,
      'k1',
      'operations',
      limits,
      at('2026-03-27T12:00:00.001Z'),
    );
    expect(early).toMatchObject({ status: 429, retryAfterSeconds: 60 });
  });

  it('opens a fresh window at the next minute boundary', async () => {
    const store = new MemoryCounters();
    const limits: DialectLimits = { ...operations, perMinute: 2 };
    const run = (iso: string) => checkAndCount(store, 'k1', 'operations', limits, at(iso));
    expect((await run('2026-03-27T12:00:59.000Z')).allowed).toBe(true);
    expect((await run('2026-03-27T12:00:59.500Z')).allowed).toBe(true);
    expect((await run('2026-03-27T12:00:59.999Z')).allowed).toBe(false);
    const next = await run('2026-03-27T12:01:00.000Z');
    expect(next.allowed).toBe(true);
    expect(next.headers).toMatchObject({
      'X-RateLimit-Remaining': '1',
      'X-RateLimit-Reset': String(Date.parse('2026-03-27T12:02:00Z') / 1000),
      'X-RateLimit-Remaining-Month': '49997',
    });
  });

  it('counts each key and each dialect apart', async () => {
    const store = new MemoryCounters();
    const limits: DialectLimits = { ...operations, perMinute: 1 };
    const t = at('2026-03-27T12:00:00Z');
    expect((await checkAndCount(store, 'k1', 'operations', limits, t)).allowed).toBe(true);
    expect((await checkAndCount(store, 'k1', 'operations', limits, t)).allowed).toBe(false);
    expect((await checkAndCount(store, 'k2', 'operations', limits, t)).allowed).toBe(true);
    expect((await checkAndCount(store, 'k1', 'video', limits, t)).allowed).toBe(true);
  });
});

describe('checkAndCount: the calendar month (UTC)', () => {
  const originalTz = env.TZ;
  afterEach(() => {
    // Assigning undefined would set the string "undefined".
    if (originalTz === undefined) delete env.TZ;
    else env.TZ = originalTz;
  });

  it('refuses with 429 until the first of the next UTC month', async () => {
    // UTC+14: local time is already 1 February while UTC is still 31 January.
    env.TZ = 'Pacific/Kiritimati';
    const store = new MemoryCounters();
    const limits: DialectLimits = { ...operations, perMonth: 3 };
    const run = (iso: string) => checkAndCount(store, 'k1', 'operations', limits, at(iso));
    await run('2026-01-01T00:00:00Z');
    await run('2026-01-15T08:00:00Z');
    const third = await run('2026-01-31T23:00:00Z');
    expect(third.headers['X-RateLimit-Remaining-Month']).toBe('0');

    const refused = await run('2026-01-31T23:59:30Z');
    expect(refused).toMatchObject({ allowed: false, status: 429, retryAfterSeconds: 30 });
    expect(refused.headers['X-RateLimit-Remaining']).toBe('50');

    const february = await run('2026-02-01T00:00:00Z');
    expect(february.allowed).toBe(true);
    expect(february.headers['X-RateLimit-Remaining-Month']).toBe('2');
  });

  it('rolls December over into January of the next year', () => {
    expect(utcMonth(at('2026-12-31T23:59:59.999Z'))).toEqual({
      start: at('2026-12-01T00:00:00Z'),
      end: at('2027-01-01T00:00:00Z'),
    });
    expect(utcMonth(at('2028-02-29T12:00:00Z')).end).toBe(at('2028-03-01T00:00:00Z'));
  });

  it('uses UTC whatever the local time zone', () => {
    env.TZ = 'America/Los_Angeles';
    // 31 January 20:00 in Los Angeles.
    expect(utcMonth(at('2026-02-01T04:00:00Z')).start).toBe(at('2026-02-01T00:00:00Z'));
  });
});

describe('checkAndCount: the upscale quota', () => {
  const limits: DialectLimits = { ...upscale, monthlyQuota: 2 };
  const create = (store: CounterStore, t: number) =>
    checkAndCount(store, 'k1', 'upscale', limits, t, { countsTowardsQuota: true });

  it('answers 402 with quota and used once the month is spent, and counts only job creation', async () => {
    const store = new MemoryCounters();
    const t = at('2026-03-27T12:00:00Z');
    expect((await create(store, t)).allowed).toBe(true);
    // Polling does not spend the quota.
    await repeat(5, () => checkAndCount(store, 'k1', 'upscale', limits, t));
    expect((await create(store, t)).allowed).toBe(true);
    expect(await quotaUsed(store, 'k1', 'upscale', t)).toBe(2);

    const refused = await create(store, t);
    expect(refused).toEqual({
      allowed: false,
      status: 402,
      quota: 2,
      used: 2,
      headers: {
        'X-RateLimit-Limit': '60',
        'X-RateLimit-Remaining': '53',
        'X-RateLimit-Reset': String(Date.parse('2026-03-27T12:01:00Z') / 1000),
      },
    });
    // The refusal took nothing: not a minute slot, not a credit.
    expect(store.map.get('k1:upscale:minute')?.count).toBe(7);
    expect(await quotaUsed(store, 'k1', 'upscale', t)).toBe(2);
    // Reading is still allowed.
    expect((await checkAndCount(store, 'k1', 'upscale', limits, t)).allowed).toBe(true);
  });

  it('refills on the first of the next UTC month', async () => {
    const store = new MemoryCounters();
    await create(store, at('2026-03-31T23:58:00Z'));
    await create(store, at('2026-03-31T23:58:30Z'));
    expect(await create(store, at('2026-03-31T23:59:59Z'))).toMatchObject({ status: 402 });
    expect((await create(store, at('2026-04-01T00:00:00Z'))).allowed).toBe(true);
    expect(await quotaUsed(store, 'k1', 'upscale', at('2026-04-01T00:00:00Z'))).toBe(1);
  });

  it('checks the minute before the quota', async () => {
    const store = new MemoryCounters();
    const tight: DialectLimits = { ...limits, perMinute: 1 };
    const t = at('2026-03-27T12:00:00Z');
    await checkAndCount(store, 'k1', 'upscale', tight, t, { countsTowardsQuota: true });
    const second = await checkAndCount(store, 'k1', 'upscale', tight, t, {
      countsTowardsQuota: true,
    });
    expect(second).toMatchObject({ status: 429 });
  });

  it('keeps no quota for a dialect without one', async () => {
    const store = new MemoryCounters();
    const t = at('2026-03-27T12:00:00Z');
    await checkAndCount(store, 'k1', 'video', defaultLimits.dialects.video, t, {
      countsTowardsQuota: true,
    });
    expect(store.map.has('k1:video:quota')).toBe(false);
    expect(store.map.has('k1:video:month')).toBe(false);
  });

  it('gives a failed job its credit back in the month it was taken, not later', async () => {
    const store = new MemoryCounters();
    const t = at('2026-03-27T12:00:00Z');
    await create(store, t);
    await create(store, t);
    await refundQuota(store, 'k1', 'upscale', t, t + 60_000);
    expect(await quotaUsed(store, 'k1', 'upscale', t)).toBe(1);
    // A March job failing in April gives nothing back from April's fresh quota.
    const april = at('2026-04-01T00:00:05Z');
    await create(store, april);
    await refundQuota(store, 'k1', 'upscale', t, april);
    expect(await quotaUsed(store, 'k1', 'upscale', april)).toBe(1);
    // And never below zero.
    await refundQuota(store, 'k1', 'upscale', april, april);
    await refundQuota(store, 'k1', 'upscale', april, april);
    expect(await quotaUsed(store, 'k1', 'upscale', april)).toBe(0);
  });
});
