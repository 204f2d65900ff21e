// Writes the welcome screen's sample photos (public/samples/) and the operation cards'
// before/after thumbnails (public/ops/), all made here from our test fixtures, so every picture
// the interface ships is ours. Deterministic: a rerun gives byte-identical files.
//
//   npx tsx scripts/make-samples.ts

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createImage,
  decodePng,
  downscaleArea,
  encodePng,
  type RgbaImage,
  resizeBicubic,
} from '../e2e/support/images.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = (name: string) => decodePng(readFileSync(join(root, 'e2e/fixtures', name)));

let total = 0;
function write(path: string, img: RgbaImage): void {
  const bytes = encodePng(img, { filter: 'adaptive' });
  const full = join(root, 'public', path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, bytes);
  total += bytes.length;
  console.log(`wrote ${relative(root, full)} (${bytes.length} bytes)`);
}

/** A fixed pseudo-random sequence in [0, 1): the same grain and specks on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

function map(
  img: RgbaImage,
  f: (r: number, g: number, b: number, x: number, y: number) => number[],
) {
  const out = createImage(img.width, img.height);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 4;
      const [r, g, b, a = 255] = f(img.data[i]!, img.data[i + 1]!, img.data[i + 2]!, x, y);
      out.data.set([clamp(r!), clamp(g!), clamp(b!), a], i);
    }
  return out;
}

/** A faded, yellowed print with grain, two scratches and dust. */
function aged(img: RgbaImage, seed = 7): RgbaImage {
  const rnd = random(seed);
  const w = img.width;
  const out = map(img, (r, g, b) => {
    const l = 0.3 * r + 0.59 * g + 0.11 * b;
    const n = (rnd() - 0.5) * 36;
    return [70 + l * 0.62 + n, 58 + l * 0.55 + n, 38 + l * 0.42 + n];
  });
  const scratch = (x0: number, slope: number) => {
    for (let y = 0; y < img.height; y++) {
      const x = Math.round(x0 + slope * y);
      if (x >= 0 && x < w) out.data.set([236, 230, 214], (y * w + x) * 4);
    }
  };
  scratch(w * 0.3, 0.15);
  scratch(w * 0.72, -0.08);
  for (let k = 0; k < Math.round((w * img.height) / 900); k++) {
    const x = Math.floor(rnd() * w);
    const y = Math.floor(rnd() * img.height);
    out.data.set([30, 26, 20], (y * w + x) * 4);
  }
  return out;
}

function pixelate(img: RgbaImage, block: number): RgbaImage {
  return map(img, (_r, _g, _b, x, y) => {
    const i = ((y - (y % block)) * img.width + (x - (x % block))) * 4;
    return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
  });
}

function blur(img: RgbaImage, radius: number): RgbaImage {
  return map(img, (_r, _g, _b, x, y) => {
    const sum = [0, 0, 0];
    let n = 0;
    for (let dy = -radius; dy <= radius; dy++)
      for (let dx = -radius; dx <= radius; dx++) {
        const sx = Math.max(0, Math.min(img.width - 1, x + dx));
        const sy = Math.max(0, Math.min(img.height - 1, y + dy));
        const i = (sy * img.width + sx) * 4;
        for (let c = 0; c < 3; c++) sum[c]! += img.data[i + c]!;
        n++;
      }
    return sum.map((v) => v / n);
  });
}

function noisy(img: RgbaImage, amount: number, seed = 3): RgbaImage {
  const rnd = random(seed);
  return map(img, (r, g, b) => [r, g, b].map((v) => v + (rnd() - 0.5) * amount));
}

function crop(img: RgbaImage, x0: number, y0: number, w: number, h: number): RgbaImage {
  const out = createImage(w, h);
  for (let y = 0; y < h; y++)
    out.data.set(
      img.data.subarray(((y0 + y) * img.width + x0) * 4, ((y0 + y) * img.width + x0 + w) * 4),
      y * w * 4,
    );
  return out;
}

/** A flat-coloured drawing with ink outlines: a sun over two hills. */
function drawing(size: number): RgbaImage {
  const img = createImage(size, size);
  const s = size / 96;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const X = x / s;
      const Y = y / s;
      const sun = Math.hypot(X - 64, Y - 30) - 14;
      const hill1 = Y - (62 + 14 * Math.cos((X - 20) / 16));
      const hill2 = Y - (70 + 10 * Math.cos((X - 76) / 14));
      let c = [250, 236, 200];
      if (sun < 0) c = [245, 170, 60];
      if (hill1 > 0) c = [120, 180, 110];
      if (hill2 > 0) c = [80, 150, 120];
      const ink = Math.min(Math.abs(sun), Math.abs(hill1), Math.abs(hill2));
      if (ink < 1.2) c = [30, 28, 36];
      img.data.set([...c, 255], (y * size + x) * 4);
    }
  return img;
}

