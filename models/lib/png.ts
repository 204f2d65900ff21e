// Node-side pixels for the model build, the tests and the benchmarks: a PNG codec and the two
// resamplers that make small inputs from a known original.
//
// The PNG codec is hand-written on top of fflate (already a dependency) rather than pulling in
// pngjs: the tests only ever see 8-bit, non-interlaced PNGs from Chromium's canvas encoder or
// from scripts/make-fixtures.ts, which is a few dozen lines to support exactly and checkably.

import { unzlibSync, zlibSync } from 'fflate';

/** 8-bit pixels, row-major, no padding between rows. */
export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, straight (not premultiplied) alpha. */
  data: Uint8Array;
}

/** What the helpers accept: a browser's ImageData.data is a Uint8ClampedArray. */
export interface RgbaImageLike {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint8ClampedArray;
}

export function createImage(width: number, height: number): RgbaImage {
  assertSize(width, height);
  return { width, height, data: new Uint8Array(width * height * 4) };
}

function assertSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
}

export function assertImage(img: RgbaImageLike, name = 'image'): void {
  assertSize(img.width, img.height);
  if (img.data.length !== img.width * img.height * 4) {
    throw new RangeError(
      `${name} is ${img.width}x${img.height} but holds ${img.data.length} bytes, not RGBA`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// PNG

const PNG_SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);

const COLOR_TYPE = { gray: 0, rgb: 2, palette: 3, grayAlpha: 4, rgba: 6 } as const;

const CHANNELS_BY_COLOR_TYPE: Partial<Record<number, number>> = {
  [COLOR_TYPE.gray]: 1,
  [COLOR_TYPE.rgb]: 3,
  [COLOR_TYPE.palette]: 1,
  [COLOR_TYPE.grayAlpha]: 2,
  [COLOR_TYPE.rgba]: 4,
};

/** The bit depths the PNG specification allows for each colour type. */
const BIT_DEPTHS_BY_COLOR_TYPE: Partial<Record<number, readonly number[]>> = {
  [COLOR_TYPE.gray]: [1, 2, 4, 8, 16],
  [COLOR_TYPE.rgb]: [8, 16],
  [COLOR_TYPE.palette]: [1, 2, 4, 8],
  [COLOR_TYPE.grayAlpha]: [8, 16],
  [COLOR_TYPE.rgba]: [8, 16],
};

/** PNG row filters: None, Sub, Up, Average, Paeth. */
export type PngFilter = 0 | 1 | 2 | 3 | 4;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The value a PNG filter predicts a sample from; undefined for a filter number that is not one. */
function predict(filter: number, left: number, up: number, upLeft: number): number | undefined {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4: {
      const p = left + up - upLeft;
      const pa = Math.abs(p - left);
      const pb = Math.abs(p - up);
      const pc = Math.abs(p - upLeft);
      if (pa <= pb && pa <= pc) return left;
      return pb <= pc ? up : upLeft;
    }
    default:
      return undefined;
  }
}

/**
 * Decodes a non-interlaced PNG of any colour type and bit depth to 8-bit RGBA: grayscale,
 * gray+alpha, RGB, RGBA at 8 or 16 bits, palette and grayscale at 1, 2, 4 or 8 bits, with a tRNS
 * chunk's transparency (what oxipng writes when it shrinks a file). 16-bit samples are rounded
 * to 8 bits. Throws a descriptive Error for anything else, including truncated or corrupt files,
 * so a test that feeds the app's output here fails with a reason rather than garbage pixels.
 */
export function decodePng(bytes: Uint8Array): RgbaImage {
  if (bytes.length < PNG_SIGNATURE.length || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new Error('not a PNG: signature mismatch');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let colorType = -1;
  let bitDepth = 0;
  let palette: Uint8Array | null = null;
  let transparency: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  let pos = PNG_SIGNATURE.length;
  let sawEnd = false;
  while (!sawEnd) {
    if (pos + 12 > bytes.length) throw new Error('corrupt PNG: truncated before IEND');
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (pos + 12 + length > bytes.length) throw new Error(`corrupt PNG: ${type} chunk truncated`);
    const body = bytes.subarray(pos + 8, pos + 8 + length);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== view.getUint32(pos + 8 + length)) {
      throw new Error(`corrupt PNG: CRC mismatch in ${JSON.stringify(type)} chunk`);
    }
    if (pos === PNG_SIGNATURE.length && type !== 'IHDR') {
      throw new Error('corrupt PNG: first chunk is not IHDR');
    }
    switch (type) {
      case 'IHDR': {
        const ihdr = new DataView(body.buffer, body.byteOffset, body.byteLength);
        width = ihdr.getUint32(0);
        height = ihdr.getUint32(4);
        bitDepth = body[8] ?? 0;
        colorType = body[9] ?? -1;
        const interlace = body[12];
        if (CHANNELS_BY_COLOR_TYPE[colorType] === undefined) {
          throw new Error(`unsupported PNG: colour type ${colorType}`);
        }
        if (!BIT_DEPTHS_BY_COLOR_TYPE[colorType]!.includes(bitDepth)) {
          throw new Error(`unsupported PNG: bit depth ${bitDepth} for colour type ${colorType}`);
        }
        if (interlace !== 0) throw new Error('unsupported PNG: interlaced');
        break;
      }
      case 'PLTE':
        palette = body;
        break;
      case 'tRNS':
        transparency = body;
        break;
      case 'IDAT':
        idat.push(body);
        break;
      case 'IEND':
        sawEnd = true;
        break;
      // Other ancillary chunks (gAMA, sRGB, iCCP, pHYs, tEXt...) do not change the samples.
    }
    pos += 12 + length;
  }
  assertSize(width, height);
  if (colorType === COLOR_TYPE.palette && !palette) throw new Error('corrupt PNG: no PLTE');
  const channels = CHANNELS_BY_COLOR_TYPE[colorType]!;
  let raw: Uint8Array;
  try {
    raw = unzlibSync(concatBytes(idat));
  } catch (cause) {
    throw new Error('corrupt PNG: image data does not inflate', { cause });
  }
  const stride = Math.ceil((width * channels * bitDepth) / 8);
  // Filters look back one whole pixel, or one byte when pixels are smaller than a byte.
  const bpp = Math.max(1, (channels * bitDepth) / 8);
  if (raw.length < height * (stride + 1)) throw new Error('corrupt PNG: image data too short');

  const samples = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = samples.subarray(y * stride, (y + 1) * stride);
    const prior = y > 0 ? samples.subarray((y - 1) * stride, y * stride) : undefined;
    for (let i = 0; i < stride; i++) {
      const left = i >= bpp ? row[i - bpp]! : 0;
      const up = prior ? prior[i]! : 0;
      const upLeft = prior && i >= bpp ? prior[i - bpp]! : 0;
      const predictor = predict(filter ?? -1, left, up, upLeft);
      if (predictor === undefined)
        throw new Error(`corrupt PNG: unknown filter ${filter} on row ${y}`);
      row[i] = (src[i]! + predictor) & 0xff;
    }
  }

  // Sample `c` of pixel `x` on row `y`, at the file's bit depth.
  const sample = (y: number, x: number, c: number): number => {
    const index = x * channels + c;
    if (bitDepth === 8) return samples[y * stride + index]!;
    if (bitDepth === 16) {
      const at = y * stride + index * 2;
      return (samples[at]! << 8) | samples[at + 1]!;
    }
    const bit = index * bitDepth;
    const byte = samples[y * stride + (bit >> 3)]!;
    return (byte >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1);
  };
  const max = (1 << bitDepth) - 1;
  const to8 = (v: number) => (bitDepth === 8 ? v : Math.round((v * 255) / max));
  // tRNS for gray and RGB: the one colour (at the file's bit depth) that is fully transparent.
  const key =
    transparency && (colorType === COLOR_TYPE.gray || colorType === COLOR_TYPE.rgb)
      ? Array.from(
          { length: transparency.length / 2 },
          (_, i) => (transparency![2 * i]! << 8) | transparency![2 * i + 1]!,
        )
      : null;

  const out = createImage(width, height);
  if (bitDepth === 8 && colorType !== COLOR_TYPE.palette && key === null) {
    // The common case (Chromium's and the fixtures' PNGs), without per-sample calls.
    for (let p = 0; p < width * height; p++) {
      const s = p * channels;
      const d = p * 4;
      if (channels <= 2) {
        out.data[d] = out.data[d + 1] = out.data[d + 2] = samples[s]!;
        out.data[d + 3] = channels === 2 ? samples[s + 1]! : 255;
      } else {
        out.data[d] = samples[s]!;
        out.data[d + 1] = samples[s + 1]!;
        out.data[d + 2] = samples[s + 2]!;
        out.data[d + 3] = channels === 4 ? samples[s + 3]! : 255;
      }
    }
    return out;
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = (y * width + x) * 4;
      if (colorType === COLOR_TYPE.palette) {
        const index = sample(y, x, 0);
        if (3 * index + 2 >= palette!.length) {
          throw new Error(`corrupt PNG: palette index ${index} outside PLTE`);
        }
        out.data[d] = palette![3 * index]!;
        out.data[d + 1] = palette![3 * index + 1]!;
        out.data[d + 2] = palette![3 * index + 2]!;
        out.data[d + 3] = transparency && index < transparency.length ? transparency[index]! : 255;
        continue;
      }
      const values = Array.from({ length: channels }, (_, c) => sample(y, x, c));
      const transparent = key !== null && key.every((k, c) => values[c] === k);
      if (channels <= 2) {
        out.data[d] = out.data[d + 1] = out.data[d + 2] = to8(values[0]!);
        out.data[d + 3] = channels === 2 ? to8(values[1]!) : transparent ? 0 : 255;
      } else {
        out.data[d] = to8(values[0]!);
        out.data[d + 1] = to8(values[1]!);
        out.data[d + 2] = to8(values[2]!);
        out.data[d + 3] = channels === 4 ? to8(values[3]!) : transparent ? 0 : 255;
      }
    }
  }
  return out;
}

