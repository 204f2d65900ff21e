/**
 * Step (a) of restore-old-photo: scratches and dust found (defects.ts) and filled, and nothing
 * else. Only the pixels the detector marked are written: every other pixel comes back
 * byte-identical. Pure apart from OpenCV.js, so the bench runs it in Node as the worker does in
 * the browser.
 *
 * A scratch is filled across: each of its pixels from the nearest undamaged pixels on its two
 * sides, along the direction (within 22.5° of the one across the scratch) where those two agree
 * best, interpolated by distance. An edge the scratch crosses joins up; the texture beside the
 * scratch is not smeared along it, as diffusion does over a long line. Specks go to Telea's
 * diffusion (OpenCV.js), which fills a small round hole from every side.
 */

import { inpaint } from '../common/inpaint/index.ts';
import { type Mask, countMask, emptyMask } from '../common/inpaint/mask.ts';
import type { RgbaImage } from '@/media/image.ts';
import { type Defects, type DefectOptions, detectDefects } from './defects.ts';

export interface Repair {
  /** The pixels that were filled (1) and left alone (0). */
  mask: Mask;
  defects: Defects;
  /** What was found and what ran, for the engine record. */
  note: string;
  /** True when nothing was found: the photo is unchanged. */
  nothingFound: boolean;
}

