import { describe, expect, it } from 'vitest';
import { type Job, type JobSpec, createJob, transition } from '@/jobs/job.ts';
import {
  CreditsError,
  chargeEntry,
  creditsFor,
  creditsSpent,
  operationCredits,
  refundEntry,
} from './credits.ts';

const ops = (...list: [string, Record<string, unknown>?][]): JobSpec => ({
  operations: list.map(([type, params]) => ({ type, params: params ?? {} })),
});

describe('creditsFor: restorations', () => {
  it.each([
    ['1k', 1],
    ['2k', 2],
    ['4k', 4],
  ])('charges %s at %i, whatever the preset', (resolution, credits) => {
    for (const preset of ['standard', 'enhance', 'colorize', 'portrait']) {
      expect(creditsFor('restorations', { operations: [], options: { preset, resolution } })).toBe(
        credits,
      );
    }
  });

  it("matches the seed's example: enhance at 2k is charged 2", () => {
    const spec = {
      ...ops(['enhance', { scale: 2 }]),
      options: { preset: 'enhance', resolution: '2k' },
    };
    expect(creditsFor('restorations', spec)).toBe(2);
  });

  it('takes the seed default of 1k when no resolution is given', () => {
    expect(creditsFor('restorations', ops(['enhance', { scale: 2 }]))).toBe(1);
  });

  it('refuses a resolution the validator should have stopped', () => {
    expect(() =>
      creditsFor('restorations', { operations: [], options: { resolution: '8k' } }),
    ).toThrow(CreditsError);
  });
});

describe('creditsFor: operations', () => {
  it('makes the three the seed calls free cost nothing', () => {
    expect(creditsFor('operations', ops(['compress-optimize'], ['crop-resize'], ['convert']))).toBe(
      0,
    );
  });

  it('charges 1 for each AI operation and 2 for enhance at 8x', () => {
    expect(creditsFor('operations', ops(['enhance', { scale: 2 }]))).toBe(1);
    expect(creditsFor('operations', ops(['enhance', { scale: 4 }]))).toBe(1);
    expect(creditsFor('operations', ops(['enhance', { scale: 8 }]))).toBe(2);
    for (const type of [
      'enhance-anime',
      'enhance-face',
      'denoise',
      'deblur',
      'restore-old-photo',
      'remove-background',
      'replace-background',
      'blur-background',
      'smart-crop',
      'remove-object',
      'remove-text',
    ])
      expect(creditsFor('operations', ops([type]))).toBe(1);
  });

  it('prices every operation the seed lists', () => {
    // The Available Operations table of 001, in its order.
    expect(Object.keys(operationCredits)).toEqual([
      'enhance',
      'enhance-anime',
      'enhance-face',
      'denoise',
      'deblur',
      'restore-old-photo',
      'remove-background',
      'replace-background',
      'blur-background',
      'smart-crop',
      'remove-object',
      'remove-text',
      'compress-optimize',
      'crop-resize',
      'convert',
    ]);
  });

  it('adds up a chain, and prices an unlisted (own-model) operation at 1', () => {
    const spec = ops(['denoise'], ['enhance', { scale: 8 }], ['convert'], ['my-model']);
    expect(creditsFor('operations', spec)).toBe(1 + 2 + 0 + 1);
  });
});

describe('creditsFor: upscale, video, app', () => {
  it('charges upscale 1 per job whatever the scale', () => {
    for (const scale of [2, 4, 8])
      expect(creditsFor('upscale', { ...ops(['enhance', { scale }]), options: { scale } })).toBe(1);
  });

  it('charges video by upscale factor, not preset', () => {
    for (const preset of ['cinematic', 'social', 'archive', 'general']) {
      expect(creditsFor('video', { operations: [], options: { preset } })).toBe(1);
      expect(creditsFor('video', { operations: [], options: { preset, upscale_factor: 2 } })).toBe(
        2,
      );
      expect(creditsFor('video', { operations: [], options: { preset, upscale_factor: 4 } })).toBe(
        4,
      );
    }
    expect(creditsFor('video', { operations: [], options: { upscale_factor: 'x' } })).toBe(1);
  });

  it('charges the app UI nothing', () => {
    expect(creditsFor('app', ops(['enhance', { scale: 8 }], ['denoise']))).toBe(0);
  });
});

describe('ledger', () => {
  const base = (credits: number): Job =>
    createJob({
      id: 'j1',
      dialect: 'restorations',
      spec: ops(['enhance', { scale: 2 }]),
      input: { key: 'in:j1', name: 'p.jpg', type: 'image/jpeg', bytes: 1 },
      now: 1000,
      api_key_id: 'k1',
      credits_charged: credits,
    });
  const failed = (job: Job) =>
    transition(transition(job, 'processing', {}, 2000), 'failed', { error: 'corrupt image' }, 3000);

  it('charges at creation and refunds a failed job, once each by id', () => {
    const charge = chargeEntry(base(2));
    const refund = refundEntry(failed(base(2)));
    expect(charge).toEqual({
      id: 'charge:j1',
      kind: 'charge',
      job_id: 'j1',
      api_key_id: 'k1',
      dialect: 'restorations',
      credits: 2,
      at: 1000,
      reason: 'job created',
    });
    expect(refund).toEqual({
      id: 'refund:j1',
      kind: 'refund',
      job_id: 'j1',
      api_key_id: 'k1',
      dialect: 'restorations',
      credits: -2,
      at: 3000,
      reason: 'corrupt image',
    });
    if (!charge || !refund) throw new Error('expected entries');
    expect(creditsSpent([charge, refund])).toBe(0);
    expect(creditsSpent([charge, refund], 0, 2000)).toBe(2);
  });

  it('refunds nothing for a completed, canceled or free job', () => {
    const running = transition(base(2), 'processing', {}, 2000);
    expect(refundEntry(transition(running, 'completed', {}, 3000))).toBeNull();
    expect(refundEntry(transition(base(2), 'canceled', {}, 3000))).toBeNull();
    expect(refundEntry(running)).toBeNull();
    expect(refundEntry(failed(base(0)))).toBeNull();
    expect(chargeEntry(base(0))).toBeNull();
  });
});
