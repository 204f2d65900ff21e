// Proves the converter exact: the original Keras model run by TF.js and the converted ONNX run
// by onnxruntime-web must agree on the same input, to well under one 8-bit level.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONCAT_INPUTS, convertKerasLayersModel } from './keras-to-onnx.ts';
import { onnx } from './onnx.ts';

const PACKAGE_DIR = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../node_modules/@upscalerjs/esrgan-medium',
);
const IO_NAMES = { inputName: 'input', outputName: 'output' };
const SIZE = 20;
const MAX_ABS_ERROR = 0.5;

interface TfjsModelJson {
  modelTopology: { model_config: { config: { layers: KerasLayerJson[] } } };
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

interface KerasLayerJson {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes: unknown[][][];
}

async function loadSource(
  scale: number,
): Promise<{ modelJson: TfjsModelJson; weights: ArrayBuffer }> {
  const dir = path.join(PACKAGE_DIR, `models/x${scale}`);
  const modelJson = JSON.parse(
    await readFile(path.join(dir, 'model.json'), 'utf8'),
  ) as TfjsModelJson;
  const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
  expect(paths).toEqual(['group1-shard1of1.bin']);
  const shard = await readFile(path.join(dir, 'group1-shard1of1.bin'));
  // Copy out of Node's pooled Buffer memory into an ArrayBuffer of exactly the shard.
  return { modelJson, weights: new Uint8Array(shard).buffer };
}

/** Smooth gradients and stripes plus seeded noise, in 0..255, as NHWC. */
function testImageNhwc(height: number, width: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const random = () => {
    // mulberry32: tiny, seedable, good enough for test noise.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pixels = new Float32Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const smooth =
          128 + 70 * Math.sin((x + 3 * c) / 4) * Math.cos(y / 5) + 40 * Math.sin((x + y) / (2 + c));
        const value = smooth + 40 * (random() - 0.5);
        pixels[(y * width + x) * 3 + c] = Math.min(255, Math.max(0, value));
      }
    }
  }
  return pixels;
}

function nhwcToNchw(nhwc: Float32Array, height: number, width: number): Float32Array {
  const nchw = new Float32Array(nhwc.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        nchw[(c * height + y) * width + x] = nhwc[(y * width + x) * 3 + c] as number;
      }
    }
  }
  return nchw;
}

async function runTfjs(modelJson: TfjsModelJson, weights: ArrayBuffer, nhwc: Float32Array) {
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
      weightData: weights,
    }),
  );
  const input = tf.tensor4d(nhwc, [1, SIZE, SIZE, 3]);
  const output = model.predict(input) as tf.Tensor;
  const result = { shape: output.shape, data: output.dataSync() as Float32Array };
  tf.dispose([input, output]);
  model.dispose();
  return result;
}

async function runOnnx(onnxBytes: Uint8Array, nchw: Float32Array) {
  const session = await ort.InferenceSession.create(onnxBytes);
  try {
    const feeds = { [IO_NAMES.inputName]: new ort.Tensor('float32', nchw, [1, 3, SIZE, SIZE]) };
    const output = (await session.run(feeds))[IO_NAMES.outputName];
    if (!output) throw new Error('ONNX model produced no output');
    return { dims: output.dims, data: output.data as Float32Array };
  } finally {
    await session.release();
  }
}

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  await tf.setBackend('cpu');
});

describe.each([2, 4])('esrgan-medium x%i', (scale) => {
  it('matches the TF.js original to within 0.5 on the 0..255 scale', async () => {
    const { modelJson, weights } = await loadSource(scale);
    const onnxBytes = convertKerasLayersModel(modelJson, weights, IO_NAMES);
    const nhwc = testImageNhwc(SIZE, SIZE, 1234 + scale);

    const expected = await runTfjs(modelJson, weights, nhwc);
    const actual = await runOnnx(onnxBytes, nhwcToNchw(nhwc, SIZE, SIZE));

    const outSize = SIZE * scale;
    expect(expected.shape).toEqual([1, outSize, outSize, 3]);
    expect(actual.dims).toEqual([1, 3, outSize, outSize]);
    let maxAbsError = 0;
    for (let y = 0; y < outSize; y++) {
      for (let x = 0; x < outSize; x++) {
        for (let c = 0; c < 3; c++) {
          const want = expected.data[(y * outSize + x) * 3 + c] as number;
          const got = actual.data[(c * outSize + y) * outSize + x] as number;
          maxAbsError = Math.max(maxAbsError, Math.abs(want - got));
        }
      }
    }
    console.log(`esrgan-medium x${scale}: max abs error vs TF.js ${maxAbsError}`);
    expect(maxAbsError).toBeLessThanOrEqual(MAX_ABS_ERROR);
  });

  it('converts to the same bytes every time', async () => {
    const { modelJson, weights } = await loadSource(scale);
    const first = convertKerasLayersModel(modelJson, weights, IO_NAMES);
    const second = convertKerasLayersModel(structuredClone(modelJson), weights.slice(0), IO_NAMES);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });
});

describe('WebGPU binding limits', () => {
  it('splits the 11-way dense-block Concats so no node binds more than 8 buffers', async () => {
    const { modelJson, weights } = await loadSource(4);
    const source = modelJson.modelTopology.model_config.config.layers;
    const widest = Math.max(
      ...source
        .filter((l) => l.class_name === 'Concatenate')
        .map((l) => l.inbound_nodes[0]!.length),
    );
    expect(widest).toBeGreaterThan(MAX_CONCAT_INPUTS);
    const model = onnx.ModelProto.decode(convertKerasLayersModel(modelJson, weights, IO_NAMES));
    const concats = model.graph!.node!.filter((n) => n.opType === 'Concat');
    expect(concats.length).toBeGreaterThan(0);
    for (const node of concats) expect(node.input!.length).toBeLessThanOrEqual(MAX_CONCAT_INPUTS);
  });
});

describe('unsupported Keras features', () => {
  it('names the class and layer of an unknown layer', async () => {
    const { modelJson, weights } = await loadSource(2);
    const edited = structuredClone(modelJson);
    const layers = edited.modelTopology.model_config.config.layers;
    const next = layers.find((layer) => layer.name === 'F_0');
    if (!next) throw new Error('F_0 not found');
    // Splice a fake layer between F_m1 and F_0.
    layers.splice(layers.indexOf(next), 0, {
      class_name: 'BatchNormalization',
      name: 'fake_bn',
      config: { name: 'fake_bn', axis: -1 },
      inbound_nodes: [[['F_m1', 0, 0, {}]]],
    });
    next.inbound_nodes = [[['fake_bn', 0, 0, {}]]];
    expect(() => convertKerasLayersModel(edited, weights, IO_NAMES)).toThrow(
      /BatchNormalization.*fake_bn/,
    );
  });

  it('names the activation, class and layer of an unknown activation', async () => {
    const { modelJson, weights } = await loadSource(2);
    const edited = structuredClone(modelJson);
    const layer = edited.modelTopology.model_config.config.layers.find((l) => l.name === 'F_0');
    if (!layer) throw new Error('F_0 not found');
    layer.config.activation = 'swish';
    expect(() => convertKerasLayersModel(edited, weights, IO_NAMES)).toThrow(/swish.*F_0.*Conv2D/);
  });
});
