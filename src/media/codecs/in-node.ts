/**
 * The app's codecs (jSquash's WASM MozJPEG, libwebp and oxipng) started in Node for unit tests,
 * which have no fetch of the .wasm files by URL: each is given its compiled module.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RgbaImage } from '../image.ts';

const require = createRequire(import.meta.url);

/** jSquash's init takes a compiled module first, though its types only name the options. */
type Init = (module: WebAssembly.Module) => Promise<unknown>;

async function start(init: unknown, pkg: string, file: string): Promise<void> {
  const root = dirname(require.resolve(`${pkg}/package.json`));
  await (init as Init)(await WebAssembly.compile(await readFile(join(root, file))));
}

/** Node has no ImageData; oxipng tells raw pixels from a PNG file with `instanceof ImageData`. */
class NodeImageData {
  readonly colorSpace = 'srgb';
  constructor(
    readonly data: Uint8ClampedArray,
    readonly width: number,
    readonly height: number,
  ) {}
}
globalThis.ImageData ??= NodeImageData as unknown as typeof ImageData;

function imageData(image: RgbaImage): ImageData {
  return new ImageData(new Uint8ClampedArray(image.data), image.width, image.height);
}

export async function encodeJpegInNode(image: RgbaImage, quality = 90): Promise<Uint8Array> {
  const { default: encode, init } = await import('@jsquash/jpeg/encode.js');
  await start(init, '@jsquash/jpeg', 'codec/enc/mozjpeg_enc.wasm');
  return new Uint8Array(await encode(imageData(image), { quality }));
}

export async function decodeJpegInNode(bytes: Uint8Array): Promise<RgbaImage> {
  const { default: decode, init } = await import('@jsquash/jpeg/decode.js');
  await start(init, '@jsquash/jpeg', 'codec/dec/mozjpeg_dec.wasm');
  return decode(bytes.slice().buffer);
}

export async function encodeWebpInNode(image: RgbaImage, lossless: boolean): Promise<Uint8Array> {
  const { default: encode, init } = await import('@jsquash/webp/encode.js');
  await start(init, '@jsquash/webp', 'codec/enc/webp_enc_simd.wasm');
  return new Uint8Array(
    await encode(imageData(image), { quality: 90, lossless: lossless ? 1 : 0, alpha_quality: 100 }),
  );
}

export async function decodeWebpInNode(bytes: Uint8Array): Promise<RgbaImage> {
  const { default: decode, init } = await import('@jsquash/webp/decode.js');
  await start(init, '@jsquash/webp', 'codec/dec/webp_dec.wasm');
  return decode(bytes.slice().buffer);
}

export async function encodePngInNode(image: RgbaImage): Promise<Uint8Array> {
  const { default: optimise, init } = await import('@jsquash/oxipng/optimise.js');
  await start(init, '@jsquash/oxipng', 'codec/pkg/squoosh_oxipng_bg.wasm');
  return new Uint8Array(await optimise(imageData(image), { level: 2, interlace: false }));
}
