import { PngStreamWriter } from '../../../../workers/png-stream.ts';
import { type RgbaImage, hasTransparency } from '../../../../workers/tiler.ts';
import { manifest, pickVariant } from '../../models.ts';
import { fittedTileSize, runClassicalTiled } from '../classical-tiles.ts';
import type { OpContext, OpOutput, OpWorker } from '../worker-context.ts';
import { estimateNoiseSigma, jpegBlockiness } from './noise-estimate.ts';
import { type NlmOptions, nonLocalMeans } from './non-local-means.ts';
import { NLM_MIN_SIGMA, planDenoise } from './plan.ts';

/**
 * Non-local means tiles: big enough that the search window's context (11 px a side for σ ≤ 25)
 * is a small overhead, small enough that a tile's buffers stay a few MB.
 */
const NLM_TILE = 512;

function pngCollector(image: RgbaImage) {
  const parts: Uint8Array[] = [];
  const png = new PngStreamWriter(image.width, image.height, hasTransparency(image) ? 4 : 3, (b) =>
    parts.push(b),
  );
  return {
    png,
    output: (): OpOutput => ({
      blob: new Blob(parts as BlobPart[], { type: 'image/png' }),
      width: image.width,
      height: image.height,
    }),
  };
}

async function runNonLocalMeans(
  image: RgbaImage,
  options: NlmOptions,
  ctx: OpContext,
): Promise<OpOutput> {
  const { png, output } = pngCollector(image);
  const context = options.patchRadius + options.searchRadius;
  const method = `non-local means (white noise σ ${options.sigma.toFixed(1)} measured; h ${options.h.toFixed(1)}, ${2 * options.patchRadius + 1}×${2 * options.patchRadius + 1} patches, ${2 * options.searchRadius + 1}×${2 * options.searchRadius + 1} search)`;
  ctx.engine({ method });
  const { tiles } = await runClassicalTiled({
    image,
    tileSize: fittedTileSize(image.width, image.height, NLM_TILE, context),
    context,
    square: false,
    filter: (rgb, width, height) => nonLocalMeans(rgb, width, height, 3, options),
    sink: (band, rows) => png.writeRows(band, rows),
    onProgress: (done, total, eta) => ctx.progress(done / total, eta),
    throwIfCanceled: () => ctx.throwIfCanceled(),
  });
  png.finish();
  ctx.engine({ method, tiles });
  return output();
}

/**
 * Measures the image's white noise, then runs non-local means on noise of that kind or the
 * waifu2x CUnet model of the level's strength on JPEG artefacts and light noise (plan.ts says
 * why), tiled and streamed into a PNG. The engine record names the one that ran and the noise
 * that decided it.
 */
export const denoise: OpWorker = async (params, ctx) => {
  const level = Number(params.enhancement_level);
  const image = await ctx.image();
  const sigma = estimateNoiseSigma(image);
  const plan = planDenoise(level, sigma);
  if (plan.kind === 'non-local-means') return runNonLocalMeans(image, plan.options, ctx);

  const model = manifest.models.find(
    (m) => m.operations.includes('denoise') && m.scale === 1 && m.noiseLevel === plan.noiseLevel,
  );
  if (!model) {
    throw new Error(`No ×1 denoising model for noise level ${plan.noiseLevel} is installed`);
  }
  const variant = pickVariant(model);
  const { png, output } = pngCollector(image);
  const method = `${model.label}: JPEG artefacts or light noise (white noise σ ${sigma.toFixed(1)} < ${NLM_MIN_SIGMA}; JPEG block edges ${jpegBlockiness(image).toFixed(2)}× the rest)`;
  ctx.engine({ model: model.id, variant: variant.id, method });
  const { tiles } = await ctx.models.runTiled({
    model,
    variant,
    image,
    sink: (band, rows) => png.writeRows(band, rows),
    onProgress: (p) => ctx.progress(p.done / p.total, p.etaSeconds),
    isCanceled: () => ctx.isCanceled(),
  });
  png.finish();
  ctx.engine({ model: model.id, variant: variant.id, method, tiles });
  return output();
};
