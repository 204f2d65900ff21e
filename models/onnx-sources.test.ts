// Loads each ready-made ONNX model with onnxruntime-web and runs a small input through it,
// checking the names, shapes and value ranges that onnx-sources.ts promises. ISNet has one fixed
// 1024×1024 input, so only its uint8 variant is run (7–13 s on one wasm thread here); the fp16
// variant is loaded and checked but not run.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from './hash.ts';
import {
  ISNET_SIZE,
  isnetBackgroundRemoval,
  ppOcrV4Detector,
  reassembleImglyResource,
  type OnnxInputSpec,
  type OnnxSource,
} from './onnx-sources.ts';

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

/** RGBA-free 8-bit RGB image, row-major, as the models' specs describe their input. */
interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 values in 0..255. */
  rgb: Float32Array;
}

/** The spec's normalisation, in the spec's channel order, as NCHW. */
function normalize(img: RgbImage, spec: OnnxInputSpec): Float32Array {
  const { width, height, rgb } = img;
  const order = spec.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const out = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++) {
    const source = order[c] as number;
    for (let i = 0; i < width * height; i++) {
      const value = (rgb[i * 3 + source] as number) / 255;
      out[c * width * height + i] = (value - spec.mean[c]!) / spec.std[c]!;
    }
  }
  return out;
}

async function createSession(source: OnnxSource): Promise<ort.InferenceSession> {
  const session = await ort.InferenceSession.create(source.bytes);
  expect(session.inputNames).toEqual([source.input.name]);
  expect(session.outputNames).toContain(source.output.name);
  // Fixed sizes must be what the spec says; symbolic ones just symbolic.
  const checkDims = (
    metadata: ort.InferenceSession.ValueMetadata | undefined,
    dims: readonly (number | string)[],
  ) => {
    if (!metadata?.isTensor) throw new Error('not a tensor');
    expect(metadata.type).toBe('float32');
    expect(metadata.shape.map((dim) => (typeof dim === 'number' ? dim : 'symbolic'))).toEqual(
      dims.map((dim) => (typeof dim === 'number' ? dim : 'symbolic')),
    );
  };
  checkDims(session.inputMetadata[0], source.input.dims);
  checkDims(
    session.outputMetadata.find((value) => value.name === source.output.name),
    source.output.dims,
  );
  return session;
}

function range(values: Float32Array): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  return [low, high];
}

// ---------------------------------------------------------------------------------------------
// PP-OCRv4 text detector.

/** 5×7 glyphs, enough to write a word. */
const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  K: ['10001', '10010', '10100', '11000', '10100', '10010', '10001'],
  I: ['11111', '00100', '00100', '00100', '00100', '00100', '11111'],
  N: ['10001', '11001', '10101', '10011', '10001', '10001', '10001'],
  T: ['11111', '00100', '00100', '00100', '00100', '00100', '00100'],
  S: ['01111', '10000', '10000', '01110', '00001', '00001', '11110'],
  U: ['10001', '10001', '10001', '10001', '10001', '10001', '01110'],
  G: ['01110', '10001', '10000', '10111', '10001', '10001', '01111'],
};

/** Black text on white, each glyph pixel a scale×scale block; returns the text's box too. */
function textImage(width: number, height: number, text: string, scale: number) {
  const rgb = new Float32Array(width * height * 3).fill(255);
  const left = 20;
  const top = Math.floor((height - 7 * scale) / 2);
  [...text].forEach((char, k) => {
    GLYPHS[char]!.forEach((row, gy) => {
      [...row].forEach((bit, gx) => {
        if (bit !== '1') return;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const y = top + gy * scale + dy;
            const x = left + (k * 6 + gx) * scale + dx;
            rgb.fill(0, (y * width + x) * 3, (y * width + x) * 3 + 3);
          }
        }
      });
    });
  });
  const box = { left, top, right: left + (text.length * 6 - 1) * scale, bottom: top + 7 * scale };
  return { img: { width, height, rgb }, box };
}

