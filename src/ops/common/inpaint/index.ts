/**
 * Inpainting, the worker-side module that remove-object, remove-text and restore-old-photo
 * share: fill the pixels a mask marks (WHITE = fill, see mask.ts) from what surrounds them.
 *
 * No pretrained inpainting network ships on npm (LaMa and the like can come later as optional
 * models through the manifest), so two classical methods split the work by the shape of each
 * connected region of the mask:
 *   - thin regions (the largest disc they hold has a radius ≤ `thinRadius`, 3 px by default:
 *     scratches, specks, text strokes) go to OpenCV.js `cv.inpaint` with Telea's method, which
 *     is exact for such defects and fast. The OpenCV.js 4.12 build's photo module has nothing
 *     else for this (no xphoto, no fastNlMeans), only Telea and Navier–Stokes.
 *   - larger regions (an object, a line of text) get the exemplar fill of exemplar.ts (Wexler et
 *     al. 2007 with PatchMatch), in a window around each region, because diffusion smears them.
 * Pixels outside the mask are never written, so they come out byte-identical.
 * The method string returned names what ran, for the job's engine record.
 */

import type { RgbaImage } from '@/media/image.ts';
import { labelComponents } from './components.ts';
import { exemplarFill } from './exemplar.ts';
import { type Box, type Mask, countMask, emptyMask, insideDistance } from './mask.ts';
import { type DiffusionMethod, OPENCV_VERSION, diffusionInpaint, loadOpenCv } from '../opencv.ts';

export interface InpaintOptions {
  /** Regions whose largest inscribed disc has at most this radius (px) are diffused. */
  thinRadius?: number;
  diffusion?: DiffusionMethod;
  /** Radius OpenCV's diffusion looks around each pixel. */
  diffusionRadius?: number;
  /** Every region to the exemplar fill (true) or every region to diffusion (false). */
  force?: 'exemplar' | 'diffusion';
  pause?: () => Promise<void>;
  onProgress?: (fraction: number) => void;
}

export interface InpaintReport {
  /** What ran, in words, for the engine record. */
  method: string;
  thinPixels: number;
  largePixels: number;
}

/** Splits a mask into its thin regions and its large ones. */
export function splitByThickness(
  mask: Mask,
  thinRadius: number,
): { thin: Mask; large: Mask; largeRegions: Box[]; thinRegions: number } {
  const { labels, list } = labelComponents(mask);
  const depth = insideDistance(mask);
  const deepest = new Float64Array(list.length + 1);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l && depth[i]! > deepest[l]!) deepest[l] = depth[i]!;
  }
  const thin = emptyMask(mask.width, mask.height);
  const large = emptyMask(mask.width, mask.height);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!l) continue;
    if (deepest[l]! > thinRadius) large.data[i] = 1;
    else thin.data[i] = 1;
  }
  const bigOnes = list.filter((c) => deepest[c.label]! > thinRadius);
  return {
    thin,
    large,
    largeRegions: bigOnes.map(({ x0, y0, x1, y1 }) => ({ x0, y0, x1, y1 })),
    thinRegions: list.length - bigOnes.length,
  };
}

/** The window an exemplar fill searches: the region and, around it, 1.5× its size (≥ 48 px). */
function searchWindow(box: Box, width: number, height: number): Box {
  const margin = Math.max(48, Math.round(1.5 * Math.max(box.x1 - box.x0, box.y1 - box.y0)));
  return {
    x0: Math.max(0, box.x0 - margin),
    y0: Math.max(0, box.y0 - margin),
    x1: Math.min(width, box.x1 + margin),
    y1: Math.min(height, box.y1 + margin),
  };
}

function hasAlpha(image: RgbaImage): boolean {
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i] !== 255) return true;
  return false;
}

/** Fills the mask's pixels of `image` in place; says which methods ran on how many pixels. */
export async function inpaint(
  image: RgbaImage,
  mask: Mask,
  options: InpaintOptions = {},
): Promise<InpaintReport> {
  const { width, height } = image;
  if (mask.width !== width || mask.height !== height) {
    throw new RangeError(`mask is ${mask.width}×${mask.height}, image ${width}×${height}`);
  }
  const thinRadius =
    options.force === 'exemplar'
      ? -1
      : options.force === 'diffusion'
        ? Infinity
        : (options.thinRadius ?? 3);
  const split = splitByThickness(mask, thinRadius);
  const alpha = hasAlpha(image);
  const channels = alpha ? 4 : 3;
  const largePixels = countMask(split.large);
  const thinPixels = countMask(split.thin);
  const parts: string[] = [];
  const report = (fraction: number) => options.onProgress?.(Math.min(1, fraction));
  const largeShare = largePixels + thinPixels > 0 ? largePixels / (largePixels + thinPixels) : 0;

  let levels = 0;
  for (const [k, region] of split.largeRegions.entries()) {
    const win = searchWindow(region, width, height);
    const w = win.x1 - win.x0;
    const h = win.y1 - win.y0;
    const data = new Float32Array(w * h * channels);
    const hole = emptyMask(w, h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y + win.y0) * width + x + win.x0;
        const j = y * w + x;
        hole.data[j] = mask.data[i]!;
        for (let c = 0; c < channels; c++) data[j * channels + c] = image.data[i * 4 + c]!;
      }
    }
    const filled = { width: w, height: h, channels, data };
    const result = await exemplarFill(filled, hole, {
      pause: options.pause,
      onProgress: (f) => report(((k + f) / split.largeRegions.length) * largeShare),
    });
    levels = Math.max(levels, result.levels);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y + win.y0) * width + x + win.x0;
        if (!split.large.data[i]) continue;
        const j = y * w + x;
        for (let c = 0; c < channels; c++) {
          image.data[i * 4 + c] = Math.round(Math.min(255, Math.max(0, data[j * channels + c]!)));
        }
      }
    }
  }
  if (largePixels > 0) {
    parts.push(
      `exemplar fill (Wexler 2007 + PatchMatch, 7×7 patches, ${levels} levels) on ${largePixels} px in ${split.largeRegions.length} region${split.largeRegions.length === 1 ? '' : 's'}`,
    );
  }

  if (thinPixels > 0) {
    const { cv } = await loadOpenCv();
    const method = options.diffusion ?? 'telea';
    const radius = options.diffusionRadius ?? 3;
    diffusionInpaint(cv, image.data, width, height, split.thin.data, { method, radius, alpha });
    parts.push(
      `OpenCV.js ${OPENCV_VERSION} cv.inpaint (${method === 'telea' ? 'Telea' : 'Navier–Stokes'}, radius ${radius}) on ${thinPixels} px in ${split.thinRegions} thin region${split.thinRegions === 1 ? '' : 's'}`,
    );
  }
  report(1);
  return { method: parts.join('; ') || 'nothing to fill', thinPixels, largePixels };
}
