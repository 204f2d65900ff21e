import { describe, expect, it } from 'vitest';
import {
  type Detection,
  FULL_RANGE_ANCHORS,
  SHORT_RANGE_ANCHORS,
  VALUES_PER_ANCHOR,
  decodeDetections,
  detectionToImage,
  detectionWindows,
  fromLetterbox,
  generateAnchors,
  iou,
  letterbox,
  letterboxPixels,
  sigmoid,
  toLetterbox,
  touchesInnerEdge,
  weightedNms,
} from './detect.ts';

describe('SSD anchors (MediaPipe face detection options)', () => {
  it('short range: 16×16 × 2 at stride 8, then 8×8 × 6 at stride 16 = 896', () => {
    const anchors = generateAnchors(SHORT_RANGE_ANCHORS);
    expect(anchors).toHaveLength(896);
    // First cell of the stride-8 map, two anchors at the same centre.
    expect(anchors[0]).toEqual({ x: 0.5 / 16, y: 0.5 / 16, w: 1, h: 1 });
    expect(anchors[1]).toEqual(anchors[0]);
    // The second cell of the first row moves one stride right.
    expect(anchors[2]!.x).toBeCloseTo(1.5 / 16, 12);
    expect(anchors[2]!.y).toBeCloseTo(0.5 / 16, 12);
    // Last stride-8 cell, then the first stride-16 cell with its 6 anchors.
    expect(anchors[511]).toMatchObject({ x: 15.5 / 16, y: 15.5 / 16 });
    for (let k = 512; k < 518; k++) expect(anchors[k]).toMatchObject({ x: 0.5 / 8, y: 0.5 / 8 });
    expect(anchors[518]!.x).toBeCloseTo(1.5 / 8, 12);
    expect(anchors[895]).toMatchObject({ x: 7.5 / 8, y: 7.5 / 8 });
  });

  it('full range: 48×48 × 1 at stride 4 = 2304, row-major', () => {
    const anchors = generateAnchors(FULL_RANGE_ANCHORS);
    expect(anchors).toHaveLength(2304);
    expect(anchors[0]).toEqual({ x: 0.5 / 48, y: 0.5 / 48, w: 1, h: 1 });
    expect(anchors[47]).toMatchObject({ x: 47.5 / 48, y: 0.5 / 48 });
    expect(anchors[48]).toMatchObject({ x: 0.5 / 48, y: 1.5 / 48 });
    expect(anchors[2303]).toMatchObject({ x: 47.5 / 48, y: 47.5 / 48 });
  });

  it('without a fixed anchor size, sizes follow the layer scales', () => {
    const anchors = generateAnchors({ ...SHORT_RANGE_ANCHORS, fixedAnchorSize: false });
    // Layer 0 scale 0.1484375, interpolated sqrt(0.1484375 · scale of layer 1).
    expect(anchors[0]!.w).toBeCloseTo(0.1484375, 12);
    const layer1 = 0.1484375 + (0.75 - 0.1484375) / 3;
    expect(anchors[1]!.w).toBeCloseTo(Math.sqrt(0.1484375 * layer1), 12);
    // The last layer's interpolated anchor uses scale 1 as "next".
    expect(anchors[517]!.w).toBeCloseTo(Math.sqrt(0.75), 12);
  });
});

/** A raw head output with one anchor set to a face at the given input-pixel geometry. */
function rawWith(
  anchorsCount: number,
  entries: { index: number; logit: number; offset: number[] }[],
): Float32Array {
  const raw = new Float32Array(anchorsCount * VALUES_PER_ANCHOR).fill(0);
  for (let i = 0; i < anchorsCount; i++) raw[i * VALUES_PER_ANCHOR] = -10;
  for (const e of entries) {
    raw[e.index * VALUES_PER_ANCHOR] = e.logit;
    raw.set(e.offset, e.index * VALUES_PER_ANCHOR + 1);
  }
  return raw;
}

