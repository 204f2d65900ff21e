// Reads ncnn models: the `.param` text graph and the `.bin` weights that go with it.
//
// Shared by the ONNX converter and the test-only reference evaluator, which otherwise have no code
// in common, so a misreading here is the one mistake the comparison between them cannot catch:
// the real-image checks in ncnn-to-onnx.test.ts are what guard it.
//
// The formats are ncnn's own (src/paramdict.cpp, src/modelbin.cpp): no version field beyond the
// magic number, and the .bin has no index, so a layer's weights are found only by knowing, from
// its type and parameters, how many values each earlier layer read.

import { float16ToFloat32 } from './lib/float16.ts';

const PARAM_MAGIC = 7767517;

/** A `k=v` parameter. ncnn tells ints from floats by whether the text has a '.' or an exponent. */
export type NcnnParam =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'array'; values: readonly number[] };

export interface NcnnLayer {
  type: string;
  name: string;
  bottoms: readonly string[];
  tops: readonly string[];
  /** Keyed by parameter id; an array parameter written as `-233xx=` is stored under `xx`. */
  params: ReadonlyMap<number, NcnnParam>;
}

/** How a weight was stored in the .bin; the data is always decoded to float32. */
export type NcnnStorage = 'float32' | 'float16' | 'lookup8';

export interface NcnnWeight {
  data: Float32Array;
  storage: NcnnStorage;
}

export interface NcnnModel {
  layers: readonly NcnnLayer[];
  /** Layer name → its weights by role ('weight', 'bias', 'slope', 'scale'), in .bin order. */
  weights: ReadonlyMap<string, ReadonlyMap<string, NcnnWeight>>;
}

// ---------------------------------------------------------------------------------------------
// .param

export function parseNcnnParam(text: string): NcnnLayer[] {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const [magicLine, countLine, ...layerLines] = lines;
  if (Number(magicLine) !== PARAM_MAGIC) {
    throw new Error(`Not an ncnn .param file: magic '${magicLine ?? ''}' is not ${PARAM_MAGIC}`);
  }
  const counts = (countLine ?? '').split(/\s+/).map(Number);
  const layerCount = counts[0];
  if (counts.length !== 2 || !counts.every(Number.isInteger) || layerCount === undefined) {
    throw new Error(`ncnn .param: malformed layer/blob count line '${countLine ?? ''}'`);
  }
  if (layerLines.length !== layerCount) {
    throw new Error(`ncnn .param declares ${layerCount} layers but has ${layerLines.length}`);
  }
  return layerLines.map(parseLayerLine);
}

function parseLayerLine(line: string, index: number): NcnnLayer {
  const fields = line.split(/\s+/);
  const [type, name, bottomText, topText] = fields;
  const bottomCount = Number(bottomText);
  const topCount = Number(topText);
  if (!type || !name || !Number.isInteger(bottomCount) || !Number.isInteger(topCount)) {
    throw new Error(`ncnn .param layer #${index} is malformed: '${line}'`);
  }
  const blobsEnd = 4 + bottomCount + topCount;
  if (fields.length < blobsEnd) {
    throw new Error(`ncnn layer '${name}' (${type}) lists fewer blobs than it declares`);
  }
  const params = new Map<number, NcnnParam>();
  for (const field of fields.slice(blobsEnd)) {
    const [key, value] = parseParam(field, type, name);
    if (params.has(key)) throw new Error(`ncnn layer '${name}' (${type}) repeats parameter ${key}`);
    params.set(key, value);
  }
  return {
    type,
    name,
    bottoms: fields.slice(4, 4 + bottomCount),
    tops: fields.slice(4 + bottomCount, blobsEnd),
    params,
  };
}

// Array parameters are written with id -23300 - k: `-23310=2,0.1,1.0` is parameter 10 = [0.1, 1].
const ARRAY_ID_BASE = -23300;

function parseParam(field: string, type: string, name: string): [number, NcnnParam] {
  const malformed = () => new Error(`ncnn layer '${name}' (${type}): malformed param '${field}'`);
  const match = /^(-?\d+)=(.+)$/.exec(field);
  if (!match) throw malformed();
  const id = Number(match[1]);
  const text = match[2] as string;
  if (id <= ARRAY_ID_BASE) {
    const [countText, ...items] = text.split(',');
    if (Number(countText) !== items.length) throw malformed();
    return [ARRAY_ID_BASE - id, { kind: 'array', values: items.map((item) => number(item)) }];
  }
  const isFloat = /[.eE]/.test(text);
  return [id, { kind: isFloat ? 'float' : 'int', value: number(text) }];

  function number(item: string): number {
    const value = Number(item);
    if (item.length === 0 || !Number.isFinite(value)) throw malformed();
    return value;
  }
}

/** An integer parameter, or `fallback` when absent. A float where an int belongs is an error. */
export function intParam(layer: NcnnLayer, key: number, fallback: number): number {
  const param = layer.params.get(key);
  if (param === undefined) return fallback;
  if (param.kind !== 'int') {
    throw new Error(`ncnn layer '${layer.name}' (${layer.type}): param ${key} is not an integer`);
  }
  return param.value;
}

// ---------------------------------------------------------------------------------------------
// .bin

interface WeightSpec {
  role: string;
  count: number;
  /** Whether the blob starts with ncnn's 4-byte storage tag (ModelBin::load(w, 0)). */
  tagged: boolean;
}

