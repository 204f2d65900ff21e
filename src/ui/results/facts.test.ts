import { describe, expect, it } from 'vitest';
import { createJob, type EngineRecord, type Job } from '@/jobs/job.ts';
import { fileNameFor, formatOf } from './encode.ts';
import {
  engineDetails,
  formatBytes,
  formatTaken,
  modelInPlainWords,
  resultFacts,
  timeTaken,
} from './facts.ts';

const timed = (id: string, created_at: number, completed_at: number | null) => ({
  id,
  created_at,
  completed_at,
});

describe('timeTaken', () => {
  it('is creation to end for a job that did not wait', () => {
    expect(timeTaken(timed('a', 1000, 5000), [])).toBe(4000);
  });

  it('starts a queued job when the job before it ended, not when it was added', () => {
    const first = timed('a', 0, 10_000);
    const second = timed('b', 100, 13_000);
    const third = timed('c', 200, 20_000);
    const all = [first, second, third];
    expect(timeTaken(second, all)).toBe(3000);
    expect(timeTaken(third, all)).toBe(7000);
  });

  it('ignores jobs that ended before it was added or after it ended, and itself', () => {
    const job = timed('b', 5000, 9000);
    const all = [timed('a', 0, 4000), job, timed('c', 6000, 12_000), timed('d', 6000, null)];
    expect(timeTaken(job, all)).toBe(4000);
  });

  it('is null until the job ends', () => {
    expect(timeTaken(timed('a', 0, null), [])).toBeNull();
  });
});

describe('formatTaken and formatBytes', () => {
  it('reads as a person would say it', () => {
    expect(formatTaken(430)).toBe('0.4 s');
    expect(formatTaken(12_400)).toBe('12 s');
    expect(formatTaken(185_000)).toBe('3 min 5 s');
    expect(formatTaken(120_000)).toBe('2 min');
    expect(formatTaken(3_720_000)).toBe('1 h 2 min');
    expect(formatBytes(1_258_291)).toBe('1.2 MB');
    expect(formatBytes(2048)).toBe('2.0 KB');
  });
});

describe('modelInPlainWords', () => {
  const engine = (model?: string): EngineRecord => ({ backend: 'wasm', reason: 'WASM: x', model });

  it('names the model and what it is for, never its file id', () => {
    expect(modelInPlainWords(engine('realesr-general-x4v3'))).toBe('Real-ESRGAN (general photos)');
    expect(modelInPlainWords(engine('realesrgan-x4plus'))).toBe('Real-ESRGAN (finest texture)');
    expect(modelInPlainWords(engine('realesrgan-x4plus-anime'))).toBe(
      'Real-ESRGAN (anime and drawings)',
    );
    expect(modelInPlainWords(engine('esrgan-medium-x2'))).toBe(
      'ESRGAN medium (faithful to the photo)',
    );
  });

  it('joins the models of a chain once each, and falls back to the manifest label', () => {
    expect(modelInPlainWords(engine('face-detect-full + face-detect-short'))).toBe(
      'BlazeFace (finds faces)',
    );
    expect(modelInPlainWords(engine('ppocr-v4-det'))).toBe('Text detection (PP-OCRv4 DB)');
    expect(modelInPlainWords(engine('own-model@1a2b3c'))).toBe('own-model');
  });

  it('is null where no model ran', () => {
    expect(modelInPlainWords(engine())).toBeNull();
    expect(modelInPlainWords(null)).toBeNull();
  });
});

describe('resultFacts', () => {
  const job = (): Job => ({
    ...createJob({
      id: 'j',
      dialect: 'app',
      spec: { operations: [{ type: 'enhance', params: { scale: 4 } }] },
      input: { key: 'in', name: 'p.png', type: 'image/png', bytes: 1_258_291 },
      now: 0,
    }),
    status: 'completed',
    completed_at: 65_000,
    output: {
      key: 'out',
      name: 'p.enhance-x4.png',
      type: 'image/png',
      bytes: 3_565_158,
      width: 2000,
      height: 1448,
    },
    engine: {
      backend: 'wasm',
      reason: 'WASM: no WebGPU adapter is available',
      model: 'realesr-general-x4v3',
      variant: 'fp16w',
      tiles: 12,
    },
  });

  it('says size before and after, pixels, time and model; the backend only in the details', () => {
    const done = job();
    expect(resultFacts(done, [done])).toEqual({
      size: '1.2 MB → 3.4 MB',
      dimensions: '2000×1448',
      took: '1 min 5 s',
      model: 'Real-ESRGAN (general photos)',
    });
    expect(JSON.stringify(resultFacts(done, [done]))).not.toMatch(/WASM|WebGPU/);
    expect(engineDetails(done.engine)).toEqual([
      ['Backend', 'WASM: no WebGPU adapter is available'],
      ['Model', 'realesr-general-x4v3 (fp16w)'],
      ['Tiles', '12'],
    ]);
  });

  it('is null while there is no result', () => {
    expect(resultFacts({ ...job(), output: null }, [])).toBeNull();
  });
});

describe('download names and formats', () => {
  it('gives the result the extension of the format it is saved in', () => {
    expect(fileNameFor('p.enhance-x4.png', 'jpeg')).toBe('p.enhance-x4.jpg');
    expect(fileNameFor('p.enhance-x4.png', 'avif')).toBe('p.enhance-x4.avif');
    expect(fileNameFor('noext', 'webp')).toBe('noext.webp');
  });

  it('knows the stored format from its media type', () => {
    expect(formatOf('image/png')).toBe('png');
    expect(formatOf('image/jpeg')).toBe('jpeg');
    expect(formatOf('image/WEBP')).toBe('webp');
    expect(formatOf('video/mp4')).toBeNull();
  });
});
