import { describe, expect, it } from 'vitest';
import photoDataUrl from '../../../e2e/fixtures/photo-original-128.png?inline';
import { decodePng, resizeBicubic } from '../../../e2e/support/images.ts';
import { detectDefects, estimateNoiseSigma, medianFilter } from './defects.ts';
import { dilateMask } from '../common/inpaint/mask.ts';
import { damage, damageRandomly } from './old-photo-fixture.ts';

function photo(size: number) {
  const base64 = photoDataUrl.slice(photoDataUrl.indexOf(',') + 1);
  const png = decodePng(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  return resizeBicubic(png, size, size);
}

/** Share of drawn pixels marked, and of pixels > 2 px from anything drawn that were marked. */
function score(defects: Uint8Array, found: Uint8Array, size: number) {
  const near = dilateMask({ width: size, height: size, data: defects }, 2);
  let hit = 0;
  let total = 0;
  let falsePositive = 0;
  let far = 0;
  for (let i = 0; i < defects.length; i++) {
    if (defects[i]) {
      total++;
      hit += found[i]!;
    } else if (!near.data[i]) {
      far++;
      falsePositive += found[i]!;
    }
  }
  return { recall: hit / total, falseShare: falsePositive / far };
}

describe('estimateNoiseSigma', () => {
  it('reads the σ of added Gaussian noise on a flat picture within 15 %', () => {
    const w = 128;
    const gray = new Float32Array(w * w);
    let seed = 3;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < gray.length; i++) {
      gray[i] = 128 + Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random()) * 6;
    }
    expect(estimateNoiseSigma(gray, w, w)).toBeGreaterThan(6 * 0.85);
    expect(estimateNoiseSigma(gray, w, w)).toBeLessThan(6 * 1.15);
  });
});

describe('medianFilter', () => {
  it('removes a 3-px line and keeps a wide bar and its edges', () => {
    const w = 48;
    const gray = new Uint8Array(w * w).fill(100);
    for (let y = 0; y < w; y++) {
      for (let x = 5; x < 8; x++) gray[y * w + x] = 250; // thin
      for (let x = 25; x < 40; x++) gray[y * w + x] = 220; // wide
    }
    const med = medianFilter(gray, w, w, 5);
    expect(med[20 * w + 6]).toBe(100);
    expect(med[20 * w + 32]).toBe(220);
    expect(med[20 * w + 24]).toBe(100);
    expect(med[20 * w + 25]).toBe(220);
  });
});

describe('detectDefects', () => {
  it('finds scratches drawn at several angles, light and dark, and specks', () => {
    const size = 256;
    const clean = photo(size);
    const results = [11, 12, 13].map((seed) => {
      const { rgba, defects } = damageRandomly(clean.data, size, size, { seed });
      const found = detectDefects(rgba, size, size);
      return { ...score(defects, found.mask.data, size), found };
    });
    for (const { recall, falseShare, found } of results) {
      console.log(
        `random damage: recall ${(recall * 100).toFixed(1)} %, ${(falseShare * 100).toFixed(2)} % of far pixels marked; ${found.scratches} scratches, ${found.specks} specks, threshold ${found.threshold.toFixed(1)}`,
      );
      expect(found.scratches).toBeGreaterThan(0);
      expect(recall).toBeGreaterThan(0.35);
      expect(falseShare).toBeLessThan(0.01);
    }
    // The older fixture: straight scratches and round specks on film grain.
    const { rgba, defects } = damage(clean.data, size, size, { noise: 4 });
    const { recall, falseShare } = score(defects, detectDefects(rgba, size, size).mask.data, size);
    expect(recall).toBeGreaterThan(0.6);
    expect(falseShare).toBeLessThan(0.01);
  });

  it('finds a scratch at every angle on a plain print', () => {
    const size = 160;
    for (let a = 0; a < 180; a += 30) {
      const grey = new Uint8Array(size * size * 4);
      for (let i = 0; i < size * size; i++) {
        const v = 90 + ((i % size) * 60) / size;
        grey.set([v, v, v, 255], i * 4);
      }
      const t = (a * Math.PI) / 180;
      const drawn = new Uint8Array(size * size);
      for (let k = -60; k <= 60; k += 0.25) {
        const x = Math.round(80 + k * Math.cos(t));
        const y = Math.round(80 + k * Math.sin(t));
        const i = y * size + x;
        grey.set([240, 240, 240, 255], i * 4);
        drawn[i] = 1;
      }
      const found = detectDefects(grey, size, size);
      const { recall, falseShare } = score(drawn, found.mask.data, size);
      expect(recall, `scratch at ${a}°`).toBeGreaterThan(0.85);
      expect(falseShare, `scratch at ${a}°`).toBe(0);
    }
  });

  it('marks (nearly) nothing on a clean photo', () => {
    const size = 256;
    const found = detectDefects(photo(size).data, size, size);
    let marked = 0;
    for (const v of found.mask.data) marked += v;
    expect(marked / (size * size)).toBeLessThan(0.002);
  });
});
