import { describe, expect, it } from 'vitest';
import { downscaleArea } from '../../e2e/support/images.ts';
import {
  StreamingResizer,
  axisTaps,
  fitInside,
  lanczos3,
  resizeImage,
  resizeToFit,
} from './resize.ts';
import type { RgbaImage } from './image.ts';

function filled(width: number, height: number, rgba: [number, number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { data, width, height };
}

/** A smooth, photo-like pattern: a few sinusoids of low frequency plus a diagonal ramp. */
function smoothPattern(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = 128 + 90 * Math.sin(x / 19) * Math.cos(y / 23);
      data[i + 1] = (255 * (x + y)) / (width + height);
      data[i + 2] = 128 + 100 * Math.sin((x + 2 * y) / 37);
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

function maxDifference(a: RgbaImage, b: RgbaImage, channels = 4): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let max = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (i % 4 >= channels) continue;
    max = Math.max(max, Math.abs(a.data[i]! - b.data[i]!));
  }
  return max;
}

describe('lanczos3 and its taps', () => {
  it('is 1 at 0, 0 at the other integers and outside ±3', () => {
    expect(lanczos3(0)).toBe(1);
    for (const x of [-2, -1, 1, 2]) expect(Math.abs(lanczos3(x))).toBeLessThan(1e-12);
    expect(lanczos3(3)).toBe(0);
    expect(lanczos3(-3.5)).toBe(0);
  });

  it('gives weights that sum to 1 for every output index, up or down', () => {
    for (const [src, dst] of [
      [100, 37],
      [37, 100],
      [7, 7],
      [1, 5],
      [640, 3],
    ] as const) {
      const taps = axisTaps(src, dst);
      for (let d = 0; d < dst; d++) {
        let sum = 0;
        for (let k = 0; k < taps.count[d]!; k++) sum += taps.weights[d * taps.stride + k]!;
        expect(sum).toBeCloseTo(1, 5);
        expect(taps.start[d]! + taps.count[d]!).toBeLessThanOrEqual(src);
      }
    }
  });
});

describe('resizeImage', () => {
  it('keeps a constant image constant, alpha included, at any scale', () => {
    for (const colour of [
      [200, 100, 50, 255],
      [10, 20, 30, 128],
    ] as [number, number, number, number][]) {
      for (const [w, h] of [
        [13, 7],
        [100, 64],
        [31, 97],
        [1, 1],
      ] as const) {
        const out = resizeImage(filled(40, 30, colour), w, h);
        expect(maxDifference(out, filled(w, h, colour))).toBe(0);
      }
    }
  });

  it('makes exactly the asked size', () => {
    const src = smoothPattern(50, 30);
    for (const [w, h] of [
      [1, 1],
      [51, 29],
      [400, 3],
      [17, 240],
    ] as const) {
      const out = resizeImage(src, w, h);
      expect([out.width, out.height, out.data.length]).toEqual([w, h, w * h * 4]);
    }
  });

  it('shrinks a known pattern as area averaging does, within a level or two', () => {
    const src = smoothPattern(128, 96);
    for (const factor of [2, 4, 8]) {
      const lanczos = resizeImage(src, 128 / factor, 96 / factor);
      const area = downscaleArea(src, factor);
      // Lanczos is a little sharper than a box; on a smooth pattern they agree within 2 levels.
      let sum = 0;
      for (let i = 0; i < area.data.length; i++) sum += Math.abs(lanczos.data[i]! - area.data[i]!);
      expect(sum / area.data.length).toBeLessThan(0.5);
      expect(maxDifference(lanczos, area)).toBeLessThanOrEqual(2);
    }
  });

  it('averages a 1-pixel checkerboard to grey when halving it', () => {
    const src = filled(64, 64, [0, 0, 0, 255]);
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++)
        if ((x + y) % 2) src.data.fill(255, (y * 64 + x) * 4, (y * 64 + x) * 4 + 3);
    }
    const out = resizeImage(src, 32, 32);
    // Within 4 levels: Lanczos lets a trace of the finest detail through, most at the edges.
    for (let i = 0; i < out.data.length; i += 4) {
      expect(Math.abs(out.data[i]! - 127.5)).toBeLessThan(4);
    }
  });

  it('filters colour premultiplied: a transparent neighbour never tints an edge', () => {
    // Left half opaque red; right half fully transparent but with green colour values.
    const src = filled(32, 8, [255, 0, 0, 255]);
    for (let y = 0; y < 8; y++) {
      for (let x = 16; x < 32; x++) src.data.set([0, 255, 0, 0], (y * 32 + x) * 4);
    }
    for (const [w, h] of [
      [12, 3],
      [77, 20],
    ] as const) {
      const out = resizeImage(src, w, h);
      let partial = 0;
      for (let i = 0; i < out.data.length; i += 4) {
        if (out.data[i + 3] === 0) continue;
        if (out.data[i + 3]! < 255) partial++;
        expect([out.data[i], out.data[i + 1], out.data[i + 2]]).toEqual([255, 0, 0]);
      }
      expect(partial).toBeGreaterThan(0); // the edge really was blended
    }
  });

  it('is the identity at the same size', () => {
    const src = smoothPattern(20, 10);
    expect(resizeImage(src, 20, 10).data).toEqual(src.data);
  });
});

describe('StreamingResizer', () => {
  it('gives the same pixels whether rows arrive one by one or all at once, in bands', () => {
    const src = smoothPattern(60, 45);
    const whole = resizeImage(src, 23, 80);
    const rows: number[] = [];
    const parts: Uint8Array[] = [];
    const resizer = new StreamingResizer(
      60,
      45,
      23,
      80,
      (rgba, n) => {
        rows.push(n);
        parts.push(rgba.slice(0, n * 23 * 4));
      },
      7,
    );
    for (let y = 0; y < 45; y++) resizer.push(src.data.subarray(y * 240, (y + 1) * 240), 1);
    resizer.finish();
    expect(rows.reduce((a, b) => a + b, 0)).toBe(80);
    expect(Math.max(...rows)).toBe(7);
    const joined = new Uint8Array(23 * 80 * 4);
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    expect(joined).toEqual(whole.data);
  });

  it('refuses to finish early and to take too many rows', () => {
    const resizer = new StreamingResizer(4, 4, 2, 2, () => {});
    resizer.push(new Uint8Array(4 * 4 * 3), 3);
    expect(() => resizer.finish()).toThrow(/3 of 4/);
    expect(() => resizer.push(new Uint8Array(4 * 4 * 2), 2)).toThrow(/more than/);
  });
});

describe('fitInside and resizeToFit', () => {
  it('fits inside a box, larger or smaller, keeping the aspect', () => {
    expect(fitInside(300, 200, 1024, 1024)).toEqual({ width: 1024, height: 683 });
    expect(fitInside(300, 200, 150, 150)).toEqual({ width: 150, height: 100 });
    expect(fitInside(200, 300, 100, 1000)).toEqual({ width: 100, height: 150 });
    expect(fitInside(1000, 1, 10, 10)).toEqual({ width: 10, height: 1 });
  });

  it('leaves an image that fits alone when asked not to enlarge', () => {
    const src = smoothPattern(30, 20);
    expect(resizeToFit(src, 64, 64, { enlarge: false })).toBe(src);
    expect(resizeToFit(src, 60, 60)).toMatchObject({ width: 60, height: 40 });
    expect(resizeToFit(src, 15, 15, { enlarge: false })).toMatchObject({ width: 15, height: 10 });
  });
});