describe('PP-OCRv4 text detector', () => {
  let source: OnnxSource;
  let session: ort.InferenceSession;

  beforeAll(async () => {
    source = await ppOcrV4Detector();
    session = await createSession(source);
  });
  afterAll(async () => {
    await session?.release();
  });

  it('finds drawn text and nothing on the blank around it', async () => {
    const [width, height] = [160, 96];
    const { img, box } = textImage(width, height, 'KINTSUGI', 3);
    const input = new ort.Tensor('float32', normalize(img, source.input), [1, 3, height, width]);
    const output = (await session.run({ [source.input.name]: input }))[source.output.name]!;
    expect(output.dims).toEqual([1, 1, height, width]);
    const probability = output.data as Float32Array;
    const [low, high] = range(probability);
    expect(low).toBeGreaterThanOrEqual(source.output.range[0]);
    expect(high).toBeLessThanOrEqual(source.output.range[1]);

    let inside = 0;
    let insideCount = 0;
    let outside = 0;
    let outsideCount = 0;
    const margin = 8;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const value = probability[y * width + x] as number;
        if (x >= box.left && x < box.right && y >= box.top && y < box.bottom) {
          inside += value;
          insideCount++;
        } else if (
          x < box.left - margin ||
          x >= box.right + margin ||
          y < box.top - margin ||
          y >= box.bottom + margin
        ) {
          outside += value;
          outsideCount++;
        }
      }
    }
    console.log(
      `PP-OCRv4 det: mean text probability ${(inside / insideCount).toFixed(3)} in the word, ` +
        `${(outside / outsideCount).toExponential(2)} on the blank`,
    );
    expect(inside / insideCount).toBeGreaterThan(0.25);
    expect(outside / outsideCount).toBeLessThan(0.01);
  });

  it('takes heights and widths that are multiples of 32 and refuses others', async () => {
    const run = (height: number, width: number) =>
      session.run({
        [source.input.name]: new ort.Tensor('float32', new Float32Array(3 * height * width), [
          1,
          3,
          height,
          width,
        ]),
      });
    for (const [height, width] of [
      [32, 32],
      [64, 96],
    ] as const) {
      const output = (await run(height, width))[source.output.name]!;
      expect(output.dims).toEqual([1, 1, height, width]);
    }
    await expect(run(48, 48)).rejects.toThrow();
    await expect(run(100, 100)).rejects.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// ISNet background removal.

/** A warm disk on a cool, softly lit background. */
function diskImage(size: number): RgbImage {
  const rgb = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inDisk = (x - size / 2) ** 2 + (y - size / 2) ** 2 < (size / 4) ** 2;
      const light = 0.8 + 0.2 * Math.sin(x / 97) * Math.cos(y / 131);
      const color = inDisk ? [220, 90, 60] : [70, 110, 160];
      for (let c = 0; c < 3; c++) rgb[(y * size + x) * 3 + c] = (color[c] as number) * light;
    }
  }
  return { width: size, height: size, rgb };
}

/** Mean alpha inside diskImage's disk and outside it, `edge` pixels clear of its rim. */
function diskCoverage(alpha: Float32Array, size: number, edge: number) {
  const sums = { disk: 0, diskCount: 0, background: 0, backgroundCount: 0 };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot(x - size / 2, y - size / 2);
      const value = alpha[y * size + x] as number;
      if (distance < size / 4 - edge) {
        sums.disk += value;
        sums.diskCount++;
      } else if (distance > size / 4 + edge) {
        sums.background += value;
        sums.backgroundCount++;
      }
    }
  }
  return {
    disk: sums.disk / sums.diskCount,
    background: sums.background / sums.backgroundCount,
  };
}

describe('ISNet background removal', () => {
  it('uint8: runs one 1024×1024 image to an alpha in 0..1', async () => {
    const source = await isnetBackgroundRemoval('uint8');
    expect(source.bytes.byteLength).toBe(44_342_436);
    const started = performance.now();
    const session = await createSession(source);
    const created = performance.now();
    try {
      const data = normalize(diskImage(ISNET_SIZE), source.input);
      const input = new ort.Tensor('float32', data, [1, 3, ISNET_SIZE, ISNET_SIZE]);
      // Ask for 'output' alone: the eleven other outputs include 64×512×512 feature maps.
      const results = await session.run({ [source.input.name]: input }, [source.output.name]);
      const output = results[source.output.name]!;
      const ran = performance.now();
      expect(output.dims).toEqual([1, 1, ISNET_SIZE, ISNET_SIZE]);
      const [low, high] = range(output.data as Float32Array);
      console.log(
        `ISNet uint8: session ${Math.round(created - started)} ms, run ${Math.round(ran - created)} ms` +
          ` (1 wasm thread), alpha ${low.toFixed(4)}..${high.toFixed(4)}`,
      );
      expect(low).toBeGreaterThanOrEqual(0);
      expect(high).toBeLessThanOrEqual(1);
      // The disk is the object: opaque inside, transparent around (16 px left for the edge).
      const { disk, background } = diskCoverage(output.data as Float32Array, ISNET_SIZE, 16);
      console.log(
        `ISNet uint8: mean alpha ${disk.toFixed(4)} on the disk, ${background.toFixed(4)} off it`,
      );
      expect(disk).toBeGreaterThan(0.9);
      expect(background).toBeLessThan(0.1);
    } finally {
      await session.release();
    }
  });

  it('fp16: loads with the same inputs and outputs', async () => {
    const source = await isnetBackgroundRemoval('fp16');
    expect(source.bytes.byteLength).toBe(88_188_479);
    const session = await createSession(source);
    await session.release();
  });
});

describe('imgly chunk reassembly', () => {
  let dir: string;
  const good = new TextEncoder().encode('chunk one');
  const key = '/models/test';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kintsugi-imgly-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const writeResources = (chunks: unknown[], size: number) =>
    writeFile(path.join(dir, 'resources.json'), JSON.stringify({ [key]: { chunks, size } }));

  it('joins chunks that match their hashes', async () => {
    const hash = sha256Hex(good);
    await writeFile(path.join(dir, hash), good);
    await writeResources([{ hash, offsets: [0, good.length] }], good.length);
    expect(await reassembleImglyResource(dir, key)).toEqual(good);
  });

  it('refuses a chunk whose bytes do not match its name', async () => {
    const hash = sha256Hex('something else');
    await writeFile(path.join(dir, hash), good);
    await writeResources([{ hash, offsets: [0, good.length] }], good.length);
    await expect(reassembleImglyResource(dir, key)).rejects.toThrow(/does not match its name/);
  });

  it('refuses a chunk name that is not a hex digest', async () => {
    await writeResources([{ hash: '../resources.json', offsets: [0, 10] }], 10);
    await expect(reassembleImglyResource(dir, key)).rejects.toThrow(/malformed chunk/);
  });
});
