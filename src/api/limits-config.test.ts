import { describe, expect, it } from 'vitest';
import {
  type LimitsOverrides,
  defaultLimits,
  outputExpiresAt,
  overrideProblems,
  resolveLimits,
  urlExpiresAt,
} from './limits-config.ts';

const hour = 3600_000;
const day = 24 * hour;

describe('defaultLimits', () => {
  it('holds the seeds’ numbers', () => {
    expect(defaultLimits.dialects.operations).toEqual({
      perMinute: 50,
      perMonth: 50_000,
      monthlyQuota: null,
      monthHeaders: true,
    });
    expect(defaultLimits.dialects.upscale.perMinute).toBe(60);
    expect(defaultLimits.dialects.upscale.monthlyQuota).toBe(500);
    expect(defaultLimits.retention.restorations.outputDays).toBe(90);
    expect(defaultLimits.retention.upscale.urlTtlSeconds).toBe(3600);
    expect(defaultLimits.retention.video.urlTtlSeconds).toBe(86_400);
    expect(defaultLimits.maxActiveKeys).toBe(10);
  });

  it('gives only operations the month headers and a monthly request cap', () => {
    for (const [name, limits] of Object.entries(defaultLimits.dialects)) {
      expect(limits.monthHeaders).toBe(name === 'operations');
      expect(limits.perMonth !== null).toBe(name === 'operations');
      expect(limits.monthlyQuota !== null).toBe(name === 'upscale');
    }
  });
});

describe('retention', () => {
  it('expires a restoration 90 days after it completes, and keeps the others', () => {
    expect(outputExpiresAt(defaultLimits.retention.restorations, 0)).toBe(90 * day);
    expect(outputExpiresAt(defaultLimits.retention.video, 0)).toBeNull();
    expect(outputExpiresAt(defaultLimits.retention.upscale, 0)).toBeNull();
  });

  it('never lets a URL outlive the output it points at', () => {
    expect(urlExpiresAt(defaultLimits.retention.upscale, 1000, null)).toBe(1000 + hour);
    expect(urlExpiresAt(defaultLimits.retention.video, 0, null)).toBe(day);
    expect(urlExpiresAt(defaultLimits.retention.restorations, 0, 5 * day)).toBe(5 * day);
    expect(urlExpiresAt(defaultLimits.retention.upscale, 0, 5 * day)).toBe(hour);
  });
});

describe('overrides', () => {
  it('applies valid values and leaves the rest at their defaults', () => {
    const limits = resolveLimits({
      dialects: {
        operations: { perMinute: 200, perMonth: 200_000 },
        upscale: { monthlyQuota: null },
      },
      retention: { restorations: { outputDays: null } },
      maxActiveKeys: 50,
    });
    expect(limits.dialects.operations).toEqual({
      perMinute: 200,
      perMonth: 200_000,
      monthlyQuota: null,
      monthHeaders: true,
    });
    expect(limits.dialects.upscale).toEqual({
      ...defaultLimits.dialects.upscale,
      monthlyQuota: null,
    });
    expect(limits.retention.restorations).toEqual({ outputDays: null, urlTtlSeconds: 90 * 86_400 });
    expect(limits.dialects.video).toEqual(defaultLimits.dialects.video);
    expect(limits.maxActiveKeys).toBe(50);
  });

  it('skips invalid values instead of locking the user out', () => {
    const limits = resolveLimits({
      dialects: { operations: { perMinute: 0, perMonth: -1 }, video: { perMinute: 1.5 } },
      retention: { video: { urlTtlSeconds: Number.NaN } },
      maxActiveKeys: 0,
    });
    expect(limits).toEqual(defaultLimits);
  });

  it('does not change the defaults it starts from', () => {
    resolveLimits({ dialects: { video: { perMinute: 1 } } });
    expect(defaultLimits.dialects.video.perMinute).toBe(60);
  });

  it('names each problem for Settings to show', () => {
    // As read back from storage: a value typed wrong, and a key from another app version.
    const stored = JSON.parse(
      '{"dialects":{"operations":{"perMinute":0}},"maxActiveKeys":-3,' +
        '"retention":{"video":{"outputDays":2.5,"keepForever":true}}}',
    ) as LimitsOverrides;
    const problems = overrideProblems(stored);
    expect(problems).toEqual([
      'operations: perMinute has an invalid value 0',
      'video retention: outputDays has an invalid value 2.5',
      'video retention: unknown setting "keepForever"',
      'maxActiveKeys must be a whole number of at least 1',
    ]);
    expect(overrideProblems({ dialects: { upscale: { monthlyQuota: 1000 } } })).toEqual([]);
  });
});