describe('decoding the [1, N, 17] head', () => {
  it('score sigmoid with MediaPipe clipping', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(sigmoid(1e6)).toBe(sigmoid(100));
  });

  it('box and keypoints are offsets in input pixels from the anchor centre', () => {
    const anchors = generateAnchors(FULL_RANGE_ANCHORS);
    // Anchor 48*10+20: centre (20.5/48, 10.5/48) = (82, 42) input pixels.
    const index = 48 * 10 + 20;
    const offset = [4, -2, 40, 48, -10, -8, 10, -8, 0, 4, 0, 16, -20, 0, 20, 0];
    const raw = rawWith(anchors.length, [{ index, logit: 3, offset }]);
    const [d, ...rest] = decodeDetections(raw, anchors, 192);
    expect(rest).toHaveLength(0);
    expect(d!.score).toBeCloseTo(sigmoid(3), 12);
    const px = (v: number) => v * 192;
    expect(px(d!.x + d!.width / 2)).toBeCloseTo(86, 4);
    expect(px(d!.y + d!.height / 2)).toBeCloseTo(40, 4);
    expect(px(d!.width)).toBeCloseTo(40, 4);
    expect(px(d!.height)).toBeCloseTo(48, 4);
    expect(px(d!.keypoints[0]!.x)).toBeCloseTo(72, 4); // right eye: image left
    expect(px(d!.keypoints[1]!.x)).toBeCloseTo(92, 4);
    expect(px(d!.keypoints[3]!.y)).toBeCloseTo(58, 4); // mouth centre
    expect(d!.keypoints).toHaveLength(6);
  });

  it('drops scores under the threshold and refuses a head of the wrong size', () => {
    const anchors = generateAnchors(SHORT_RANGE_ANCHORS);
    const raw = rawWith(anchors.length, [
      { index: 3, logit: -0.1, offset: [] },
      { index: 600, logit: 0.1, offset: [] },
    ]);
    expect(decodeDetections(raw, anchors, 128).map((d) => d.score)).toEqual([
      sigmoid(Math.fround(0.1)),
    ]);
    expect(() => decodeDetections(raw.subarray(17), anchors, 128)).toThrow(/expected 17 each/);
  });
});

function det(x: number, y: number, size: number, score: number): Detection {
  return {
    x,
    y,
    width: size,
    height: size,
    score,
    keypoints: [{ x: x + size / 2, y: y + size / 2 }],
  };
}

describe('weighted non-maximum suppression', () => {
  it('IoU of boxes', () => {
    expect(iou(det(0, 0, 10, 1), det(0, 0, 10, 1))).toBe(1);
    expect(iou(det(0, 0, 10, 1), det(5, 0, 10, 1))).toBeCloseTo(50 / 150, 12);
    expect(iou(det(0, 0, 10, 1), det(20, 0, 10, 1))).toBe(0);
  });

  it('merges overlapping detections by score-weighted mean and keeps separate faces', () => {
    const out = weightedNms([
      det(0, 0, 10, 0.6),
      det(2, 0, 10, 0.9), // IoU with the best = 80/120 > 0.3: merged
      det(100, 100, 20, 0.7), // another face
      det(5, 0, 10, 0.8), // IoU with the best 70/130 > 0.3: merged too
    ]);
    expect(out).toHaveLength(2);
    const [first, second] = out;
    expect(first!.score).toBe(0.9);
    const expectedX = (0 * 0.6 + 2 * 0.9 + 5 * 0.8) / (0.6 + 0.9 + 0.8);
    expect(first!.x).toBeCloseTo(expectedX, 12);
    expect(first!.keypoints[0]!.x).toBeCloseTo(expectedX + 5, 12);
    expect(second).toMatchObject({ x: 100, y: 100, score: 0.7 });
  });

  it('a detection overlapping by 0.3 or less is another face', () => {
    // IoU exactly 0.3 → not merged (MediaPipe merges only when similarity > threshold).
    const a = det(0, 0, 10, 0.9);
    const b = { ...det(0, 0, 10, 0.8), x: 10 - 60 / 13, width: 10 };
    expect(iou(a, b)).toBeCloseTo(0.3, 12);
    expect(weightedNms([a, b], 0.3 + 1e-9)).toHaveLength(2);
  });
});

