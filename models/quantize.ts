// Half-size weight variants: every float32 weight of an ONNX model stored as float16, with a Cast
// back to float32 in front of its consumers, so the arithmetic (and which ops the WASM and WebGPU
// backends must support) is unchanged and only the download halves; a Cast of a constant is
// something onnxruntime can fold into a float32 constant when it loads the model.
//
// Deterministic: the same model bytes always give the same output bytes.

import type { onnx as OnnxTypes } from 'onnx-proto';
import { attribute, node, onnx } from './onnx.ts';

/**
 * A float16-weight variant is shipped, and preferred over float32, only if its output stays this
 * close to float32's (PSNR in dB on a real photo; see evaluate.ts).
 */
export const FP16_MIN_PSNR = 40;

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;

/**
 * Inputs that are op parameters rather than weights, left float32: a few bytes each, and some
 * backends read them on the CPU at session creation (WebGPU's Resize wants its scales as a
 * constant), where a Cast in between would hide them.
 */
const PARAMETER_INPUTS: Readonly<Record<string, readonly number[]>> = {
  Resize: [1, 2],
  Clip: [1, 2],
  Pad: [2],
};

export function toFloat16Weights(modelBytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(modelBytes);
  const graph = model.graph;
  if (!graph) throw new Error('ONNX model has no graph');
  const nodes = graph.node ?? [];

  const keepFloat32 = new Set<string>();
  for (const n of nodes) {
    for (const index of PARAMETER_INPUTS[n.opType ?? ''] ?? []) {
      const input = n.input?.[index];
      if (input) keepFloat32.add(input);
    }
  }

  const usedNames = new Set<string>([
    ...nodes.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])]),
    ...(graph.initializer ?? []).map((tensor) => tensor.name ?? ''),
  ]);
  const casts: OnnxTypes.INodeProto[] = [];
  const initializers = (graph.initializer ?? []).map((tensor) => {
    const name = tensor.name ?? '';
    if (tensor.dataType !== FLOAT || keepFloat32.has(name) || isScalar(tensor)) return tensor;
    let halfName = `${name}/fp16`;
    for (let n = 2; usedNames.has(halfName); n++) halfName = `${name}/fp16_${n}`;
    usedNames.add(halfName);
    casts.push(
      node({
        opType: 'Cast',
        name: `${name}/cast`,
        inputs: [halfName],
        outputs: [name],
        attributes: [attribute.int('to', FLOAT)],
      }),
    );
    return onnx.TensorProto.create({
      name: halfName,
      dims: tensor.dims ?? [],
      dataType: FLOAT16,
      rawData: float16Bytes(float32Values(tensor), name),
    });
  });

  // The Casts go first so the node list stays in dependency order.
  graph.node = [...casts, ...nodes];
  graph.initializer = initializers;
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

/**
 * Single values (Eltwise coefficients, binary-op constants) stay float32 as well: each would
 * save 2 bytes, and RRDB's residual scale 0.2 rounded to float16 alone costs Real-ESRGAN x4plus
 * anime 10 dB against float32 (75 → 85 dB kept exact).
 */
function isScalar(tensor: OnnxTypes.ITensorProto): boolean {
  return (tensor.dims ?? []).every((dim) => Number(dim) === 1);
}

/** A float32 initializer's values, from raw_data (little-endian) or float_data. */
function float32Values(tensor: OnnxTypes.ITensorProto): Float32Array {
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const values = new Float32Array(raw.byteLength / 4);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
    return values;
  }
  return Float32Array.from(tensor.floatData ?? []);
}

function float16Bytes(values: Float32Array, name: string): Uint8Array {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const bits = float32ToFloat16Bits(values[i] as number);
    if ((bits & 0x7c00) === 0x7c00 && Number.isFinite(values[i])) {
      throw new Error(`Initializer '${name}' holds ${values[i]}, beyond float16's range`);
    }
    view.setUint16(i * 2, bits, true);
  }
  return bytes;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The nearest binary16 (ties to even), as its bit pattern; overflow gives infinity. */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const bits = u32[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);

  // Unbiased exponent e: a normal half needs -14 ≤ e ≤ 15.
  const e = exponent - 127;
  if (e > 15) return sign | 0x7c00;
  // The 24-bit significand (implicit 1 included, absent for float32 subnormals), shifted so
  // that what is left is the half's 10-bit mantissa (normal) or its subnormal count of 2^-24.
  const significand = exponent === 0 ? mantissa : mantissa | 0x800000;
  const shift = e >= -14 ? 13 : 13 + (-14 - e);
  if (shift > 24) return sign;
  let half = significand >>> shift;
  const rest = significand - (half << shift);
  const halfway = 1 << (shift - 1);
  if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
  // For normals add the exponent; a mantissa that rounded up to 0x400 carries into it.
  if (e >= -14) half = ((e + 15) << 10) + (half - 0x400);
  return sign | half;
}

