/**
 * Per-dialect limits and retention: the seeds' numbers where they give them, our choices where
 * they are silent (each marked "seed silent" with the reason). Settings may override any of them.
 *
 * All windows are per API key and per dialect, in UTC: a fixed minute, a calendar month.
 */
import type { DialectModule } from './types.ts';

/** The dialects that answer REST requests (the app's own UI is not one of them). */
export type ApiDialect = DialectModule['name'];

export const apiDialects: readonly ApiDialect[] = [
  'restorations',
  'operations',
  'upscale',
  'video',
];

export interface DialectLimits {
  /** Requests per key in one fixed UTC minute; beyond it 429 with Retry-After. */
  perMinute: number;
  /** Requests per key in one UTC calendar month; beyond it 429. null: no monthly cap. */
  perMonth: number | null;
  /**
   * Jobs a key may create per UTC calendar month (each takes one credit of the quota); beyond it
   * 402 with `quota` and `used`. null: no quota.
   */
  monthlyQuota: number | null;
  /** Whether responses carry X-RateLimit-Limit-Month and X-RateLimit-Remaining-Month. */
  monthHeaders: boolean;
}

export interface RetentionPolicy {
  /**
   * Days a finished job's output is kept before it is deleted and the job shows `expired`.
   * null: kept until the user deletes it.
   */
  outputDays: number | null;
  /** Life of one signed output URL. A fresh URL is minted on every read of the job. */
  urlTtlSeconds: number;
}

export interface LimitsConfig {
  dialects: Record<ApiDialect, DialectLimits>;
  retention: Record<ApiDialect, RetentionPolicy>;
  /** Keys that may be active (not revoked) at once, across all dialects. */
  maxActiveKeys: number;
}

const day = 24 * 60 * 60;

export const defaultLimits: LimitsConfig = {
  dialects: {
    // Seed silent. 60/min is upres's documented per-key limit; a poller at the seed's own
    // pace never comes near it.
    restorations: { perMinute: 60, perMonth: null, monthlyQuota: null, monthHeaders: false },
    // Seed: Pro tier, 50 requests/minute and 50,000/month (the tier the seed says keys need).
    operations: { perMinute: 50, perMonth: 50_000, monthlyQuota: null, monthHeaders: true },
    // Seed: "60 req/min per key"; "One credit is deducted from your monthly quota" with no size.
    // 500 jobs/month: a generous hosted plan's size; the user can raise it in Settings.
    upscale: { perMinute: 60, perMonth: null, monthlyQuota: 500, monthHeaders: false },
    // Seed: per-key limits exist ("X-RateLimit-Remaining"), numbers silent. 60/min as above.
    video: { perMinute: 60, perMonth: null, monthlyQuota: null, monthHeaders: false },
  },
  retention: {
    // Seed: 90 days for free accounts (subscribers: permanent, i.e. outputDays null). A URL
    // lives as long as the output may, capped by the output's own expiry (urlExpiresAt).
    restorations: { outputDays: 90, urlTtlSeconds: 90 * day },
    // Seed silent on both. The file is the user's own, so it is kept; URLs last a day, like
    // video's, long enough for any poll-then-download client.
    operations: { outputDays: null, urlTtlSeconds: day },
    // Seed: "Presigned S3 URL … Valid for 1 hour"; nothing deletes the result itself.
    upscale: { outputDays: null, urlTtlSeconds: 3600 },
    // Seed: download links expire after 24 hours ("Zero-Retention policy"). That policy keeps a
    // vendor from holding the user's video; here it never left the device, so the file is kept
    // and only the link expires.
    video: { outputDays: null, urlTtlSeconds: day },
  },
  // Seed (operations, Pro tier): 10 keys.
  maxActiveKeys: 10,
};

/** When a signed output URL minted at `now` expires: its TTL, but never after the output. */
export function urlExpiresAt(
  policy: RetentionPolicy,
  now: number,
  outputExpiresAt: number | null,
): number {
  const byTtl = now + policy.urlTtlSeconds * 1000;
  return outputExpiresAt === null ? byTtl : Math.min(byTtl, outputExpiresAt);
}

/** When an output finished at `completedAt` is deleted (Unix ms), or null if it is kept. */
export function outputExpiresAt(policy: RetentionPolicy, completedAt: number): number | null {
  return policy.outputDays === null ? null : completedAt + policy.outputDays * day * 1000;
}

/** What Settings stores: only the values the user changed. */
export interface LimitsOverrides {
  dialects?: Partial<Record<ApiDialect, Partial<DialectLimits>>>;
  retention?: Partial<Record<ApiDialect, Partial<RetentionPolicy>>>;
  maxActiveKeys?: number;
}

type Check = (value: unknown) => boolean;

const count: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const countOrNull: Check = (v) => v === null || count(v);
const flag: Check = (v) => typeof v === 'boolean';

const dialectChecks: Record<keyof DialectLimits, Check> = {
  perMinute: count,
  perMonth: countOrNull,
  monthlyQuota: countOrNull,
  monthHeaders: flag,
};

const retentionChecks: Record<keyof RetentionPolicy, Check> = {
  outputDays: countOrNull,
  urlTtlSeconds: count,
};

/** One message per override that is not allowed, for Settings to show beside its field. */
export function overrideProblems(overrides: LimitsOverrides): string[] {
  const problems: string[] = [];
  for (const dialect of apiDialects) {
    problems.push(
      ...problemsIn(`${dialect}`, overrides.dialects?.[dialect], dialectChecks),
      ...problemsIn(`${dialect} retention`, overrides.retention?.[dialect], retentionChecks),
    );
  }
  if (overrides.maxActiveKeys !== undefined && !count(overrides.maxActiveKeys))
    problems.push('maxActiveKeys must be a whole number of at least 1');
  return problems;
}

/**
 * The defaults with every valid override applied. An invalid one is skipped rather than thrown:
 * a damaged stored setting must not lock the user out of their own API or delete outputs early.
 */
export function resolveLimits(overrides: LimitsOverrides = {}): LimitsConfig {
  const dialects = { ...defaultLimits.dialects };
  const retention = { ...defaultLimits.retention };
  for (const d of apiDialects) {
    dialects[d] = merge(defaultLimits.dialects[d], overrides.dialects?.[d], dialectChecks);
    retention[d] = merge(defaultLimits.retention[d], overrides.retention?.[d], retentionChecks);
  }
  const keys = overrides.maxActiveKeys;
  return {
    dialects,
    retention,
    maxActiveKeys: keys !== undefined && count(keys) ? keys : defaultLimits.maxActiveKeys,
  };
}

function merge<T extends object>(
  base: T,
  override: Partial<T> | undefined,
  checks: Record<keyof T, Check>,
): T {
  const out = { ...base };
  if (!override) return out;
  for (const key of Object.keys(checks) as (keyof T)[]) {
    if (key in override && checks[key](override[key])) out[key] = override[key] as T[keyof T];
  }
  return out;
}

function problemsIn<T extends object>(
  where: string,
  override: Partial<T> | undefined,
  checks: Record<keyof T, Check>,
): string[] {
  if (!override) return [];
  const problems: string[] = [];
  for (const key of Object.keys(override)) {
    const check = checks[key as keyof T] as Check | undefined;
    if (!check) problems.push(`${where}: unknown setting "${key}"`);
    else if (!check(override[key as keyof T]))
      problems.push(
        `${where}: ${key} has an invalid value ${JSON.stringify(override[key as keyof T])}`,
      );
  }
  return problems;
}
