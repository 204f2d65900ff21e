import { describe, expect, it } from 'vitest';
import { createJob, type Job, type JobStatus } from '@/jobs/job.ts';
import {
  ProgressTrack,
  batchLead,
  batchOf,
  batchSummary,
  describeProgress,
  downloadText,
  etaFromSamples,
  isInterrupted,
  modelInWords,
  queuePosition,
  type ProgressFacts,
} from './progress-view.ts';

function job(id: string, status: JobStatus, created: number, extra: Partial<Job> = {}): Job {
  const base = createJob({
    id,
    dialect: 'app',
    spec: { operations: [{ type: 'enhance', params: { scale: 4 } }] },
    input: { key: `in-${id}`, name: `${id}.png`, type: 'image/png', bytes: 1 },
    now: created,
  });
  return { ...base, status, ...extra };
}

describe('ProgressTrack: the bar never goes back', () => {
  it('keeps the highest value of an attempt, whatever order the reports come in', () => {
    const track = new ProgressTrack();
    const seen = [0.1, 0.3, 0.2, 0.5, 0.4, 0.9].map((progress, i) =>
      track.update({ progress, attempts: 1, status: 'processing' }, i * 1000),
    );
    expect(seen).toEqual([0.1, 0.3, 0.3, 0.5, 0.5, 0.9]);
  });

  it('starts again, from nothing, only for a new attempt after an interruption', () => {
    const track = new ProgressTrack();
    track.update({ progress: 0.6, attempts: 1, status: 'processing' }, 0);
    expect(track.update({ progress: 0, attempts: 2, status: 'processing' }, 1000)).toBe(0);
    expect(track.update({ progress: 1, attempts: 2, status: 'completed' }, 2000)).toBe(1);
  });
});

describe('ETA: only when the rate is known', () => {
  it('is unknown before two progress points and over a too short span', () => {
    expect(etaFromSamples([], 0)).toBeNull();
    expect(etaFromSamples([{ at: 0, progress: 0.2 }], 100)).toBeNull();
    expect(
      etaFromSamples(
        [
          { at: 0, progress: 0 },
          { at: 500, progress: 0.5 },
        ],
        600,
      ),
    ).toBeNull();
  });

  it('follows a steady rate and counts down between updates', () => {
    const samples = [0, 0.1, 0.2, 0.3].map((progress, i) => ({ at: i * 2000, progress }));
    // 0.1 every 2 s: 0.7 left is 14 s, one second later 13 s.
    expect(etaFromSamples(samples, 6000)).toBeCloseTo(14, 5);
    expect(etaFromSamples(samples, 7000)).toBeCloseTo(13, 5);
  });

  it('is hidden when the work stalls (the bar frozen at 2 % said nothing true)', () => {
    const samples = [
      { at: 0, progress: 0 },
      { at: 3000, progress: 0.02 },
    ];
    expect(etaFromSamples(samples, 4000)).not.toBeNull();
    expect(etaFromSamples(samples, 3000 + 13_000)).toBeNull();
  });

  it('is hidden when the recent rate disagrees with the run so far', () => {
    const samples = [
      { at: 0, progress: 0 },
      { at: 2000, progress: 0.4 },
      { at: 4000, progress: 0.8 },
      { at: 14_000, progress: 0.82 },
    ];
    expect(etaFromSamples(samples, 14_500)).toBeNull();
  });

  it('does not jump up and down with every tile: a close new figure keeps the countdown', () => {
    const track = new ProgressTrack();
    const report = (progress: number, at: number) =>
      track.update({ progress, attempts: 1, status: 'processing' }, at);
    report(0, 0);
    report(0.25, 10_000);
    const first = track.etaSeconds(10_000)!;
    expect(first).toBeCloseTo(30, 5);
    // The next tile is a little slower: 33 s by the new rate, but the shown figure counts down.
    report(0.5, 21_000);
    expect(track.etaSeconds(21_000)).toBeCloseTo(first - 11, 5);
    // Far off: a new figure is taken.
    report(0.52, 60_000);
    expect(track.etaSeconds(60_000)).toBeNull();
  });
});