/** A subject (a round flower crop) over a background, with its mask. */
function scene(photo: RgbaImage, background: (x: number, y: number) => number[]): RgbaImage {
  const r = photo.width * 0.34;
  const c = photo.width / 2;
  return map(photo, (red, g, b, x, y) =>
    Math.hypot(x - c, y - c) < r ? [red, g, b] : background(x, y),
  );
}

const stripes = (x: number, y: number) => ((x + y) % 10 < 5 ? [70, 110, 160] : [200, 210, 220]);
const checker = (x: number, y: number) =>
  (Math.floor(x / 5) + Math.floor(y / 5)) % 2 ? [204, 204, 204] : [255, 255, 255];

/** Before on the left, after on the right, with a thin divider. */
function pair(before: RgbaImage, after: RgbaImage): RgbaImage {
  const h = before.height;
  const w = before.width;
  const out = createImage(w * 2, h);
  for (let y = 0; y < h; y++) {
    out.data.set(before.data.subarray(y * w * 4, (y + 1) * w * 4), y * w * 8);
    out.data.set(after.data.subarray(y * w * 4, (y + 1) * w * 4), y * w * 8 + w * 4);
    out.data.set([255, 255, 255, 255], (y * w * 2 + w) * 4);
  }
  return out;
}

const original = fixture('photo-original-128.png');
const small = fixture('photo-small-64.png');
const face = fixture('portrait-astronaut-192.png');

// The samples: one click on each runs a real job.
write('samples/old-photo.png', aged(original));
write('samples/small-photo.png', small);
write('samples/drawing.png', drawing(96));

// The cards' thumbnails: 40 × 40 before | after.
const T = 40;
const a = resizeBicubic(downscaleArea(original, 2), T, T);
const f = resizeBicubic(downscaleArea(face, 4), T, T);
const art = drawing(T);
const sharpScene = scene(a, stripes);
const framed = map(a, (r, g, b, x, y) =>
  Math.min(x, y, T - 1 - x, T - 1 - y) < 5 ? [242, 238, 228] : [r, g, b],
);
const blob = map(a, (r, g, b, x, y) => (Math.hypot(x - 27, y - 12) < 6 ? [40, 40, 48] : [r, g, b]));
const text = map(a, (r, g, b, x, y) =>
  y >= 30 && y < 35 && x >= 4 && x < 36 && x % 6 < 4 ? [255, 255, 255] : [r, g, b],
);
const blurredStripes = blur(scene(a, stripes), 3);
const thumbs: Record<string, [RgbaImage, RgbaImage]> = {
  enhance: [pixelate(a, 5), a],
  'enhance-anime': [pixelate(art, 5), art],
  'restore-old-photo': [aged(a, 11), a],
  denoise: [noisy(a, 70), a],
  deblur: [blur(a, 2), a],
  'enhance-face': [blur(f, 2), f],
  'remove-frame': [framed, a],
  'remove-background': [sharpScene, scene(a, checker)],
  'replace-background': [sharpScene, scene(a, () => [60, 160, 150])],
  'blur-background': [
    sharpScene,
    map(blurredStripes, (r, g, b, x, y) =>
      Math.hypot(x - T / 2, y - T / 2) < T * 0.34
        ? [...sharpScene.data.subarray((y * T + x) * 4, (y * T + x) * 4 + 3)]
        : [r, g, b],
    ),
  ],
  'remove-object': [blob, a],
  'remove-text': [text, a],
  convert: [a, a],
  'compress-optimize': [a, map(a, (r, g, b) => [r, g, b].map((v) => Math.round(v / 24) * 24))],
  'crop-resize': [a, resizeBicubic(crop(a, 8, 8, 24, 24), T, T)],
  'smart-crop': [sharpScene, resizeBicubic(crop(sharpScene, 6, 6, 28, 28), T, T)],
};
for (const [type, [before, after]] of Object.entries(thumbs))
  write(`ops/${type}.png`, pair(before, after));
console.log(`${total} bytes in all`);
