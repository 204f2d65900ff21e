// Test scenes with a known subject mask, for the background operations, and the measures that
// score a result against that mask. Node-side and deterministic.

import { type RgbaImage, type RgbaImageLike, createImage, resizeBicubic } from './images.ts';

export interface MaskedScene {
  image: RgbaImage;
  /** Subject coverage 0..1 per pixel (anti-aliased at the edge): the ground truth. */
  mask: Float32Array;
}

/** A woven-fabric texture: two crossing sine weaves in muted blue-grey, with fine grain. */
export function fabric(width: number, height: number): RgbaImage {
  const img = createImage(width, height);
  let seed = 1234567;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const grain = ((seed >>> 16) % 13) - 6;
      const weave = 14 * Math.sin(x * 0.9) * Math.sin(y * 0.23) + 10 * Math.sin(y * 0.8 + x * 0.05);
      const o = (y * width + x) * 4;
      img.data[o] = clamp(96 + weave + grain);
      img.data[o + 1] = clamp(112 + weave + grain);
      img.data[o + 2] = clamp(128 + weave * 0.8 + grain);
      img.data[o + 3] = 255;
    }
  }
  return img;
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/**
 * A disk cut from `photo` (centre cx, cy, radius r in its pixels), enlarged `scale` times and
 * pasted over `backdrop` at (px, py) (top-left of the enlarged disk's bounding square). The
 * disk's edge is anti-aliased by exact-ish coverage (4 × 4 supersampling).
 */
export function pasteDisk(
  photo: RgbaImageLike,
  backdrop: RgbaImage,
  disk: { cx: number; cy: number; r: number; scale: number; px: number; py: number },
): MaskedScene {
  const side = Math.round(2 * disk.r * disk.scale);
  const big = resizeBicubic(photo, photo.width * disk.scale, photo.height * disk.scale);
  const { width, height } = backdrop;
  const image: RgbaImage = { width, height, data: new Uint8Array(backdrop.data) };
  const mask = new Float32Array(width * height);
  const radius = disk.r * disk.scale;
  const centreX = disk.px + side / 2;
  const centreY = disk.py + side / 2;
  // Source offset: the disk's centre in the enlarged photo lands on (centreX, centreY).
  const offX = disk.cx * disk.scale - centreX;
  const offY = disk.cy * disk.scale - centreY;
  for (let y = Math.max(0, disk.py - 1); y < Math.min(height, disk.py + side + 1); y++) {
    for (let x = Math.max(0, disk.px - 1); x < Math.min(width, disk.px + side + 1); x++) {
      let inside = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const dx = x + (sx + 0.5) / 4 - centreX;
          const dy = y + (sy + 0.5) / 4 - centreY;
          if (dx * dx + dy * dy <= radius * radius) inside++;
        }
      }
      const a = inside / 16;
      if (a === 0) continue;
      mask[y * width + x] = a;
      const sxp = Math.min(big.width - 1, Math.max(0, Math.round(x + offX)));
      const syp = Math.min(big.height - 1, Math.max(0, Math.round(y + offY)));
      const s = (syp * big.width + sxp) * 4;
      const o = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        image.data[o + c] = clamp(a * big.data[s + c]! + (1 - a) * backdrop.data[o + c]!);
      }
    }
  }
  return { image, mask };
}

/** Intersection over union of (a > t) and (b > t). */
export function maskIoU(a: ArrayLike<number>, b: ArrayLike<number>, threshold = 0.5): number {
  if (a.length !== b.length) throw new RangeError('masks differ in size');
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i]! > threshold;
    const q = b[i]! > threshold;
    if (p && q) inter++;
    if (p || q) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/** Alpha of an RGBA image as 0..1. */
export function alphaOf(img: RgbaImageLike): Float32Array {
  const out = new Float32Array(img.width * img.height);
  for (let i = 0; i < out.length; i++) out[i] = img.data[i * 4 + 3]! / 255;
  return out;
}

/**
 * Pixels `margin` or more pixels away from the mask's 0.5 edge, on each side: where a result
 * must be pure subject or pure background.
 */
export function maskRegions(
  mask: Float32Array,
  width: number,
  height: number,
  margin: number,
): { subject: Uint8Array; background: Uint8Array; edge: Uint8Array } {
  const subject = new Uint8Array(mask.length);
  const background = new Uint8Array(mask.length);
  const edge = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = mask[y * width + x]! > 0.5;
      let near = false;
      for (let dy = -margin; dy <= margin && !near; dy++) {
        for (let dx = -margin; dx <= margin && !near; dx++) {
          const u = Math.min(width - 1, Math.max(0, x + dx));
          const v = Math.min(height - 1, Math.max(0, y + dy));
          if (mask[v * width + u]! > 0.5 !== inside) near = true;
        }
      }
      const i = y * width + x;
      if (near) edge[i] = 1;
      else if (inside) subject[i] = 1;
      else background[i] = 1;
    }
  }
  return { subject, background, edge };
}

/**
 * Mean squared response of the 3 × 3 Laplacian on luma over the pixels a region marks: the
 * high-frequency energy a blur removes.
 */
export function laplacianEnergy(img: RgbaImageLike, region: Uint8Array): number {
  const { width, height, data } = img;
  const luma = (x: number, y: number) => {
    const o = (y * width + x) * 4;
    return 0.299 * data[o]! + 0.587 * data[o + 1]! + 0.114 * data[o + 2]!;
  };
  let sum = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      if (!region[y * width + x]) continue;
      const l = 4 * luma(x, y) - luma(x - 1, y) - luma(x + 1, y) - luma(x, y - 1) - luma(x, y + 1);
      sum += l * l;
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}
