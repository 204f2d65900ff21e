import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CALIBRATION_KEY,
  costKey,
  estimateSeconds,
  formatDuration,
  recordRun,
} from './estimate.ts';

/** A localStorage of this test's own: the calibration lives there. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

const upscale = (params: Record<string, unknown>) => ({ type: 'enhance', params });
const megapixel = { width: 1000, height: 1000 };

beforeEach(() => {
  vi.stubGlobal('localStorage', memoryStorage());
});

describe('estimateSeconds from the bench tables', () => {
  it('prices Real-ESRGAN ×4 on WASM at about 2 min per input megapixel, plus its start', () => {
    // 0.129 output MP/s: 16 output megapixels take 124 s; the session takes about 12 s.
    const seconds = estimateSeconds([upscale({ scale: 4, model: 'auto' })], megapixel, 'wasm')!;
    expect(seconds).toBeCloseTo(12 + 16 / 0.129, 5);
    expect(formatDuration(seconds)).toBe('about 2 min');
  });

  it('tells the models apart: best is about 30 min, faithful well under a minute', () => {
    const best = estimateSeconds([upscale({ scale: 4, model: 'best' })], megapixel, 'wasm')!;
    const faithful = estimateSeconds(
      [upscale({ scale: 4, model: 'faithful' })],
      megapixel,
      'wasm',
    )!;
    expect(best / 60).toBeGreaterThan(25);
    expect(best / 60).toBeLessThan(35);
    expect(faithful).toBeLessThan(60);
    expect(faithful).toBeGreaterThan(30);
  });

  it('grows with the photo: four times the pixels, four times the work (beyond the start)', () => {
    const op = [upscale({ scale: 4, model: 'real-esrgan' })];
    const one = estimateSeconds(op, megapixel, 'wasm')! - 12;
    const four = estimateSeconds(op, { width: 2000, height: 2000 }, 'wasm')! - 12;
    expect(four / one).toBeCloseTo(4, 5);
  });

  it('is undefined where nothing was measured: another backend, an unbenched operation', () => {
    expect(estimateSeconds([upscale({ scale: 4 })], megapixel, 'webgpu')).toBeUndefined();
    expect(
      estimateSeconds([{ type: 'remove-background', params: {} }], megapixel, 'wasm'),
    ).toBeUndefined();
    // One step without a basis leaves the whole chain without a figure.
    expect(
      estimateSeconds(
        [upscale({ scale: 4 }), { type: 'remove-background', params: {} }],
        megapixel,
        'wasm',
      ),
    ).toBeUndefined();
    expect(estimateSeconds([], megapixel, 'wasm')).toBeUndefined();
    expect(
      estimateSeconds([upscale({ scale: 4 })], { width: 0, height: 0 }, 'wasm'),
    ).toBeUndefined();
  });

  it('counts a chain step on the size the step before made', () => {
    const denoise = { type: 'denoise', params: {} };
    const alone = estimateSeconds([denoise], megapixel, 'wasm')!;
    const after = estimateSeconds(
      [upscale({ scale: 2, model: 'faithful' }), denoise],
      megapixel,
      'wasm',
    )!;
    const upscaleAlone = estimateSeconds(
      [upscale({ scale: 2, model: 'faithful' })],
      megapixel,
      'wasm',
    )!;
    // The denoise after a ×2 works on four times the pixels.
    expect(after - upscaleAlone).toBeCloseTo(alone * 4, 5);
  });

  it('keys the photo models by choice and the faithful ones by scale', () => {
    expect(costKey(upscale({ scale: 2, model: 'auto' }), 'wasm')).toBe('enhance:real-esrgan|wasm');
    expect(costKey(upscale({ scale: 2, model: 'auto' }), 'webgpu')).toBe('enhance:best|webgpu');
    expect(costKey(upscale({ scale: 5, model: 'faithful' }), 'wasm')).toBe(
      'enhance:faithful-x8|wasm',
    );
    expect(costKey({ type: 'denoise', params: { level: 0.3 } }, 'wasm')).toBe('denoise|wasm');
  });
});

describe('calibration from this device', () => {
  it('fills in an operation the tables do not know after one finished job', () => {
    const cut = [{ type: 'remove-background', params: {} }];
    recordRun(cut[0]!, { width: 500, height: 500 }, 'wasm', 5);
    // 5 s for a quarter megapixel: 20 s per megapixel.
    expect(estimateSeconds(cut, megapixel, 'wasm')).toBeCloseTo(20, 5);
    expect(estimateSeconds(cut, megapixel, 'webgpu')).toBeUndefined();
  });

  it('moves the bench figure towards what this device measures, more with every run', () => {
    const op = upscale({ scale: 4, model: 'real-esrgan' });
    const bench = estimateSeconds([op], megapixel, 'wasm')!;
    // This device is twice as fast as the bench machine.
    const fast = 16 / 0.129 / 2;
    recordRun(op, megapixel, 'wasm', 12 + fast);
    const once = estimateSeconds([op], megapixel, 'wasm')!;
    recordRun(op, megapixel, 'wasm', 12 + fast);
    recordRun(op, megapixel, 'wasm', 12 + fast);
    const thrice = estimateSeconds([op], megapixel, 'wasm')!;
    expect(once).toBeLessThan(bench);
    expect(thrice).toBeLessThan(once);
    expect(thrice - 12).toBeCloseTo(fast + (fast * 2 - fast) / 7, 5);
  });

  it('ignores runs too short to measure and survives damaged storage', () => {
    const cut = { type: 'remove-background', params: {} };
    recordRun(cut, megapixel, 'wasm', 0.1);
    expect(estimateSeconds([cut], megapixel, 'wasm')).toBeUndefined();
    localStorage.setItem(CALIBRATION_KEY, '{not json');
    expect(estimateSeconds([upscale({ scale: 4 })], megapixel, 'wasm')).toBeGreaterThan(100);
  });
});

describe('formatDuration', () => {
  it('says seconds for short work and minutes for long work, never "338 s"', () => {
    expect(formatDuration(0.2)).toBe('about 1 s');
    expect(formatDuration(7.4)).toBe('about 7 s');
    expect(formatDuration(42)).toBe('about 40 s');
    expect(formatDuration(58)).toBe('about 1 min');
    expect(formatDuration(338)).toBe('about 6 min');
    expect(formatDuration(150)).toBe('about 3 min');
    expect(formatDuration(3600 + 600)).toBe('about 1 h 10 min');
    expect(formatDuration(7200)).toBe('about 2 h');
  });
});