export interface RepairOptions {
  pause?: () => Promise<void>;
  onProgress?: (fraction: number) => void;
  /** How specks are filled: Telea's diffusion (default), or across like the scratches. */
  specks?: 'telea' | 'across';
  detect?: DefectOptions;
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

const DIRECTIONS = 8;
/** The farthest a fill looks for an undamaged pixel on each side (px). */
const REACH = 12;
/** Per px of distance, the cost (in summed R+G+B levels) that favours the short way across. */
const DISTANCE_COST = 6;

/**
 * Fills the masked pixels of `image` in place from their two sides. Pixels with a direction in
 * `across` try it and its two neighbours, the others all eight. Returns the pixels it could not
 * fill (no undamaged pixel on either side within REACH in any direction tried).
 */
export function fillAcross(image: RgbaImage, mask: Mask, across: Int8Array, only?: Uint8Array) {
  const { width, height, data } = image;
  const source = Uint8Array.from(data);
  const left = emptyMask(width, height);
  const steps = Array.from({ length: DIRECTIONS }, (_, k) => {
    const theta = (Math.PI * k) / DIRECTIONS;
    const out = new Int32Array(2 * REACH);
    for (let t = 1; t <= REACH; t++) {
      out[2 * (t - 1)] = Math.round(t * Math.cos(theta));
      out[2 * (t - 1) + 1] = Math.round(t * Math.sin(theta));
    }
    return out;
  });
  const walk = (x: number, y: number, k: number, s: number): [number, number] => {
    const off = steps[k]!;
    for (let t = 0; t < REACH; t++) {
      const u = x + s * off[2 * t]!;
      const v = y + s * off[2 * t + 1]!;
      if (u < 0 || v < 0 || u >= width || v >= height) return [-1, 0];
      const j = v * width + u;
      if (!mask.data[j]) return [j, t + 1];
    }
    return [-1, 0];
  };
  for (let i = 0; i < width * height; i++) {
    if (!mask.data[i] || (only && !only[i])) continue;
    const x = i % width;
    const y = (i - x) / width;
    const k0 = across[i]!;
    const tries = k0 >= 0 ? [k0, (k0 + 1) % 8, (k0 + 7) % 8] : [0, 1, 2, 3, 4, 5, 6, 7];
    let best = Infinity;
    let value: [number, number, number] | null = null;
    let nearest = Infinity;
    let one: number = -1;
    for (const k of tries) {
      const [a, da] = walk(x, y, k, 1);
      const [b, db] = walk(x, y, k, -1);
      if (a >= 0 && da < nearest) {
        nearest = da;
        one = a;
      }
      if (b >= 0 && db < nearest) {
        nearest = db;
        one = b;
      }
      if (a < 0 || b < 0) continue;
      let diff = 0;
      for (let c = 0; c < 3; c++) diff += Math.abs(source[a * 4 + c]! - source[b * 4 + c]!);
      const score = diff + DISTANCE_COST * (da + db);
      if (score >= best) continue;
      best = score;
      const wa = db / (da + db);
      value = [0, 1, 2].map((c) => source[a * 4 + c]! * wa + source[b * 4 + c]! * (1 - wa)) as [
        number,
        number,
        number,
      ];
    }
    if (!value && one >= 0) value = [source[one * 4]!, source[one * 4 + 1]!, source[one * 4 + 2]!];
    if (!value) {
      left.data[i] = 1;
      continue;
    }
    for (let c = 0; c < 3; c++) data[i * 4 + c] = Math.round(value[c]!);
  }
  return left;
}

/**
 * A white mark only ever brightened the picture and a black one darkened it: a filled pixel may
 * move from `input` only the other way. Where the fill guessed wrong (texture beside a scratch,
 * the faint anti-aliased edge of a mark, which barely changed the picture) the pixel keeps its
 * own value instead of the guess.
 */
function keepOneSided(image: RgbaImage, input: Uint8Array, defects: Defects) {
  const { data } = image;
  const { polarity, mask } = defects;
  for (let i = 0; i < mask.data.length; i++) {
    const p = polarity[i]!;
    if (!mask.data[i] || p === 0) continue;
    for (let c = 0; c < 3; c++) {
      const j = i * 4 + c;
      data[j] = p > 0 ? Math.min(data[j]!, input[j]!) : Math.max(data[j]!, input[j]!);
    }
  }
}

/** Finds and fills scratches and specks of `image` in place. */
export async function repairScratches(
  image: RgbaImage,
  options: RepairOptions = {},
): Promise<Repair> {
  const defects = detectDefects(image.data, image.width, image.height, options.detect);
  const pixels = countMask(defects.mask);
  const found = `${plural(defects.scratches, 'scratch', 'scratches')}, ${plural(defects.specks, 'speck')}`;
  if (pixels === 0) {
    return {
      mask: defects.mask,
      defects,
      nothingFound: true,
      note: 'repair: no scratch or speck found, nothing changed',
    };
  }
  const { width, height } = image;
  const input = Uint8Array.from(image.data);
  // Scratch pixels (with a direction) and what surrounds them within 2 px go across; specks
  // to Telea unless asked otherwise.
  const scratch = emptyMask(width, height);
  const speck = emptyMask(width, height);
  const telea = options.specks !== 'across';
  for (let i = 0; i < width * height; i++) {
    if (!defects.mask.data[i]) continue;
    let near = defects.across[i]! >= 0;
    if (!near && telea) {
      const x = i % width;
      const y = (i - x) / width;
      for (let v = -2; v <= 2 && !near; v++) {
        for (let u = -2; u <= 2 && !near; u++) {
          const xx = x + u;
          const yy = y + v;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          if (defects.across[yy * width + xx]! >= 0) near = true;
        }
      }
    }
    if (near || !telea) scratch.data[i] = 1;
    else speck.data[i] = 1;
  }
  const methods: string[] = [];
  const leftover = fillAcross(image, defects.mask, defects.across, scratch.data);
  if (countMask(scratch)) methods.push('scratches filled across from both sides');
  for (let i = 0; i < width * height; i++) if (leftover.data[i]) speck.data[i] = 1;
  if (countMask(speck)) {
    const report = await inpaint(image, speck, {
      force: 'diffusion',
      pause: options.pause,
      onProgress: options.onProgress,
    });
    methods.push(`specks filled by ${report.method}`);
  }
  keepOneSided(image, input, defects);
  const share = (100 * pixels) / (width * height);
  return {
    mask: defects.mask,
    defects,
    nothingFound: false,
    note: `repair: ${found} (${pixels} px, ${share.toFixed(2)} % of the photo); ${methods.join('; ')}; every other pixel unchanged`,
  };
}
