import { describe, expect, it } from 'vitest';
import { type JobStatus, createJob } from '@/jobs/job.ts';
import {
  type ApiDialect,
  dialectStatusWords,
  errorText,
  parseId,
  renderId,
  renderTime,
  renderTimeOrNull,
  statusWord,
  statusesForWord,
} from './status-map.ts';

const dialects: ApiDialect[] = ['restorations', 'operations', 'upscale', 'video'];
const statuses: JobStatus[] = [
  'queued',
  'processing',
  'completed',
  'failed',
  'canceled',
  'expired',
];

describe('status words', () => {
  it.each([
    ['restorations', ['analyzing', 'processing', 'complete', 'failed', 'failed', 'expired']],
    ['operations', ['queued', 'processing', 'completed', 'failed', 'failed', 'failed']],
    ['upscale', ['pending', 'processing', 'completed', 'failed', 'failed', 'failed']],
    ['video', ['queued', 'processing', 'completed', 'failed', 'failed', 'failed']],
  ] as const)('%s names each canonical status as its seed does', (dialect, words) => {
    expect(statuses.map((s) => statusWord(dialect, s))).toEqual(words);
  });

  it('documents exactly the seed words of each dialect', () => {
    expect(dialectStatusWords('restorations')).toEqual([
      'analyzing',
      'processing',
      'complete',
      'failed',
      'expired',
    ]);
    expect(dialectStatusWords('operations')).toEqual([
      'queued',
      'processing',
      'completed',
      'failed',
    ]);
    expect(dialectStatusWords('upscale')).toEqual(['pending', 'processing', 'completed', 'failed']);
    expect(dialectStatusWords('video')).toEqual(['queued', 'processing', 'completed', 'failed']);
  });

  it('maps every word back to the statuses that read that way', () => {
    expect(statusesForWord('upscale', 'pending')).toEqual(['queued']);
    expect(statusesForWord('upscale', 'failed')).toEqual(['failed', 'canceled', 'expired']);
    expect(statusesForWord('restorations', 'failed')).toEqual(['failed', 'canceled']);
    expect(statusesForWord('restorations', 'expired')).toEqual(['expired']);
    expect(statusesForWord('restorations', 'complete')).toEqual(['completed']);
    expect(statusesForWord('restorations', 'completed')).toBeUndefined();
    expect(statusesForWord('upscale', 'queued')).toBeUndefined();
    expect(statusesForWord('video', 'canceled')).toBeUndefined();
  });

  it('round-trips: every status is found again through its own word', () => {
    for (const dialect of dialects) {
      for (const status of statuses) {
        expect(statusesForWord(dialect, statusWord(dialect, status))).toContain(status);
      }
    }
  });
});

describe('errorText', () => {
  const base = createJob({
    id: 'a',
    dialect: 'video',
    spec: { operations: [] },
    input: { key: 'in:a', name: 'x', type: '', bytes: 0 },
    now: 0,
  });

  it('says why a job reads failed when it was canceled or expired', () => {
    expect(errorText({ ...base, status: 'canceled' })).toBe('canceled');
    expect(errorText({ ...base, status: 'expired' })).toMatch(/^expired/);
    expect(errorText({ ...base, status: 'failed', error: 'corrupt input' })).toBe('corrupt input');
    expect(errorText({ ...base, status: 'completed' })).toBeNull();
  });
});

describe('timestamps', () => {
  const ms = Date.UTC(2023, 9, 25, 7, 46, 40, 999);

  it('are ISO strings except for video, which has whole Unix seconds', () => {
    expect(renderTime('restorations', ms)).toBe('2023-10-25T07:46:40.999Z');
    expect(renderTime('operations', ms)).toBe('2023-10-25T07:46:40.999Z');
    expect(renderTime('upscale', ms)).toBe('2023-10-25T07:46:40.999Z');
    expect(renderTime('video', ms)).toBe(1698219999 + 1);
    expect(renderTime('video', ms - 999)).toBe(1698220000);
    expect(renderTimeOrNull('video', null)).toBeNull();
  });
});

describe('ids', () => {
  const id = '550e8400-e29b-41d4-a716-446655440000';

  it('renders video ids as job_<uuid> and accepts both forms back', () => {
    expect(renderId('video', id)).toBe(`job_${id}`);
    expect(renderId('upscale', id)).toBe(id);
    expect(parseId('video', `job_${id}`)).toBe(id);
    expect(parseId('video', id)).toBe(id);
    expect(parseId('upscale', id)).toBe(id);
  });

  it('refuses anything that cannot be an id', () => {
    for (const bad of ['', '..', '.', 'a/b', 'a\\b', 'a b', 'é', '-x', 'x'.repeat(129)]) {
      expect(parseId('upscale', bad), bad).toBeNull();
      expect(parseId('video', bad), bad).toBeNull();
      expect(parseId('video', `job_${bad}`), bad).toBeNull();
    }
  });
});
