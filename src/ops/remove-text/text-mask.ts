/**
 * The pure half of text detection with PP-OCRv4's DB detector: its input tensor, and the mask
 * from its probability map. The contract (input name, channel order, mean/std, size multiple,
 * output name) is read from the manifest entry, never written here.
 *
 * Post-processing follows PaddleOCR's DBPostProcess with its defaults: binarise the probability
 * at 0.3, keep a region when its mean probability is ≥ 0.6 and its short side ≥ 3 px, and
 * "unclip" it: DB is trained on text polygons shrunk by D = A(1 − 0.4²)/L, so each region is grown
 * back by D' = A · 1.5 / L (A its area, L its perimeter). PaddleOCR does that to the region's
 * rotated box with a polygon offset; here the region itself is grown by D' (a disc), which gives
 * the same box for a straight line of text and hugs curved or rotated text more closely, which is
 * what a mask to fill wants.
 */

import { labelComponents } from '../common/inpaint/components.ts';
import {
  type Mask,
  dilateMask,
  emptyMask,
  resizeMask,
  squaredDistanceTo,
} from '../common/inpaint/mask.ts';

export interface DetectorContract {
  channelOrder: 'RGB' | 'BGR';
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  sizeMultiple?: number;
}

/**
 * PaddleOCR's DetResizeForTest, limit type "max": shrink so the long side is at most `limit`,
 * never enlarge, then round each side to the model's multiple (at least one multiple).
 */
export function detectorSize(
  width: number,
  height: number,
  multiple = 32,
  limit = 960,
): { width: number; height: number } {
  const ratio = Math.max(width, height) > limit ? limit / Math.max(width, height) : 1;
  const round = (v: number) => Math.max(multiple, Math.round((v * ratio) / multiple) * multiple);
  return { width: round(width), height: round(height) };
}

/**
 * The image resized (bilinear, pixel centres aligned, as cv2.resize's INTER_LINEAR) to `size`
 * and laid out as the model wants: NCHW float32, channels in its order, (v/255 − mean) / std.
 */
export function detectorTensor(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  size: { width: number; height: number },
  contract: DetectorContract,
): Float32Array {
  const { width: w, height: h } = size;
  const plane = w * h;
  const out = new Float32Array(3 * plane);
  // Source channel feeding each model channel: BGR reads blue first.
  const order = contract.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const sx = width / w;
  const sy = height / h;
  for (let y = 0; y < h; y++) {
    const fy = Math.min(height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const s = order[c]!;
        const a = rgba[(y0 * width + x0) * 4 + s]!;
        const b = rgba[(y0 * width + x1) * 4 + s]!;
        const d = rgba[(y1 * width + x0) * 4 + s]!;
        const e = rgba[(y1 * width + x1) * 4 + s]!;
        const v = (a * (1 - wx) + b * wx) * (1 - wy) + (d * (1 - wx) + e * wx) * wy;
        out[c * plane + y * w + x] = (v / 255 - contract.mean[c]!) / contract.std[c]!;
      }
    }
  }
  return out;
}

export interface DbOptions {
  /** Probability above which a pixel is text. */
  threshold?: number;
  /** Mean probability a region needs to be kept. */
  boxThreshold?: number;
  unclipRatio?: number;
  /** Regions thinner than this (px of the map) are dropped. */
  minSize?: number;
}

export interface DbResult {
  /** At the probability map's size. */
  mask: Mask;
  regions: number;
}

/** DB post-processing: the text regions of a probability map, grown back to full text size. */
export function dbTextMask(
  prob: Float32Array,
  width: number,
  height: number,
  options: DbOptions = {},
): DbResult {
  const threshold = options.threshold ?? 0.3;
  const boxThreshold = options.boxThreshold ?? 0.6;
  const unclipRatio = options.unclipRatio ?? 1.5;
  const minSize = options.minSize ?? 3;
  const bitmap = emptyMask(width, height);
  for (let i = 0; i < bitmap.data.length; i++) bitmap.data[i] = prob[i]! > threshold ? 1 : 0;
  const { labels, list } = labelComponents(bitmap);
  const sums = new Float64Array(list.length + 1);
  for (let i = 0; i < labels.length; i++) if (labels[i]) sums[labels[i]!]! += prob[i]!;
  const mask = emptyMask(width, height);
  let regions = 0;
  for (const c of list) {
    const long = Math.max(c.x1 - c.x0, c.y1 - c.y0);
    if (c.area / long < minSize && Math.min(c.x1 - c.x0, c.y1 - c.y0) < minSize) continue;
    if (sums[c.label]! / c.area < boxThreshold) continue;
    const grow = (c.area * unclipRatio) / Math.max(1, c.perimeter);
    const reach = Math.ceil(grow) + 1;
    const x0 = Math.max(0, c.x0 - reach);
    const y0 = Math.max(0, c.y0 - reach);
    const x1 = Math.min(width, c.x1 + reach);
    const y1 = Math.min(height, c.y1 + reach);
    const ww = x1 - x0;
    const dist = squaredDistanceTo(ww, y1 - y0, (j) => {
      const x = x0 + (j % ww);
      const y = y0 + Math.floor(j / ww);
      return labels[y * width + x] === c.label;
    });
    for (let j = 0; j < dist.length; j++) {
      if (dist[j]! <= grow * grow) {
        mask.data[(y0 + Math.floor(j / ww)) * width + x0 + (j % ww)] = 1;
      }
    }
    regions++;
  }
  return { mask, regions };
}

/**
 * The detector's mask brought to the photo: scaled from the map's size (any covered pixel
 * counts) and grown by `margin` px to take in anti-aliased edges and glow around the letters.
 */
export function textMaskForImage(
  db: DbResult,
  width: number,
  height: number,
  margin: number,
): Mask {
  return dilateMask(resizeMask(db.mask, width, height), margin);
}