/** The blobs each layer type reads in load_model(), in order; types that read none are absent. */
const WEIGHT_SPECS: Readonly<Record<string, (layer: NcnnLayer) => WeightSpec[]>> = {
  Convolution: convolutionWeights,
  Deconvolution: convolutionWeights,
  InnerProduct: (layer) => {
    refuseInt8(layer);
    const specs = [{ role: 'weight', count: intParam(layer, 2, 0), tagged: true }];
    if (intParam(layer, 1, 0) !== 0) {
      specs.push({ role: 'bias', count: intParam(layer, 0, 0), tagged: false });
    }
    return specs;
  },
  PReLU: (layer) => [{ role: 'slope', count: intParam(layer, 0, 0), tagged: false }],
  Scale: (layer) => {
    const count = intParam(layer, 0, 0);
    // -233: the scale comes from a second input blob, so nothing is stored.
    if (count === -233) return [];
    const specs = [{ role: 'scale', count, tagged: false }];
    if (intParam(layer, 1, 0) !== 0) specs.push({ role: 'bias', count, tagged: false });
    return specs;
  },
  Padding: (layer) => {
    const count = intParam(layer, 6, 0);
    return count > 0 ? [{ role: 'pad', count, tagged: false }] : [];
  },
};

/** Layer types known to read nothing from the .bin. Any other type is refused when reading it. */
const WEIGHTLESS_TYPES = new Set([
  'Input',
  'Split',
  'ReLU',
  'Sigmoid',
  'Clip',
  'PixelShuffle',
  'Interp',
  'BinaryOp',
  'Eltwise',
  'Concat',
  'Crop',
  'Pooling',
  // rife-ncnn-vulkan's custom layer: warps its first input by the flow in its second.
  'rife.Warp',
]);

function convolutionWeights(layer: NcnnLayer): WeightSpec[] {
  refuseInt8(layer);
  const specs = [{ role: 'weight', count: intParam(layer, 6, 0), tagged: true }];
  if (intParam(layer, 5, 0) !== 0) {
    specs.push({ role: 'bias', count: intParam(layer, 0, 0), tagged: false });
  }
  return specs;
}

function refuseInt8(layer: NcnnLayer): void {
  if (intParam(layer, 8, 0) !== 0) {
    throw new Error(
      `ncnn layer '${layer.name}' (${layer.type}): int8 quantized layers are not supported`,
    );
  }
}

// Storage tags at the start of a tagged blob (src/modelbin.cpp).
const TAG_FLOAT16 = 0x01306b47;
const TAG_INT8 = 0x000d4b38;
const TAG_FLOAT32_SCALED = 0x0002c056;

export function parseNcnnModel(paramText: string, bin: Uint8Array): NcnnModel {
  const layers = parseNcnnParam(paramText);
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  let offset = 0;

  const take = (byteLength: number, layer: NcnnLayer): number => {
    if (offset + byteLength > bin.byteLength) {
      throw new Error(`ncnn .bin ends inside the weights of '${layer.name}' (${layer.type})`);
    }
    const start = offset;
    offset += byteLength;
    return start;
  };
  const readFloat32 = (count: number, layer: NcnnLayer): Float32Array => {
    const start = take(count * 4, layer);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(start + i * 4, true);
    return data;
  };

  const readBlob = (spec: WeightSpec, layer: NcnnLayer): NcnnWeight => {
    if (!spec.tagged) return { data: readFloat32(spec.count, layer), storage: 'float32' };
    const tag = view.getUint32(take(4, layer), true);
    if (tag === TAG_FLOAT16) {
      const start = take(align4(spec.count * 2), layer);
      const data = new Float32Array(spec.count);
      for (let i = 0; i < spec.count; i++)
        data[i] = float16ToFloat32(view.getUint16(start + i * 2, true));
      return { data, storage: 'float16' };
    }
    if (tag === TAG_INT8) {
      throw new Error(`ncnn layer '${layer.name}' (${layer.type}): int8 weights are not supported`);
    }
    if (tag === TAG_FLOAT32_SCALED || tag === 0) {
      return { data: readFloat32(spec.count, layer), storage: 'float32' };
    }
    // Any other non-zero tag: a 256-entry float table followed by one index byte per value.
    const table = readFloat32(256, layer);
    const start = take(align4(spec.count), layer);
    const data = new Float32Array(spec.count);
    for (let i = 0; i < spec.count; i++) data[i] = table[bin[start + i] as number] as number;
    return { data, storage: 'lookup8' };
  };

  const weights = new Map<string, Map<string, NcnnWeight>>();
  for (const layer of layers) {
    const specsOf = WEIGHT_SPECS[layer.type];
    if (!specsOf) {
      if (WEIGHTLESS_TYPES.has(layer.type)) continue;
      throw new Error(
        `Unsupported ncnn layer type '${layer.type}' (layer '${layer.name}'): its weights cannot be read`,
      );
    }
    const byRole = new Map<string, NcnnWeight>();
    for (const spec of specsOf(layer)) {
      if (!Number.isInteger(spec.count) || spec.count < 0) {
        throw new Error(`ncnn layer '${layer.name}' (${layer.type}): bad ${spec.role} size`);
      }
      byRole.set(spec.role, readBlob(spec, layer));
    }
    if (weights.has(layer.name)) throw new Error(`Duplicate ncnn layer name '${layer.name}'`);
    weights.set(layer.name, byRole);
  }
  if (offset !== bin.byteLength) {
    throw new Error(`ncnn .bin has ${bin.byteLength - offset} bytes left after the last layer`);
  }
  return { layers, weights };
}

function align4(byteLength: number): number {
  return Math.ceil(byteLength / 4) * 4;
}
