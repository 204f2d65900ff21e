/**
 * Step (a) of restore-old-photo: scratches and dust found (defects.ts) and filled by diffusion
 * from their surroundings (Telea's method, OpenCV.js). Only the pixels the detector marked are
 * written: every other pixel comes back byte-identical. Pure apart from OpenCV.js, so the bench
 * runs it in Node as the worker does in the browser.
 */

import { inpaint } from '../../inpaint/index.ts';
import { type Mask, countMask } from '../../inpaint/mask.ts';
import type { RgbaImage } from '../../../../workers/tiler.ts';
import { type Defects, detectDefects } from './defects.ts';

export interface Repair {
  /** The pixels that were filled (1) and left alone (0). */
  mask: Mask;
  defects: Defects;
  /** What was found and what ran, for the engine record. */
  note: string;
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** Finds and fills scratches and specks of `image` in place. */
export async function repairScratches(
  image: RgbaImage,
  options: { pause?: () => Promise<void>; onProgress?: (fraction: number) => void } = {},
): Promise<Repair> {
  const defects = detectDefects(image.data, image.width, image.height);
  const pixels = countMask(defects.mask);
  const found = `${plural(defects.scratches, 'scratch', 'scratches')}, ${plural(defects.specks, 'speck')}`;
  if (pixels === 0) {
    return {
      mask: defects.mask,
      defects,
      note: 'repair: no scratch or speck found, nothing changed',
    };
  }
  // Every defect found is thin (a line a few px wide) or small (a speck), which is what
  // diffusion fills best, at a fraction of the exemplar fill's cost.
  const report = await inpaint(image, defects.mask, {
    force: 'diffusion',
    pause: options.pause,
    onProgress: options.onProgress,
  });
  const share = (100 * pixels) / (image.width * image.height);
  return {
    mask: defects.mask,
    defects,
    note: `repair: ${found} (${pixels} px, ${share.toFixed(2)} % of the photo) filled by ${report.method}; every other pixel unchanged`,
  };
}