export interface EncodePngOptions {
  /**
   * One filter for every row, or 'adaptive' (the libpng heuristic: per row, the filter with the
   * smallest sum of absolute signed residuals). A fixed filter exists so tests can cover each
   * of the decoder's filter paths.
   */
  filter?: PngFilter | 'adaptive';
}

/**
 * Encodes RGBA pixels as an 8-bit PNG: RGB when every pixel is opaque (smaller fixtures, and
 * what a photo is), RGBA otherwise.
 */
export function encodePng(img: RgbaImageLike, options: EncodePngOptions = {}): Uint8Array {
  assertImage(img);
  const { width, height, data } = img;
  const filterChoice = options.filter ?? 'adaptive';
  let opaque = true;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) opaque = false;
  const channels = opaque ? 3 : 4;
  const stride = width * channels;

  const samples = new Uint8Array(height * stride);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < channels; c++) samples[p * channels + c] = data[p * 4 + c]!;
  }

  const filtered = new Uint8Array(height * (stride + 1));
  const candidate = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = samples.subarray(y * stride, (y + 1) * stride);
    const prior = y > 0 ? samples.subarray((y - 1) * stride, y * stride) : undefined;
    const filters: PngFilter[] = filterChoice === 'adaptive' ? [0, 1, 2, 3, 4] : [filterChoice];
    let bestCost = Infinity;
    for (const filter of filters) {
      let cost = 0;
      for (let i = 0; i < stride; i++) {
        const left = i >= channels ? row[i - channels]! : 0;
        const up = prior ? prior[i]! : 0;
        const upLeft = prior && i >= channels ? prior[i - channels]! : 0;
        const predictor = predict(filter, left, up, upLeft)!;
        const residual = (row[i]! - predictor) & 0xff;
        candidate[i] = residual;
        cost += residual < 128 ? residual : 256 - residual;
      }
      if (cost < bestCost) {
        bestCost = cost;
        filtered[y * (stride + 1)] = filter;
        filtered.set(candidate, y * (stride + 1) + 1);
      }
    }
  }

  const ihdr = new Uint8Array(13);
  const ihdrView = new DataView(ihdr.buffer);
  ihdrView.setUint32(0, width);
  ihdrView.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = opaque ? COLOR_TYPE.rgb : COLOR_TYPE.rgba;
  // compression, filter method and interlace stay 0: deflate, adaptive filtering, no interlace.

  const chunks = [
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlibSync(filtered, { level: 9 })),
    pngChunk('IEND', new Uint8Array(0)),
  ];
  return concatBytes([PNG_SIGNATURE, ...chunks]);
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function pngChunk(type: string, body: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + body.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(body, 8);
  view.setUint32(8 + body.length, crc32(chunk.subarray(4, 8 + body.length)));
  return chunk;
}

