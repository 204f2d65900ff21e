import { describe, expect, it } from 'vitest';
import { labelComponents } from './components.ts';
import {
  countMask,
  dilateMask,
  emptyMask,
  insideDistance,
  maskBounds,
  maskFromRgba,
  resizeMask,
  ringAround,
  squaredDistanceTo,
} from './mask.ts';

function maskOf(rows: string[]) {
  const m = emptyMask(rows[0]!.length, rows.length);
  rows.forEach((row, y) =>
    [...row].forEach((c, x) => (m.data[y * m.width + x] = c === '#' ? 1 : 0)),
  );
  return m;
}

describe('maskFromRgba', () => {
  it('fills white and opaque pixels, keeps black, dark and transparent ones', () => {
    const rgba = Uint8Array.of(
      ...[255, 255, 255, 255],
      ...[0, 0, 0, 255],
      ...[255, 255, 255, 0],
      ...[200, 200, 200, 255],
      ...[60, 60, 60, 255],
    );
    expect([...maskFromRgba(rgba, 5, 1).data]).toEqual([1, 0, 0, 1, 0]);
  });
});

describe('squaredDistanceTo', () => {
  it('is the exact squared Euclidean distance, brute force on a random set', () => {
    const w = 23;
    const h = 17;
    let seed = 7;
    const set = Array.from({ length: w * h }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % 13 === 0;
    });
    const got = squaredDistanceTo(w, h, (i) => set[i]!);
    for (let i = 0; i < w * h; i++) {
      let best = Infinity;
      for (let j = 0; j < w * h; j++) {
        if (!set[j]) continue;
        const dx = (i % w) - (j % w);
        const dy = Math.floor(i / w) - Math.floor(j / w);
        best = Math.min(best, dx * dx + dy * dy);
      }
      expect(got[i]).toBe(best);
    }
  });
  it('is Infinity everywhere when nothing is set', () => {
    expect([...squaredDistanceTo(3, 2, () => false)].every((d) => d === Infinity)).toBe(true);
  });
});

describe('dilate, ring, thickness, bounds', () => {
  const dot = maskOf(['.......', '.......', '.......', '...#...', '.......', '.......', '.......']);
  it('dilates by a disc', () => {
    expect(countMask(dilateMask(dot, 1))).toBe(5);
    expect(countMask(dilateMask(dot, 1.5))).toBe(9);
    expect(countMask(dilateMask(dot, 2))).toBe(13);
    expect(countMask(dilateMask(dot, 0))).toBe(1);
  });
  it('makes a ring that excludes the region itself', () => {
    const ring = ringAround(dot, 0, 1);
    expect(countMask(ring)).toBe(4);
    expect(ring.data[3 * 7 + 3]).toBe(0);
  });
  it('measures thickness: a 1-px line is 1 deep, a 5×5 square 3', () => {
    const line = maskOf(['.....', '#####', '.....']);
    expect(Math.max(...insideDistance(line))).toBe(1);
    const square = maskOf([
      '.......',
      '.#####.',
      '.#####.',
      '.#####.',
      '.#####.',
      '.#####.',
      '.......',
    ]);
    expect(Math.max(...insideDistance(square))).toBe(3);
  });
  it('bounds the fill pixels', () => {
    expect(maskBounds(dot)).toEqual({ x0: 3, y0: 3, x1: 4, y1: 4 });
    expect(maskBounds(emptyMask(4, 4))).toBeNull();
  });
});

describe('resizeMask', () => {
  it('keeps a 1-px stroke when shrinking and is nearest when enlarging', () => {
    const stroke = maskOf(['........', '........', '........', '#.......']);
    const small = resizeMask(stroke, 4, 2);
    expect([...small.data]).toEqual([0, 0, 0, 0, 1, 0, 0, 0]);
    const big = resizeMask(maskOf(['#.', '..']), 4, 4);
    expect([...big.data]).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
  it('handles sizes that do not divide', () => {
    const m = resizeMask(maskOf(['..#', '...', '...']), 2, 2);
    expect([...m.data]).toEqual([0, 1, 0, 0]);
  });
});

describe('labelComponents', () => {
  it('finds 8-connected regions with area, box and perimeter', () => {
    const m = maskOf(['##....', '.#...#', '.....#', '..###.', '..###.', '..###.']);
    const { list, labels } = labelComponents(m);
    // The right-hand stroke touches the block diagonally, so it joins it.
    expect(list.map((c) => c.area)).toEqual([3, 11]);
    expect(list[1]).toMatchObject({ x0: 2, y0: 1, x1: 6, y1: 6 });
    expect(list[1]!.perimeter).toBe(10);
    expect(labels[0]).toBe(1);
    expect(labels[6 * 5 - 1]).toBe(0);
  });
});
