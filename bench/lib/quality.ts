// Quality beside speed: each super-resolution model against bicubic on the repo's test photos,
// and each quantized variant against its fp32 output. Scored with the e2e helpers' PSNR/SSIM.
import { readFile } from 'node:fs/promises';
import type { ModelEntry } from '../../models/manifest.ts';
import {
  type RgbaImage,
  decodePng,
  downscaleArea,
  psnr,
  resizeBicubic,
  ssim,
} from '../../e2e/support/images.ts';
import { nativeSession, runNative } from './native.ts';
import type { QualityRow } from './report.ts';

/** Photos from e2e/fixtures with a known original (see its README). */
export const QUALITY_IMAGES = ['photo-original-128.png', 'photo-wide-300x200.png'];

async function fixture(name: string): Promise<RgbaImage> {
  const url = new URL(`../../e2e/fixtures/${name}`, import.meta.url);
  return decodePng(new Uint8Array(await readFile(url)));
}

/** The largest top-left crop whose sides are multiples of `factor`. */
function cropTo(img: RgbaImage, factor: number): RgbaImage {
  const width = img.width - (img.width % factor);
  const height = img.height - (img.height % factor);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    data.set(img.data.subarray(y * img.width * 4, (y * img.width + width) * 4), y * width * 4);
  }
  return { width, height, data };
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));
/** JSON has no Infinity: identical outputs score null ("identical" in the table). */
const finite = (x: number, digits: number) => (Number.isFinite(x) ? round(x, digits) : null);

/**
 * For a model of scale s: the photo shrunk s× by area averaging is the input; the model's output
 * and a bicubic enlargement are both scored against the original (4-pixel border left out).
 * Then every other variant runs on the same input and is scored against the fp32 output.
 */
export async function qualityOf(model: ModelEntry, threads: number): Promise<QualityRow[]> {
  const rows: QualityRow[] = [];
  const fp32 = model.variants.find((v) => v.id === 'fp32') ?? model.variants[0]!;
  const sessions = new Map(
    await Promise.all(
      model.variants.map(async (v) => [v.id, await nativeSession(v, threads)] as const),
    ),
  );
  for (const name of QUALITY_IMAGES) {
    const original = cropTo(await fixture(name), model.scale);
    const small = downscaleArea(original, model.scale);
    const reference = await runNative(sessions.get(fp32.id)!, model, small);
    if (!reference.image) throw new Error('quality runs have no time budget');
    const bicubic = resizeBicubic(small, original.width, original.height);
    const options = { border: 4 };
    const row: QualityRow = {
      model: model.id,
      image: name,
      psnrModel: round(psnr(reference.image, original, options), 2),
      psnrBicubic: round(psnr(bicubic, original, options), 2),
      ssimModel: round(ssim(reference.image, original, options), 4),
      ssimBicubic: round(ssim(bicubic, original, options), 4),
      variants: [],
    };
    for (const variant of model.variants) {
      if (variant.id === fp32.id) continue;
      const out = await runNative(sessions.get(variant.id)!, model, small);
      if (!out.image) throw new Error('quality runs have no time budget');
      row.variants.push({
        variant: variant.id,
        psnrVsFp32: finite(psnr(out.image, reference.image), 2),
        ssimVsFp32: round(ssim(out.image, reference.image), 4),
      });
    }
    rows.push(row);
  }
  for (const session of sessions.values()) await session.release();
  return rows;
}
