// Real photos for the quality measurements, none of them shipped in this repository: scikit-image's
// sample data (astronaut, coffee, chelsea, rocket, motorcycle: public domain or CC0) and OpenCV's
// sample pictures, both as Debian packages. `apt-get download` fetches the two .deb files once
// into bench/tmp/ and `dpkg -x` unpacks them there; nothing is installed.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import decodeJpeg, { init as initJpegDecode } from '@jsquash/jpeg/decode.js';
import encodeJpeg, { init as initJpegEncode } from '@jsquash/jpeg/encode.js';
import { type RgbaImage, decodePng, downscaleArea } from '../../e2e/support/images.ts';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TMP = path.join(ROOT, 'bench/tmp/photo-debs');

export const SKIMAGE = 'usr/lib/python3/dist-packages/skimage/data';
export const OPENCV = 'usr/share/doc/opencv-doc/examples/data';

/** Scenes of different kinds: a portrait, food, a pet, machines, buildings, nature, sport. */
export const PHOTOS: readonly { name: string; file: string; credit: string }[] = [
  { name: 'astronaut', file: `${SKIMAGE}/astronaut.png`, credit: 'NASA (public domain)' },
  { name: 'coffee', file: `${SKIMAGE}/coffee.png`, credit: 'Rachel Michetti (CC0)' },
  { name: 'chelsea', file: `${SKIMAGE}/chelsea.png`, credit: 'Stefan van der Walt (CC0)' },
  { name: 'motorcycle', file: `${SKIMAGE}/motorcycle_left.png`, credit: 'Middlebury (CC0)' },
  { name: 'fruits', file: `${OPENCV}/fruits.jpg`, credit: 'OpenCV samples' },
  { name: 'building', file: `${OPENCV}/building.jpg`, credit: 'OpenCV samples' },
  { name: 'butterfly', file: `${OPENCV}/butterfly.jpg`, credit: 'OpenCV samples' },
  { name: 'messi', file: `${OPENCV}/messi5.jpg`, credit: 'OpenCV samples' },
];

let codecsReady: Promise<void> | undefined;

function initCodecs(): Promise<void> {
  codecsReady ??= (async () => {
    const wasm = async (file: string) =>
      WebAssembly.compile(
        await readFile(path.join(ROOT, 'node_modules/@jsquash/jpeg/codec', file)),
      );
    await initJpegDecode(await wasm('dec/mozjpeg_dec.wasm'));
    await initJpegEncode(await wasm('enc/mozjpeg_enc.wasm'));
  })();
  return codecsReady;
}

/** The folder the two packages are unpacked in (fetched and unpacked on first use). */
export async function photoDebs(): Promise<string> {
  const dir = path.join(TMP, 'x');
  if (existsSync(path.join(dir, SKIMAGE)) && existsSync(path.join(dir, OPENCV))) return dir;
  await mkdir(TMP, { recursive: true });
  await run('apt-get', ['download', 'python3-skimage', 'opencv-doc'], { cwd: TMP });
  for (const deb of (await readdir(TMP)).filter((f) => f.endsWith('.deb'))) {
    await run('dpkg', ['-x', path.join(TMP, deb), dir]);
  }
  return dir;
}

function opaque(image: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }) {
  const data = new Uint8Array(image.data);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width: image.width, height: image.height, data };
}

export async function decodeAny(bytes: Uint8Array): Promise<RgbaImage> {
  if (bytes[0] === 0x89) return opaque(decodePng(bytes));
  await initCodecs();
  return opaque(await decodeJpeg(bytes.buffer as ArrayBuffer));
}

/** A JPEG round trip at `quality` (mozjpeg, as the app's own encoder). */
export async function jpegRoundTrip(image: RgbaImage, quality: number): Promise<RgbaImage> {
  await initCodecs();
  const bytes = await encodeJpeg(
    {
      width: image.width,
      height: image.height,
      data: new Uint8ClampedArray(image.data),
    } as ImageData,
    { quality },
  );
  return decodeAny(new Uint8Array(bytes));
}

/** The `width`×`height` region of `image` whose top-left corner is (x0, y0). */
export function cropImage(
  image: RgbaImage,
  x0: number,
  y0: number,
  width: number,
  height: number,
): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * image.width + x0) * 4;
    data.set(image.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { width, height, data };
}

/** The centre crop of `image`, `width`×`height` at most. */
export function centreCrop(image: RgbaImage, width: number, height: number): RgbaImage {
  const w = Math.min(width, image.width);
  const h = Math.min(height, image.height);
  return cropImage(image, (image.width - w) >> 1, (image.height - h) >> 1, w, h);
}

/**
 * Each photo as ground truth: shrunk 2× by area averaging (which also removes the source's own
 * JPEG blocks and sensor noise), then its centre `width`×`height`.
 */
export async function groundTruths(width: number, height: number) {
  const dir = await photoDebs();
  return Promise.all(
    PHOTOS.map(async (photo) => {
      const full = await decodeAny(new Uint8Array(await readFile(path.join(dir, photo.file))));
      const even = centreCrop(full, full.width - (full.width % 2), full.height - (full.height % 2));
      const half = downscaleArea(even, 2);
      // Sides in multiples of 8, so any ÷2, ÷4 or ÷8 input is exact.
      const w = Math.min(width, half.width) & ~7;
      const h = Math.min(height, half.height) & ~7;
      return { ...photo, image: centreCrop(half, w, h) };
    }),
  );
}

/** Gaussian noise of `sigma` levels on R, G and B, from a fixed seed. */
export function addNoise(image: RgbaImage, sigma: number, seed = 1): RgbaImage {
  const data = new Uint8Array(image.data);
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 1) / 4294967297;
  };
  for (let i = 0; i < data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const g = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      data[i + c] = Math.min(255, Math.max(0, Math.round(data[i + c]! + sigma * g)));
    }
  }
  return { width: image.width, height: image.height, data };
}