// ---------------------------------------------------------------------------------------------
// Resampling

/**
 * Shrinks by an integer factor, each output pixel the rounded mean of its factor x factor block
 * (all four channels). This is the "known original -> small input" step of the quality tests;
 * width and height must be multiples of factor so no partial block skews the edge pixels.
 */
export function downscaleArea(img: RgbaImageLike, factor: number): RgbaImage {
  assertImage(img);
  if (!Number.isInteger(factor) || factor < 1) {
    throw new RangeError(`factor must be a positive integer, got ${factor}`);
  }
  if (img.width % factor !== 0 || img.height % factor !== 0) {
    throw new RangeError(`${img.width}x${img.height} is not a multiple of ${factor}`);
  }
  const out = createImage(img.width / factor, img.height / factor);
  const area = factor * factor;
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          const rowStart = ((y * factor + dy) * img.width + x * factor) * 4 + c;
          for (let dx = 0; dx < factor; dx++) sum += img.data[rowStart + dx * 4]!;
        }
        // Integer round-half-up, so the result does not depend on floating-point rounding.
        out.data[(y * out.width + x) * 4 + c] = Math.floor((2 * sum + area) / (2 * area));
      }
    }
  }
  return out;
}

/** Keys' cubic convolution kernel with a = -0.5 (Catmull-Rom), support [-2, 2]. */
function keysWeight(t: number): number {
  const a = -0.5;
  const x = Math.abs(t);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

/** For each output coordinate: the 4 source indices (clamped) and their weights. */
function cubicTaps(srcSize: number, dstSize: number): { index: Int32Array; weight: Float64Array } {
  const index = new Int32Array(dstSize * 4);
  const weight = new Float64Array(dstSize * 4);
  const scale = srcSize / dstSize;
  for (let d = 0; d < dstSize; d++) {
    // Pixel centres line up: output centre d + 0.5 maps to source position (d + 0.5) * scale.
    const s = (d + 0.5) * scale - 0.5;
    const base = Math.floor(s);
    for (let k = 0; k < 4; k++) {
      const tap = base - 1 + k;
      index[d * 4 + k] = Math.min(srcSize - 1, Math.max(0, tap));
      weight[d * 4 + k] = keysWeight(s - tap);
    }
  }
  return { index, weight };
}

/**
 * Bicubic (Keys a = -0.5) resize with pixel-centre alignment and clamped edges, applied to each
 * channel independently: the classic baseline a super-resolution model has to beat. It is an
 * interpolator, so it does not low-pass when shrinking; use downscaleArea for that.
 */
export function resizeBicubic(img: RgbaImageLike, width: number, height: number): RgbaImage {
  assertImage(img);
  const out = createImage(width, height);
  const xTaps = cubicTaps(img.width, width);
  const yTaps = cubicTaps(img.height, height);
  // Separable: horizontal pass into floats (keeping overshoot), then vertical pass and rounding.
  const horizontal = new Float64Array(img.height * width * 4);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let k = 0; k < 4; k++) {
          const sx = xTaps.index[x * 4 + k]!;
          sum += xTaps.weight[x * 4 + k]! * img.data[(y * img.width + sx) * 4 + c]!;
        }
        horizontal[(y * width + x) * 4 + c] = sum;
      }
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let k = 0; k < 4; k++) {
          const sy = yTaps.index[y * 4 + k]!;
          sum += yTaps.weight[y * 4 + k]! * horizontal[(sy * width + x) * 4 + c]!;
        }
        out.data[(y * width + x) * 4 + c] = Math.min(255, Math.max(0, Math.round(sum)));
      }
    }
  }
  return out;
}
