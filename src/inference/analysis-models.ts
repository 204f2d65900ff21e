import type { AnalysisModelEntry, AnalysisTask, ModelVariant } from '@models/manifest.ts';
import type { RgbaImage } from '@/media/image.ts';
import { manifest } from './models.ts';

/** The analysis models (detectors, segmenters, matting) this build ships, by id or by task. */
export function findAnalysisModel(idOrTask: string | AnalysisTask): AnalysisModelEntry | undefined {
  const entries = manifest.analysis ?? [];
  return entries.find((m) => m.id === idOrTask) ?? entries.find((m) => m.task === idOrTask);
}

/** Like findAnalysisModel, but says which model is missing instead of returning undefined. */
export function requireAnalysisModel(idOrTask: string): AnalysisModelEntry {
  const entry = findAnalysisModel(idOrTask);
  if (!entry) throw new Error(`The model "${idOrTask}" is not installed in this build`);
  return entry;
}

/** float32-compute first (what every backend runs); else the only file there is. */
export function pickAnalysisVariant(entry: AnalysisModelEntry): ModelVariant {
  const variant = entry.variants.find((v) => v.compute === 'float32') ?? entry.variants[0];
  if (!variant) throw new Error(`The model ${entry.id} has no files`);
  return variant;
}

/** The fixed input size of a model whose dims are [1, 3, H, W] numbers. */
export function fixedInputSize(entry: AnalysisModelEntry): { width: number; height: number } {
  const [, , height, width] = entry.input.dims;
  if (typeof height !== 'number' || typeof width !== 'number') {
    throw new Error(`The model ${entry.id} takes a runtime size, not a fixed one`);
  }
  return { width, height };
}

/**
 * Packs RGBA pixels (already at the model's input size) into the NCHW float32 tensor the entry
 * describes: (p / 255 − mean[c]) / std[c], in its channel order. Alpha is ignored.
 */
export function toInputTensor(entry: AnalysisModelEntry, pixels: RgbaImage): Float32Array {
  const { width, height, data } = pixels;
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  const { mean, std, channelOrder } = entry.input;
  // Source channel (0 = R) feeding each tensor channel.
  const from = channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    const src = from[c]!;
    const scale = 1 / (255 * std[c]!);
    const offset = mean[c]! / std[c]!;
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = data[i * 4 + src]! * scale - offset;
  }
  return out;
}