/**
 * An int8 variant is shipped, and preferred over the float16-weight one, only if its output
 * stays this close to float32's (PSNR in dB on a real picture; see evaluate.ts).
 */
export const INT8_MIN_PSNR = 45;

const INT8 = onnx.TensorProto.DataType.INT8;

/** Which axis of a weight holds the output channels, per op that reads a weight as input 1. */
const WEIGHT_CHANNEL_AXIS: Readonly<Record<string, number>> = {
  Conv: 0, // [out, in, kh, kw]
  ConvTranspose: 1, // [in, out, kh, kw]
};

/** Smaller weights are not worth a DequantizeLinear node. */
const INT8_MIN_ELEMENTS = 256;

/**
 * Weight-only int8: every convolution kernel stored as int8 with one scale per output channel
 * (symmetric, zero point 0: w ≈ scale[o] · q, q in −127..127), and a DequantizeLinear in front
 * of its Conv that gives float32 back. The arithmetic stays float32; only the stored weights
 * lose precision. Biases and everything else are left as they are.
 */
export function toInt8Weights(modelBytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(modelBytes);
  const graph = model.graph;
  if (!graph) throw new Error('ONNX model has no graph');
  const nodes = graph.node ?? [];

  const axisOf = new Map<string, number>();
  for (const n of nodes) {
    const axis = WEIGHT_CHANNEL_AXIS[n.opType ?? ''];
    const weight = n.input?.[1];
    if (axis === undefined || !weight) continue;
    if (axisOf.has(weight) && axisOf.get(weight) !== axis) axisOf.set(weight, -1);
    else axisOf.set(weight, axis);
  }
  const usedNames = new Set<string>([
    ...nodes.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])]),
    ...(graph.initializer ?? []).map((tensor) => tensor.name ?? ''),
  ]);
  const claim = (base: string) => {
    let name = base;
    for (let n = 2; usedNames.has(name); n++) name = `${base}_${n}`;
    usedNames.add(name);
    return name;
  };

  const dequantize: OnnxTypes.INodeProto[] = [];
  const initializers = (graph.initializer ?? []).flatMap((tensor) => {
    const name = tensor.name ?? '';
    const axis = axisOf.get(name);
    const dims = (tensor.dims ?? []).map(Number);
    if (tensor.dataType !== FLOAT || axis === undefined || axis < 0 || dims.length !== 4) {
      return [tensor];
    }
    const values = float32Values(tensor);
    if (values.length < INT8_MIN_ELEMENTS) return [tensor];
    const { quantized, scales } = quantizePerChannel(values, dims, axis);
    const int8Name = claim(`${name}/int8`);
    const scaleName = claim(`${name}/scale`);
    dequantize.push(
      node({
        opType: 'DequantizeLinear',
        name: `${name}/dequantize`,
        inputs: [int8Name, scaleName],
        outputs: [name],
        attributes: [attribute.int('axis', axis)],
      }),
    );
    return [
      onnx.TensorProto.create({
        name: int8Name,
        dims,
        dataType: INT8,
        rawData: new Uint8Array(quantized.buffer),
      }),
      onnx.TensorProto.create({
        name: scaleName,
        dims: [scales.length],
        dataType: FLOAT,
        rawData: new Uint8Array(scales.buffer),
      }),
    ];
  });

  graph.node = [...dequantize, ...nodes];
  graph.initializer = initializers;
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

/** Symmetric int8 with one scale per index of `axis`: q = round(w / scale), |q| ≤ 127. */
export function quantizePerChannel(values: Float32Array, dims: readonly number[], axis: number) {
  const channels = dims[axis] as number;
  // Elements of one channel come in runs of `inner`, `outer` runs apart.
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const maxima = new Float32Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    maxima[c] = Math.max(maxima[c] as number, Math.abs(values[i] as number));
  }
  const scales = maxima.map((max) => (max > 0 ? max / 127 : 1));
  const quantized = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    quantized[i] = Math.round((values[i] as number) / (scales[channelOf(i)] as number));
  }
  return { quantized, scales };
}