describe('queue position and batch totals', () => {
  const running = job('a', 'processing', 1);
  const second = job('b', 'queued', 2);
  const third = job('c', 'queued', 3);
  const done = job('d', 'completed', 0);
  const jobs = [third, done, second, running];

  it('counts the running job first: the next waiting one is 2 of 3', () => {
    expect(queuePosition(jobs, 'b')).toEqual({ position: 2, total: 3 });
    expect(queuePosition(jobs, 'c')).toEqual({ position: 3, total: 3 });
    expect(queuePosition(jobs, 'a')).toBeNull();
    expect(queuePosition(jobs, 'd')).toBeNull();
  });

  it('sums a batch: "3 photos · 1 done · about 2 min left" only when every figure is known', () => {
    const options = { batch: 'x' };
    const spec = { operations: [], options };
    const batch = [
      job('p', 'completed', 1, { spec }),
      job('q', 'processing', 2, { spec }),
      job('r', 'queued', 3, { spec }),
      job('alone', 'queued', 4),
    ];
    expect(batchOf(batch, batch[1]!).map((j) => j.id)).toEqual(['p', 'q', 'r']);
    expect(batchOf(batch, batch[3]!).map((j) => j.id)).toEqual(['alone']);
    const left = { q: 50, r: 70 } as Record<string, number>;
    expect(batchSummary(batchOf(batch, batch[1]!), (j) => left[j.id] ?? null)).toBe(
      '3 photos · 1 done · about 2 min left',
    );
    expect(batchSummary(batchOf(batch, batch[1]!), (j) => (j.id === 'r' ? null : 50))).toBe(
      '3 photos · 1 done',
    );
    expect(batchSummary([batch[3]!], () => 10)).toBeNull();
    // The totals sit on one row: the first photo not finished yet.
    expect(batchLead(batchOf(batch, batch[0]!))?.id).toBe('q');
    expect(batchLead([batch[0]!])?.id).toBe('p');
  });
});

describe('describeProgress', () => {
  const facts: ProgressFacts = {
    status: 'processing',
    attempts: 1,
    shown: 0,
    etaSeconds: null,
    queue: null,
    interrupted: false,
    download: null,
    estimateSeconds: undefined,
  };

  it('says where a waiting job stands, with its estimate where there is one', () => {
    expect(
      describeProgress({
        ...facts,
        status: 'queued',
        attempts: 0,
        queue: { position: 2, total: 3 },
      }),
    ).toEqual({ percent: null, label: 'Waiting · 2 of 3', eta: null });
    expect(
      describeProgress({
        ...facts,
        status: 'queued',
        attempts: 0,
        queue: { position: 1, total: 1 },
        estimateSeconds: 130,
      }),
    ).toEqual({ percent: null, label: 'Waiting', eta: 'takes about 2 min' });
  });

  it('moves without a figure before the first part is done, never a frozen 0 %', () => {
    const line = describeProgress(facts);
    expect(line.percent).toBeNull();
    expect(line.label).toBe('Working…');
    expect(line.label).not.toMatch(/0 ?%/);
    expect(describeProgress({ ...facts, estimateSeconds: 40 }).eta).toBe('usually about 40 s');
  });

  it('shows the percentage, and the ETA only when known, in minutes for long work', () => {
    expect(describeProgress({ ...facts, shown: 0.456 })).toEqual({
      percent: 45,
      label: 'Working · 45%',
      eta: null,
      busy: false,
    });
    expect(describeProgress({ ...facts, shown: 0.5, etaSeconds: 338 }).eta).toBe(
      'about 6 min left',
    );
    expect(describeProgress({ ...facts, shown: 0.99, etaSeconds: 1 }).eta).toBe('almost done');
  });

  it('shows that work goes on when one long step leaves the bar still without an ETA', () => {
    expect(describeProgress({ ...facts, shown: 0.02, quietMs: 30_000 }).busy).toBe(true);
    expect(describeProgress({ ...facts, shown: 0.02, quietMs: 1_000 }).busy).toBe(false);
    expect(describeProgress({ ...facts, shown: 0.5, quietMs: 30_000, etaSeconds: 20 }).busy).toBe(
      false,
    );
  });

  it('says what happens after an interruption instead of sitting at "Working 0%"', () => {
    expect(describeProgress({ ...facts, interrupted: true }).label).toBe(
      'Interrupted · picking up where it stopped…',
    );
    expect(describeProgress({ ...facts, attempts: 2 }).label).toBe(
      'Started again after an interruption · Working…',
    );
    expect(describeProgress({ ...facts, status: 'queued', attempts: 1 }).label).toBe(
      'Waiting to start again',
    );
  });

  it('shows a model download as a step with its size', () => {
    const download = { text: downloadText('the photo model', 12.4e6, 33e6), fraction: 0.37 };
    expect(download.text).toBe('Downloading the photo model · 12 of 33 MB');
    expect(describeProgress({ ...facts, download }).label).toBe(download.text);
  });

  it('notices a host that stopped renewing its lease', () => {
    const running = job('a', 'processing', 0, { lease_expires_at: 10_000, updated_at: 0 });
    expect(isInterrupted(running, 9_000)).toBe(false);
    expect(isInterrupted(running, 16_000)).toBe(true);
    expect(isInterrupted({ ...running, status: 'queued' }, 16_000)).toBe(false);
    // A hidden tab's timers may renew late; its progress still says it is alive.
    expect(isInterrupted({ ...running, updated_at: 12_000 }, 16_000)).toBe(false);
  });

  it('names models in plain words', () => {
    expect(modelInWords('realesr-general-x4v3')).toBe('the photo model');
    expect(modelInWords('realesr-animevideov3-x4')).toBe('the drawing model');
    expect(modelInWords('isnet')).toBe('the cut-out model');
    expect(modelInWords('face-detect-full')).toBe('the face model');
  });
});
