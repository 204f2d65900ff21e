import { describe, expect, it } from 'vitest';
import photoDataUrl from '../../../../e2e/fixtures/photo-original-128.png?inline';
import { decodePng, resizeBicubic } from '../../../../e2e/support/images.ts';
import { detectDefects, estimateNoiseSigma, hatResponses } from './defects.ts';
import { dilateMask } from '../../inpaint/mask.ts';
import { damage } from './old-photo-fixture.ts';

function photo256() {
  const base64 = photoDataUrl.slice(photoDataUrl.indexOf(',') + 1);
  const png = decodePng(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  return resizeBicubic(png, 256, 256);
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

describe('hatResponses', () => {
  it('answers a 1-px bright line and a dark one, not a wide bright bar', () => {
    const w = 40;
    const gray = new Float32Array(w * w).fill(100);
    for (let y = 0; y < w; y++) {
      gray[y * w + 5] = 200; // thin bright
      gray[y * w + 12] = 10; // thin dark
      for (let x = 25; x < 37; x++) gray[y * w + x] = 220; // wide bright bar
    }
    const { bright, dark } = hatResponses(gray, w, w, 2);
    expect(bright[20 * w + 5]).toBe(100);
    expect(dark[20 * w + 12]).toBe(90);
    expect(bright[20 * w + 30]).toBe(0);
  });
});

describe('detectDefects on a synthetic old photo', () => {
  it('finds most scratch and speck pixels and marks little of the picture', () => {
    const clean = photo256();
    const { rgba, defects } = damage(clean.data, 256, 256, { noise: 4 });
    const found = detectDefects(rgba, 256, 256);
    let hit = 0;
    let total = 0;
    let falsePositive = 0;
    let far = 0;
    // Marked pixels more than 3 px from anything drawn are false alarms; nearer is margin.
    const near = dilateMask({ width: 256, height: 256, data: defects }, 3);
    for (let i = 0; i < defects.length; i++) {
      if (defects[i]) {
        total++;
        hit += found.mask.data[i]!;
      } else if (!near.data[i]) {
        far++;
        falsePositive += found.mask.data[i]!;
      }
    }
    const recall = hit / total;
    const falseShare = falsePositive / far;
    console.log(
      `defects: recall ${(recall * 100).toFixed(1)} % of ${total} px; ${(falseShare * 100).toFixed(2)} % of pixels > 3 px from any defect marked; ${found.scratches} scratches, ${found.specks} specks, ${found.rejected} rejected; σ ${found.noiseSigma.toFixed(2)}, r ${found.radius}, threshold ${found.threshold.toFixed(1)}`,
    );
    expect(recall).toBeGreaterThan(0.9);
    expect(falseShare).toBeLessThan(0.05);
  });
});
