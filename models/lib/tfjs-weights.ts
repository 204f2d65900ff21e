// The weights half of a TF.js model.json (weightsManifest + the concatenated shard bytes),
// shared by the Keras layers converter and the graph-model converter.

import { float16ToFloat32 } from './float16.ts';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number };
}

export type DType = 'float32' | 'int32';

/** One named weight, widened to what ONNX initializers hold. */
export interface Constant {
  dtype: DType;
  shape: readonly number[];
  data: Float32Array | Int32Array;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The weight list of a model.json, in weightsManifest order, checked. */
export function parseWeightSpecs(modelJson: object): WeightSpec[] {
  const manifest = (modelJson as { weightsManifest?: unknown }).weightsManifest;
  if (!Array.isArray(manifest)) throw new Error('model.json has no weightsManifest');
  return manifest.flatMap((group: unknown) => {
    if (!isRecord(group) || !Array.isArray(group.weights)) {
      throw new Error('weightsManifest group has no weights list');
    }
    return group.weights.map((spec: unknown) => {
      if (
        !isRecord(spec) ||
        typeof spec.name !== 'string' ||
        typeof spec.dtype !== 'string' ||
        !Array.isArray(spec.shape) ||
        !spec.shape.every((dim) => typeof dim === 'number')
      ) {
        throw new Error(`malformed weight spec ${JSON.stringify(spec)}`);
      }
      const quantization = spec.quantization;
      if (
        quantization !== undefined &&
        !(isRecord(quantization) && typeof quantization.dtype === 'string')
      ) {
        throw new Error(`Weight '${spec.name}' has malformed quantization`);
      }
      return {
        name: spec.name,
        dtype: spec.dtype,
        shape: spec.shape as number[],
        quantization: quantization as WeightSpec['quantization'],
      };
    });
  });
}

/**
 * Slices the concatenated shard bytes into named constants, in weightsManifest order, undoing
 * the TF.js converter's weight quantization the way TF.js does when it loads the model:
 * float16 is widened exactly; uint8 and uint16 are value * scale + min, rounded for int32.
 */
export function readWeights(
  specs: readonly WeightSpec[],
  weights: ArrayBuffer,
): Map<string, Constant> {
  const view = new DataView(weights);
  const byName = new Map<string, Constant>();
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32' && spec.dtype !== 'int32') {
      throw new Error(`Weight '${spec.name}': unsupported dtype '${spec.dtype}'`);
    }
    const count = spec.shape.reduce((product, dim) => product * dim, 1);
    const stored = spec.quantization?.dtype ?? spec.dtype;
    const bytesPerValue = { float32: 4, int32: 4, float16: 2, uint16: 2, uint8: 1 }[stored];
    if (bytesPerValue === undefined) {
      throw new Error(`Weight '${spec.name}': unsupported quantization '${stored}'`);
    }
    if (offset + count * bytesPerValue > weights.byteLength) {
      throw new Error(`Weight '${spec.name}' runs past the end of the weights buffer`);
    }
    const read = (i: number): number => {
      const at = offset + i * bytesPerValue;
      switch (stored) {
        case 'float32':
          return view.getFloat32(at, true);
        case 'int32':
          return view.getInt32(at, true);
        case 'float16':
          return float16ToFloat32(view.getUint16(at, true));
        default: {
          const { min, scale } = spec.quantization ?? {};
          if (typeof min !== 'number' || typeof scale !== 'number') {
            throw new Error(`Weight '${spec.name}': ${stored} quantization needs min and scale`);
          }
          const raw = stored === 'uint8' ? view.getUint8(at) : view.getUint16(at, true);
          return raw * scale + min;
        }
      }
    };
    const data =
      spec.dtype === 'float32'
        ? Float32Array.from({ length: count }, (_, i) => read(i))
        : Int32Array.from({ length: count }, (_, i) => Math.round(read(i)));
    byName.set(spec.name, { dtype: spec.dtype, shape: spec.shape, data });
    offset += count * bytesPerValue;
  }
  if (offset !== weights.byteLength) {
    throw new Error(
      `weightsManifest describes ${offset} bytes but the weights buffer has ${weights.byteLength}`,
    );
  }
  return byName;
}
