/*
 * Inpainting by an optional model (MI-GAN, LaMa: models/catalog.ts). Each region of the mask is
 * filled in a window around its bounding box with context on every side, resized to the model's
 * square, run, resized back, and written only where the mask is, feathered inwards. A region
 * too large for one window (more than twice the model's side) is filled in several passes, cell
 * by cell; each pass sees what the earlier ones filled as context. Pixels outside the mask are
 * never written: they come out byte-identical.
 */

import type { CatalogEntry } from '@models/catalog.ts';
import { resizeImage } from '@/media/resize.ts';
import type { RgbaImage } from '@/media/image.ts';
import type { ModelRunner, TensorData } from '@/inference/optional/session.ts';
import { labelComponents } from './components.ts';
import { type Box, type Mask, dilateMask, emptyMask, insideDistance, resizeMask } from './mask.ts';

/** Fill pixels this close to the mask's edge (px) are blended with what was there. */
export const INPAINT_FEATHER = 2;

export interface Pass {
  /** The pixels this pass writes (a region, or one cell of a large one). */
  cell: Box;
  /** The window the model sees: the cell and its context, clamped to the image. */
  window: Box;
  /** Label of the region in labelComponents' numbering. */
  label: number;
}

/**
 * A square window of `side` centred on the box, shifted (not cut) to stay inside the image; cut
 * only where the image itself is smaller.
 */
function windowAround(box: Box, side: number, width: number, height: number): Box {
  const cx = (box.x0 + box.x1) / 2;
  const cy = (box.y0 + box.y1) / 2;
  const w = Math.min(side, width);
  const h = Math.min(side, height);
  const x0 = Math.min(Math.max(0, Math.round(cx - w / 2)), width - w);
  const y0 = Math.min(Math.max(0, Math.round(cy - h / 2)), height - h);
  return { x0, y0, x1: x0 + w, y1: y0 + h };
}

/**
 * The passes that fill a mask: one per region whose box with context fits in twice the model's
 * side, else one per cell of a grid over the region. Context is half the region's larger side
 * each way, at least 16 px.
 */
export function planPasses(mask: Mask, modelSide: number): { passes: Pass[]; labels: Int32Array } {
  const { labels, list } = labelComponents(mask);
  const maxWindow = 2 * modelSide;
  const passes: Pass[] = [];
  for (const c of list) {
    const w = c.x1 - c.x0;
    const h = c.y1 - c.y0;
    const context = Math.max(16, Math.round(Math.max(w, h) / 2));
    const side = Math.max(w, h) + 2 * context;
    const region: Box = { x0: c.x0, y0: c.y0, x1: c.x1, y1: c.y1 };
    if (side <= maxWindow) {
      passes.push({
        cell: region,
        window: windowAround(region, side, mask.width, mask.height),
        label: c.label,
      });
      continue;
    }
    const cellSide = Math.floor(maxWindow / 2);
    for (let y = c.y0; y < c.y1; y += cellSide) {
      for (let x = c.x0; x < c.x1; x += cellSide) {
        const cell = {
          x0: x,
          y0: y,
          x1: Math.min(c.x1, x + cellSide),
          y1: Math.min(c.y1, y + cellSide),
        };
        passes.push({
          cell,
          window: windowAround(cell, maxWindow, mask.width, mask.height),
          label: c.label,
        });
      }
    }
  }
  return { passes, labels };
}

function cropImage(image: RgbaImage, b: Box): RgbaImage {
  const w = b.x1 - b.x0;
  const h = b.y1 - b.y0;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const from = ((y + b.y0) * image.width + b.x0) * 4;
    data.set(image.data.subarray(from, from + w * 4), y * w * 4);
  }
  return { width: w, height: h, data };
}

function cropMask(mask: Mask, b: Box): Mask {
  const out = emptyMask(b.x1 - b.x0, b.y1 - b.y0);
  for (let y = 0; y < out.height; y++) {
    const from = (y + b.y0) * mask.width + b.x0;
    out.data.set(mask.data.subarray(from, from + out.width), y * out.width);
  }
  return out;
}

/** The image and mask tensors the model's contract asks for, at side × side. */
function inpaintFeeds(
  image: RgbaImage,
  hole: Mask,
  entry: CatalogEntry,
): { image: TensorData; mask: TensorData } {
  const { input } = entry;
  const n = image.width * image.height;
  const order = input.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const pixels = input.raw8 ? new Uint8Array(3 * n) : new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const p = image.data[i * 4 + order[c]!]!;
      pixels[c * n + i] = input.raw8 ? p : (p / 255 - input.mean) / input.std;
    }
  }
  const contract = input.mask!;
  const mask = contract.type === 'uint8' ? new Uint8Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = hole.data[i] ? contract.fill : contract.keep;
  return { image: pixels, mask };
}

export type InpaintModelRunner = ModelRunner;

/** Fills the mask's pixels of `image` in place with the model; returns the passes it ran. */
export async function inpaintWithModel(
  image: RgbaImage,
  mask: Mask,
  runner: InpaintModelRunner,
  options: { pause?: () => Promise<void>; onProgress?: (fraction: number) => void } = {},
): Promise<{ passes: number; pixels: number }> {
  const { entry } = runner;
  const side = entry.input.size ?? 512;
  const { passes, labels } = planPasses(mask, side);
  const depth = insideDistance(mask);
  const remaining = emptyMask(mask.width, mask.height);
  remaining.data.set(mask.data);
  const [lo, hi] = entry.output.range;
  const order = entry.input.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  let pixels = 0;
  for (const [k, pass] of passes.entries()) {
    await options.pause?.();
    const { window: win, cell } = pass;
    const w = win.x1 - win.x0;
    const h = win.y1 - win.y0;
    const small = resizeImage(cropImage(image, win), side, side);
    // A hole never shrinks on the way down: resizeMask keeps any pixel touched, plus 1 px.
    const hole = dilateMask(resizeMask(cropMask(remaining, win), side, side), 1);
    const feeds = inpaintFeeds(small, hole, entry);
    const dims = [1, 3, side, side];
    const result = await runner.run([
      { contract: entry.input.image, data: feeds.image, dims },
      { contract: entry.input.mask!, data: feeds.mask, dims: [1, 1, side, side] },
    ]);
    const n = side * side;
    const filled = new Uint8ClampedArray(n * 4);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        filled[i * 4 + order[c]!] = Math.round(((result.data[c * n + i]! - lo) / (hi - lo)) * 255);
      }
      filled[i * 4 + 3] = 255;
    }
    const back = resizeImage({ width: side, height: side, data: filled }, w, h);
    for (let y = cell.y0; y < cell.y1; y++) {
      for (let x = cell.x0; x < cell.x1; x++) {
        const i = y * mask.width + x;
        if (!remaining.data[i] || labels[i] !== pass.label) continue;
        const weight = Math.min(1, depth[i]! / INPAINT_FEATHER);
        const o = i * 4;
        const b = ((y - win.y0) * w + (x - win.x0)) * 4;
        for (let c = 0; c < 3; c++) {
          image.data[o + c] = Math.round(
            image.data[o + c]! + (back.data[b + c]! - image.data[o + c]!) * weight,
          );
        }
        remaining.data[i] = 0;
        pixels++;
      }
    }
    options.onProgress?.((k + 1) / passes.length);
  }
  return { passes: passes.length, pixels };
}