describe('letterboxing', () => {
  it('keeps the aspect and centres the image', () => {
    const box = letterbox(300, 200, 192);
    expect(box).toMatchObject({ width: 192, height: 128, padX: 0, padY: 32 });
    const tall = letterbox(90, 180, 128);
    expect(tall).toMatchObject({ width: 64, height: 128, padX: 32, padY: 0 });
  });

  it('image → input → image is the identity', () => {
    for (const [w, h, s] of [
      [300, 200, 192],
      [97, 331, 128],
      [640, 640, 128],
      [1, 5, 192],
    ] as const) {
      const box = letterbox(w, h, s);
      for (const p of [
        { x: 0, y: 0 },
        { x: w, y: h },
        { x: w * 0.3, y: h * 0.7 },
      ]) {
        const back = fromLetterbox(box, toLetterbox(box, p));
        expect(back.x).toBeCloseTo(p.x, 9);
        expect(back.y).toBeCloseTo(p.y, 9);
      }
    }
  });

  it('maps a detection from the padded square back onto the image', () => {
    const box = letterbox(400, 200, 128); // 128 × 64 at padY 32
    const d: Detection = {
      x: 0.25,
      y: 0.25 + 16 / 128,
      width: 0.25,
      height: 0.125,
      score: 0.9,
      keypoints: [{ x: 0.5, y: 0.5 }],
    };
    const img = detectionToImage(box, d);
    expect(img.x).toBeCloseTo(100, 9);
    expect(img.y).toBeCloseTo(50, 9);
    expect(img.width).toBeCloseTo(100, 9);
    expect(img.height).toBeCloseTo(50, 9);
    expect(img.keypoints[0]).toEqual({ x: 200, y: 100 });
  });

  it('draws the scaled image into the square with black bars', () => {
    const data = new Uint8ClampedArray(4 * 2 * 4).fill(200);
    const square = letterboxPixels({ width: 4, height: 2, data }, letterbox(4, 2, 8));
    expect(square.width).toBe(8);
    const at = (x: number, y: number) =>
      Array.from(square.data.subarray((y * 8 + x) * 4, (y * 8 + x) * 4 + 4));
    expect(at(3, 0)).toEqual([0, 0, 0, 255]);
    expect(at(3, 2)).toEqual([200, 200, 200, 200]);
    expect(at(3, 5)).toEqual([200, 200, 200, 200]);
    expect(at(3, 6)).toEqual([0, 0, 0, 255]);
  });
});

describe('detection windows for large photos', () => {
  it('a photo near the input size is looked at whole', () => {
    expect(detectionWindows(256, 256, 192)).toEqual([{ x: 0, y: 0, width: 256, height: 256 }]);
    expect(detectionWindows(400, 300, 192)).toHaveLength(1);
  });

  it('a large photo adds overlapping grids that cover it, each window ≥ 1.5 × the input', () => {
    const width = 4000;
    const height = 3000;
    const windows = detectionWindows(width, height, 192);
    expect(windows[0]).toEqual({ x: 0, y: 0, width, height });
    const sides = new Set(windows.slice(1).map((w) => w.width));
    // 2, 4 and 8 windows across the longer side, each 25 % wider than its share.
    expect([...sides].sort((a, b) => b - a)).toEqual([2500, 1250, 625]);
    expect(windows).toHaveLength(1 + 4 + 12 + 63);
    for (const side of sides) {
      const level = windows.filter((w) => w.width === side);
      // Every pixel of the photo is inside some window of each level.
      for (const [px, py] of [
        [0, 0],
        [width - 1, height - 1],
        [1999, 1499],
        [3999, 0],
      ] as const) {
        expect(
          level.some((w) => px >= w.x && px < w.x + w.width && py >= w.y && py < w.y + w.height),
        ).toBe(true);
      }
      for (const w of level) {
        expect(w.x + w.width).toBeLessThanOrEqual(width);
        expect(w.y + w.height).toBeLessThanOrEqual(height);
        expect(Math.max(w.width, w.height)).toBeGreaterThanOrEqual(288);
      }
    }
  });

  it('drops a face cut by a window edge inside the photo, keeps one at the photo edge', () => {
    const win = { x: 100, y: 0, width: 300, height: 300 };
    const face = (x: number, y: number): Detection => ({
      x,
      y,
      width: 40,
      height: 40,
      score: 0.9,
      keypoints: [],
    });
    expect(touchesInnerEdge(face(101, 100), win, 1000, 300)).toBe(true); // left edge is inner
    expect(touchesInnerEdge(face(200, 0), win, 1000, 300)).toBe(false); // top edge is the photo's
    expect(touchesInnerEdge(face(362, 100), win, 1000, 300)).toBe(true); // right edge is inner
    expect(touchesInnerEdge(face(200, 100), win, 1000, 300)).toBe(false);
  });
});
