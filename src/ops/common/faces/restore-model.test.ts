import { describe, expect, it } from 'vitest';
import { catalog } from '@models/catalog.ts';
import type { RgbaImage } from '@/media/image.ts';
import { CANONICAL_FACE, type Similarity, alignFace, applySimilarity } from './align.ts';
import type { Detection } from './detect.ts';
import { type FaceModelRunner, restoreFacesWithModel, scaleSimilarity } from './restore-model.ts';

/** Deterministic texture, so every pixel a paste touches visibly changes. */
function noise(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = i % 4 === 3 ? 255 : 40 + ((s >>> 16) % 170);
  }
  return { width, height, data };
}

/** A face whose keypoints are the template under a known similarity (rotation, scale, shift). */
function faceAt(t: Similarity): Detection {
  const keypoints = CANONICAL_FACE.map((p) => applySimilarity(t, p));
  return {
    x: 0,
    y: 0,
    width: 1,
    height: 1,
    score: 1,
    keypoints: [...keypoints, keypoints[0]!, keypoints[1]!],
  };
}

/** The stand-in's transform: colours inverted in the model's [-1, 1]. */
function invertingRunner(id: string): FaceModelRunner & { calls: number[][] } {
  const entry = catalog.find((e) => e.id === id)!;
  const calls: number[][] = [];
  return {
    entry,
    calls,
    run: async (feeds) => {
      calls.push(feeds.map((f) => f.data.length));
      return { data: (feeds[0]!.data as Float32Array).map((v) => -v), dims: feeds[0]!.dims };
    },
  };
}

describe('face restoration with a model', () => {
  it('aligning at the face size and resampling equals aligning at the model size', () => {
    const kp = faceAt({ a: 60 * Math.cos(0.3), b: 60 * Math.sin(0.3), tx: 40, ty: 55 }).keypoints;
    const native = alignFace(kp, 60);
    const direct = alignFace(kp, 512);
    const scaled = scaleSimilarity(native, 512 / 60);
    for (const key of ['a', 'b', 'tx', 'ty'] as const)
      expect(scaled[key]).toBeCloseTo(direct[key], 6);
  });

  for (const [id, angle, side] of [
    ['gfpgan-1.4', 0.25, 90],
    ['gpen-bfr-256', -0.4, 40],
  ] as const) {
    it(`${id}: a ${side} px face tilted ${angle} rad lands back exactly where it was`, async () => {
      const image = noise(200, 160);
      const toImage = { a: side * Math.cos(angle), b: side * Math.sin(angle), tx: 70, ty: 50 };
      const runner = invertingRunner(id);
      const result = await restoreFacesWithModel({
        image,
        faces: [faceAt(toImage)],
        level: 1,
        runner,
        isCanceled: () => false,
        onProgress: () => {},
      });
      const size = runner.entry.input.size!;
      expect(runner.calls).toEqual([[3 * size * size]]);
      expect(result.restored).toHaveLength(1);
      // The aligned square's centre, seen from the photo: the template's (0.5, 0.5) mapped back.
      const centre = applySimilarity(toImage, { x: 0.5, y: 0.5 });
      expect(result.restored[0]!.x).toBeCloseTo(centre.x, 6);
      expect(result.restored[0]!.y).toBeCloseTo(centre.y, 6);
      expect(result.restored[0]!.side).toBe(side);
      // Where pixels changed: inside the square (as mapped back), and centred on its centre.
      const toCrop = alignFace(faceAt(toImage).keypoints, 1);
      let n = 0;
      let sx = 0;
      let sy = 0;
      let outside = 0;
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          const o = (y * image.width + x) * 4;
          const changed = [0, 1, 2].some((c) => result.image.data[o + c] !== image.data[o + c]);
          if (!changed) continue;
          n++;
          sx += x + 0.5;
          sy += y + 0.5;
          const q = applySimilarity(toCrop, { x: x + 0.5, y: y + 0.5 });
          if (q.x < 0 || q.x > 1 || q.y < 0 || q.y > 1) outside++;
        }
      }
      expect(outside).toBe(0);
      expect(n).toBeGreaterThan(0.7 * side * side);
      expect(sx / n).toBeCloseTo(centre.x, 0);
      expect(sy / n).toBeCloseTo(centre.y, 0);
      const offset = Math.hypot(sx / n - centre.x, sy / n - centre.y);
      console.log(
        `${id}: ${n} px changed, centroid ${offset.toFixed(3)} px from the face's centre`,
      );
      expect(offset).toBeLessThan(0.5);
    });
  }

  it('enhancement level 0 writes nothing; faces too small are skipped, not run', async () => {
    const image = noise(120, 120);
    const runner = invertingRunner('gfpgan-1.4');
    const none = await restoreFacesWithModel({
      image,
      faces: [faceAt({ a: 60, b: 0, tx: 30, ty: 30 })],
      level: 0,
      runner,
      isCanceled: () => false,
      onProgress: () => {},
    });
    expect(Buffer.from(none.image.data).equals(Buffer.from(image.data))).toBe(true);
    const tiny = await restoreFacesWithModel({
      image,
      faces: [faceAt({ a: 10, b: 0, tx: 30, ty: 30 })],
      level: 1,
      runner,
      isCanceled: () => false,
      onProgress: () => {},
    });
    expect(tiny.skipped).toBe(1);
    expect(runner.calls).toHaveLength(1);
  });
});
