/*
 * Putting a matted subject over something else. Colours are floats 0..1, RGB interleaved.
 *
 * An edge pixel of the photo is a mix I = αF + (1 − α)B of subject and old background, so
 * compositing the photo itself over a new background keeps a fringe of the old one. The
 * subject colour F is estimated first (blur-fusion, Forte & Pitié, "Approximate Fast Foreground
 * Colour Estimation", ICIP 2021: two passes of local means, O(1) per pixel), and the result is
 * the premultiplied "over": αF + (1 − α)·new background.
 */

import type { RgbaImage } from '@/media/image.ts';
import { boxMean, gaussianBlur } from '@/media/pixels/blur.ts';

/** RGB of straight RGBA bytes as floats 0..1. */
export function rgbPlanes(image: RgbaImage): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = image.data[i * 4]! / 255;
    out[i * 3 + 1] = image.data[i * 4 + 1]! / 255;
    out[i * 3 + 2] = image.data[i * 4 + 2]! / 255;
  }
  return out;
}

/** One blur-fusion pass: updated foreground F, and the local background estimate it used. */
function blurFusionPass(
  image: Float32Array,
  fg: Float32Array,
  bg: Float32Array,
  alpha: Float32Array,
  width: number,
  height: number,
  r: number,
): { fg: Float32Array; bg: Float32Array } {
  const n = width * height;
  const fa = new Float32Array(n * 3);
  const b1a = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = alpha[i]!;
    for (let c = 0; c < 3; c++) {
      fa[i * 3 + c] = fg[i * 3 + c]! * a;
      b1a[i * 3 + c] = bg[i * 3 + c]! * (1 - a);
    }
  }
  const meanAlpha = boxMean(alpha, width, height, r);
  const meanFa = boxMean(fa, width, height, r, 3);
  const meanB1a = boxMean(b1a, width, height, r, 3);
  const outF = fa; // reused
  const outB = b1a;
  for (let i = 0; i < n; i++) {
    const a = alpha[i]!;
    const ma = meanAlpha[i]!;
    for (let c = 0; c < 3; c++) {
      const k = i * 3 + c;
      const f = meanFa[k]! / (ma + 1e-5);
      const b = meanB1a[k]! / (1 - ma + 1e-5);
      const value = f + a * (image[k]! - a * f - (1 - a) * b);
      outF[k] = Math.min(1, Math.max(0, value));
      outB[k] = b;
    }
  }
  return { fg: outF, bg: outB };
}

/**
 * The subject's own colour at every pixel. Radii follow the paper's 90 and 6 pixels for a
 * ~2-megapixel photo, scaled to this one's size, but never under 16 and 3: the windows must
 * reach past a soft edge (a few pixels wide at any size) to find pure subject and background.
 */
export function estimateForeground(
  image: Float32Array,
  alpha: Float32Array,
  width: number,
  height: number,
): Float32Array {
  const s = Math.max(width, height) / 2048;
  const wide = Math.max(16, Math.round(90 * s));
  const narrow = Math.max(3, Math.round(6 * s));
  const first = blurFusionPass(image, image, image, alpha, width, height, wide);
  return blurFusionPass(image, first.fg, first.bg, alpha, width, height, narrow).fg;
}

/**
 * The background blurred with the subject left out: a normalised convolution
 * blur((1 − α)·B) / blur(1 − α), where (1 − α)·B = I − α·F is what the background contributes
 * to each pixel once the estimated subject colour F is taken out. So neither the subject nor
 * the subject's share of its soft edge bleeds into the blurred background (no halo). Where no
 * background lies within reach (deep inside a large subject) it falls back to the plain blur;
 * those pixels are covered by the subject.
 */
export function blurBehindSubject(
  image: Float32Array,
  fg: Float32Array,
  alpha: Float32Array,
  width: number,
  height: number,
  sigma: number,
): Float32Array {
  const n = width * height;
  const weighted = new Float32Array(n * 3);
  const weight = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = alpha[i]!;
    weight[i] = 1 - a;
    for (let c = 0; c < 3; c++) {
      weighted[i * 3 + c] = Math.max(0, image[i * 3 + c]! - a * fg[i * 3 + c]!);
    }
  }
  const num = gaussianBlur(weighted, width, height, sigma, 3);
  const den = gaussianBlur(weight, width, height, sigma, 1);
  let plain: Float32Array | null = null;
  const out = num; // reused
  for (let i = 0; i < n; i++) {
    const d = den[i]!;
    if (d > 1e-6) {
      for (let c = 0; c < 3; c++) out[i * 3 + c] = num[i * 3 + c]! / d;
    } else {
      plain ??= gaussianBlur(image, width, height, sigma, 3);
      for (let c = 0; c < 3; c++) out[i * 3 + c] = plain[i * 3 + c]!;
    }
  }
  return out;
}

/** What goes behind the subject: one colour, or an image of the same size (RGB 0..1). */
export type Backdrop = { color: readonly [number, number, number] } | { image: Float32Array };

/**
 * αF + (1 − α)·backdrop as opaque RGBA bytes, or, with no backdrop, F with alpha α (straight
 * alpha, as PNG stores it).
 */
export function composite(
  fg: Float32Array,
  alpha: Float32Array,
  backdrop: Backdrop | null,
): Uint8ClampedArray {
  const n = alpha.length;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const a = alpha[i]!;
    for (let c = 0; c < 3; c++) {
      const f = fg[i * 3 + c]!;
      let v = f;
      if (backdrop) {
        const b = 'color' in backdrop ? backdrop.color[c]! : backdrop.image[i * 3 + c]!;
        v = a * f + (1 - a) * b;
      }
      out[i * 4 + c] = v * 255;
    }
    out[i * 4 + 3] = backdrop ? 255 : a * 255;
  }
  return out;
}

/** '#RRGGBB' to RGB 0..1. */
export function parseHexColor(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`"${hex}" is not a colour of the form #RRGGBB`);
  return [parseInt(m[1]!, 16) / 255, parseInt(m[2]!, 16) / 255, parseInt(m[3]!, 16) / 255];
}