/**
 * A float16-compute variant (for WebGPU adapters with shader-f16) is shipped only if its output
 * stays this close to float32's (PSNR in dB on a real picture; see evaluate.ts).
 */
export const FP16_COMPUTE_MIN_PSNR = 40;

/** Ops whose every float input may be float16 once the graph is; anything else is refused. */
const FLOAT16_COMPUTE_OPS = new Set([
  'Add',
  'Cast',
  'Clip',
  'Concat',
  'Conv',
  'ConvTranspose',
  'DepthToSpace',
  'Div',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'Identity',
  'LeakyRelu',
  'Max',
  'Mod',
  'Mul',
  'Pad',
  'PRelu',
  'Relu',
  'Resize',
  'Shape',
  'Sigmoid',
  'Slice',
  'Sub',
  'Sum',
]);

/**
 * The whole graph in float16: weights stored float16, every activation float16, with a Cast
 * after each float32 graph input and before each output so callers still feed and read float32.
 * Resize's roi and scales stay float32 (the operator wants them so). A graph with an op outside
 * FLOAT16_COMPUTE_OPS is refused: float16 cannot hold what some ops compute (RIFE's sampling
 * positions: integers above 2048 are not all representable).
 */
export function toFloat16Compute(modelBytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(modelBytes);
  const graph = model.graph;
  if (!graph) throw new Error('ONNX model has no graph');
  const nodes = graph.node ?? [];
  const unsupported = [...new Set(nodes.map((n) => n.opType ?? ''))].filter(
    (op) => !FLOAT16_COMPUTE_OPS.has(op),
  );
  if (unsupported.length > 0) {
    throw new Error(`No float16-compute variant for a graph with ${unsupported.join(', ')}`);
  }
  const keepFloat32 = new Set<string>();
  for (const n of nodes) {
    if (n.opType === 'Resize') for (const input of n.input?.slice(1) ?? []) keepFloat32.add(input);
  }
  const usedNames = new Set<string>([
    ...nodes.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])]),
    ...(graph.initializer ?? []).map((tensor) => tensor.name ?? ''),
  ]);
  const claim = (base: string) => {
    let name = base;
    for (let n = 2; usedNames.has(name); n++) name = `${base}_${n}`;
    usedNames.add(name);
    return name;
  };

  graph.initializer = (graph.initializer ?? []).map((tensor) => {
    const name = tensor.name ?? '';
    if (tensor.dataType !== FLOAT || keepFloat32.has(name)) return tensor;
    return onnx.TensorProto.create({
      name,
      dims: tensor.dims ?? [],
      dataType: FLOAT16,
      rawData: float16Bytes(float32Values(tensor), name),
    });
  });
  for (const n of nodes) {
    if (n.opType !== 'Cast') continue;
    for (const a of n.attribute ?? []) if (a.name === 'to' && Number(a.i) === FLOAT) a.i = FLOAT16;
  }

  const rename = (from: string, to: string) => {
    for (const n of nodes) n.input = (n.input ?? []).map((input) => (input === from ? to : input));
  };
  const before: OnnxTypes.INodeProto[] = [];
  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (input.type?.tensorType?.elemType !== FLOAT) continue;
    const half = claim(`${name}/fp16`);
    rename(name, half);
    before.push(castNode(name, half, FLOAT16));
  }
  const after: OnnxTypes.INodeProto[] = [];
  for (const output of graph.output ?? []) {
    const name = output.name ?? '';
    if (output.type?.tensorType?.elemType !== FLOAT) continue;
    const half = claim(`${name}/fp16`);
    for (const n of nodes) n.output = (n.output ?? []).map((o) => (o === name ? half : o));
    rename(name, half);
    after.push(castNode(half, name, FLOAT));
  }
  graph.node = [...before, ...nodes, ...after];
  graph.valueInfo = [];
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

function castNode(input: string, output: string, to: number): OnnxTypes.INodeProto {
  return node({
    opType: 'Cast',
    name: `${output}/cast`,
    inputs: [input],
    outputs: [output],
    attributes: [attribute.int('to', to)],
  });
}
