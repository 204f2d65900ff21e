// npx tsx bench/denoise-quality.ts [--sigmas=15,25,50] [--photos=a,b] [--out=bench/results]
//   [--no-nlm] [--true-sigma] [--float-noise] [--full-size] [--crops] [--seams] [--level=0.5]
//   [--name=…]
//
// The white-noise denoisers on real photos: each photo of bench/lib/photos.ts as ground truth
// (shrunk 2× there, so 224×144 to 432×296; with --full-size unshrunk centre crops of at most
// 481×321, the size of a CBSD68 picture), Gaussian noise of σ 15, 25 and 50 from a fixed seed
// (rounded and clipped to 8 bits, as a saved photo is), then the noisy input, non-local means
// (the previous engine) and CBM3D scored against the original by RGB PSNR and SSIM. Both filters
// get the σ the app itself would use, measured from the noisy image (noise-estimate.ts); with
// --true-sigma they get the σ that was added instead. Writes denoise-quality.json and .md under
// --out, with --crops a side-by-side crop (noisy | NLM | CBM3D | original) per photo and σ, and
// with --seams how far a run in 160 px tiles (the worker's tiling, smaller) is from one tile.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type RgbaImage, encodePng, psnr, ssim } from '../e2e/support/images.ts';
import { runClassicalTiled } from '../src/ops/common/classical-tiles.ts';
import { bm3d, bm3dContext, bm3dProfile } from '../src/ops/denoise/bm3d.ts';
import { estimateNoiseSigma } from '../src/ops/denoise/noise-estimate.ts';
import { assumedSigma } from '../src/ops/denoise/plan.ts';
import { nlmParameters, nlmStrength, nonLocalMeans } from './denoise-nlm.ts';
import { PHOTOS, addNoise, centreCrop, decodeAny, groundTruths, photoDebs } from './lib/photos.ts';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const SIGMAS = (args.get('sigmas') ?? '15,25,50').split(',').map(Number);
const ONLY = args.get('photos')?.split(',');
const OUT = args.get('out') ?? 'bench/results';
const LEVEL = Number(args.get('level') ?? 0.5);
const FLOAT_NOISE = args.has('float-noise');

/** The original plus Gaussian noise of `sigma`, as floats (Box-Muller on a fixed LCG). */
function floatNoise(image: RgbaImage, sigma: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 1) / 4294967297;
  };
  const rgb = toPlanes(image);
  for (let i = 0; i < rgb.length; i++) {
    rgb[i]! += sigma * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  }
  return rgb;
}

/** RGB PSNR of float samples (the noisy input is not rounded) against an 8-bit original. */
function floatPsnr(rgb: Float32Array, image: RgbaImage): number {
  let sum = 0;
  for (let i = 0; i < image.width * image.height; i++) {
    for (let c = 0; c < 3; c++) sum += (rgb[3 * i + c]! - image.data[4 * i + c]!) ** 2;
  }
  return 10 * Math.log10((255 * 255 * 3 * image.width * image.height) / sum);
}

function toPlanes(image: RgbaImage): Float32Array {
  const rgb = new Float32Array(image.width * image.height * 3);
  for (let i = 0; i < image.width * image.height; i++) {
    for (let c = 0; c < 3; c++) rgb[3 * i + c] = image.data[4 * i + c]!;
  }
  return rgb;
}

function toImage(rgb: Float32Array, width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++)
      data[4 * i + c] = Math.min(255, Math.max(0, Math.round(rgb[3 * i + c]!)));
    data[4 * i + 3] = 255;
  }
  return { width, height, data };
}

/** Noisy | NLM | CBM3D | original, each a `size` square crop from the same place. */
function sideBySide(images: RgbaImage[], x0: number, y0: number, size: number): RgbaImage {
  const gap = 4;
  const width = images.length * size + (images.length - 1) * gap;
  const data = new Uint8Array(width * size * 4).fill(255);
  images.forEach((img, k) => {
    for (let y = 0; y < size; y++) {
      const from = ((y0 + y) * img.width + x0) * 4;
      data.set(img.data.subarray(from, from + size * 4), (y * width + k * (size + gap)) * 4);
    }
  });
  return { width, height: size, data };
}

/** CBM3D as the worker runs it: tiles of `tileSize` with the context it asks for. */
async function tiledBm3d(image: RgbaImage, sigma: number, tileSize: number): Promise<RgbaImage> {
  const out = new Uint8Array(image.width * image.height * 4);
  const profile = bm3dProfile(sigma);
  let row = 0;
  await runClassicalTiled({
    image,
    tileSize,
    context: bm3dContext(profile),
    square: false,
    filter: (rgb, w, h, left, top) => bm3d(rgb, w, h, sigma, { profile, left, top }),
    sink: (band, rows) => {
      out.set(band.subarray(0, rows * image.width * 4), row * image.width * 4);
      row += rows;
    },
    onProgress: () => {},
    throwIfCanceled: () => {},
  });
  return { width: image.width, height: image.height, data: out };
}

interface Row {
  photo: string;
  size: string;
  sigma: number;
  estimated: number;
  noisy: { psnr: number; ssim: number };
  nlm?: { psnr: number; ssim: number; seconds: number };
  /** Wall and CPU seconds: on a shared machine the CPU time is the steadier figure. */
  bm3d: { psnr: number; ssim: number; seconds: number; cpuSeconds: number };
  /** With --seams: 160 px tiles against one tile, in levels. */
  seams?: { tiles: number; maxDiff: number; meanDiff: number };
}

/**
 * The photos at CBSD68's 481×321: centre crops of the originals, at most that size, without
 * the shared set's 2× shrink (which leaves 224×144 to 432×296). Their own sensor noise and JPEG
 * traces stay in the ground truth, so every filter scores a little lower than on the shrunk set.
 */
async function fullSizePhotos() {
  const dir = await photoDebs();
  return Promise.all(
    PHOTOS.map(async (photo) => {
      const full = await decodeAny(new Uint8Array(await readFile(path.join(dir, photo.file))));
      return { ...photo, image: centreCrop(full, 481, 321) };
    }),
  );
}

const photos = (
  args.has('full-size') ? await fullSizePhotos() : await groundTruths(481, 321)
).filter((p) => !ONLY || ONLY.includes(p.name));
const rows: Row[] = [];
await mkdir(path.join(OUT, 'crops'), { recursive: true });
for (const sigma of SIGMAS) {
  for (const photo of photos) {
    const { image } = photo;
    const { width, height } = image;
    // 8-bit noisy photos, as the app sees them; or with --float-noise the noise of the
    // published benchmarks (neither rounded nor clipped), with the σ that was added.
    const rgb = FLOAT_NOISE
      ? floatNoise(image, sigma, 1234 + sigma)
      : toPlanes(addNoise(image, sigma, 1234 + sigma));
    const noisy = toImage(rgb, width, height);
    const estimated = estimateNoiseSigma(noisy);
    const used = args.has('true-sigma') || FLOAT_NOISE ? sigma : estimated;
    const row: Row = {
      photo: photo.name,
      size: `${width}×${height}`,
      sigma,
      estimated,
      noisy: { psnr: floatPsnr(rgb, image), ssim: ssim(noisy, image) },
      bm3d: { psnr: 0, ssim: 0, seconds: 0, cpuSeconds: 0 },
    };
    let nlmImage: RgbaImage | undefined;
    if (!args.has('no-nlm')) {
      const options = { ...nlmParameters(used), h: nlmStrength(LEVEL) * used };
      const t0 = performance.now();
      nlmImage = toImage(nonLocalMeans(rgb, width, height, 3, options), width, height);
      const seconds = (performance.now() - t0) / 1000;
      row.nlm = { psnr: psnr(nlmImage, image), ssim: ssim(nlmImage, image), seconds };
    }
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const out = toImage(bm3d(rgb, width, height, assumedSigma(used, LEVEL)), width, height);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    row.bm3d = { psnr: psnr(out, image), ssim: ssim(out, image), seconds, cpuSeconds };
    if (args.has('seams')) {
      const sigmaUsed = assumedSigma(used, LEVEL);
      const whole = await tiledBm3d(noisy, sigmaUsed, 1024);
      const tiled = await tiledBm3d(
        noisy,
        sigmaUsed,
        160 + 2 * bm3dContext(bm3dProfile(sigmaUsed)),
      );
      let maxDiff = 0;
      let total = 0;
      for (let i = 0; i < whole.data.length; i++) {
        const d = Math.abs(whole.data[i]! - tiled.data[i]!);
        maxDiff = Math.max(maxDiff, d);
        total += d;
      }
      const tiles = Math.ceil(width / 160) * Math.ceil(height / 160);
      row.seams = { tiles, maxDiff, meanDiff: total / (width * height * 3) };
      console.log(
        `  seams: ${tiles} tiles vs one, max ${maxDiff} levels, mean ${row.seams.meanDiff.toFixed(4)}`,
      );
    }
    rows.push(row);
    console.log(
      `${photo.name.padEnd(11)} σ ${sigma} (est ${estimated.toFixed(1)}): noisy ${row.noisy.psnr.toFixed(2)}` +
        (row.nlm ? `  NLM ${row.nlm.psnr.toFixed(2)} (${row.nlm.seconds.toFixed(1)} s)` : '') +
        `  CBM3D ${row.bm3d.psnr.toFixed(2)} / ${row.bm3d.ssim.toFixed(3)} (${seconds.toFixed(2)} s, CPU ${cpuSeconds.toFixed(2)} s)  load ${os.loadavg()[0]!.toFixed(2)}`,
    );
    if (args.has('crops') && nlmImage) {
      const size = 160;
      const crop = sideBySide(
        [noisy, nlmImage, out, image],
        Math.floor((width - size) / 2),
        Math.floor((height - size) / 2),
        size,
      );
      await writeFile(
        path.join(OUT, 'crops', `denoise-${photo.name}-s${sigma}.png`),
        encodePng(crop),
      );
    }
  }
}

/** The mean over the photos at `sigma`, to `digits` places; '–' where a filter did not run. */
const mean = (f: (r: Row) => number | undefined, sigma: number, digits: number): string => {
  const values = rows.filter((r) => r.sigma === sigma).map(f);
  if (values.some((v) => v === undefined)) return '–';
  return (values.reduce((a, b) => a! + b!, 0)! / values.length).toFixed(digits);
};
const lines = [
  '# Denoise quality: noisy, non-local means, CBM3D',
  '',
  `Photos ${photos.map((p) => p.name).join(', ')} (${args.has('full-size') ? 'centre crops of the originals' : 'shrunk 2× by area, then centre crops'}), Gaussian noise from a fixed seed ${FLOAT_NOISE ? '(floats, neither rounded nor clipped, as published benchmarks add it)' : '(rounded and clipped to 8 bits, as a saved photo has it)'}; σ ${args.has('true-sigma') || FLOAT_NOISE ? 'given to the filters' : 'measured from the noisy image, as the app does'}; level ${LEVEL}. RGB PSNR (dB) / SSIM; seconds on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), one thread, load at the end ${os.loadavg()[0]!.toFixed(2)}.`,
  '',
  '| photo | size | σ | σ measured | noisy | NLM | CBM3D | NLM s | CBM3D s (CPU s) | tiled vs whole (max / mean levels) |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.photo} | ${r.size} | ${r.sigma} | ${r.estimated.toFixed(1)} | ${r.noisy.psnr.toFixed(2)} / ${r.noisy.ssim.toFixed(3)} | ${r.nlm ? `${r.nlm.psnr.toFixed(2)} / ${r.nlm.ssim.toFixed(3)}` : '–'} | ${r.bm3d.psnr.toFixed(2)} / ${r.bm3d.ssim.toFixed(3)} | ${r.nlm?.seconds.toFixed(1) ?? '–'} | ${r.bm3d.seconds.toFixed(1)} (${r.bm3d.cpuSeconds.toFixed(1)}) | ${r.seams ? `${r.seams.maxDiff} / ${r.seams.meanDiff.toFixed(3)}` : '–'} |`,
  ),
  ...SIGMAS.map(
    (s) =>
      `| **mean** | | ${s} | | ${mean((r) => r.noisy.psnr, s, 2)} / ${mean((r) => r.noisy.ssim, s, 3)} | ${mean((r) => r.nlm?.psnr, s, 2)} / ${mean((r) => r.nlm?.ssim, s, 3)} | ${mean((r) => r.bm3d.psnr, s, 2)} / ${mean((r) => r.bm3d.ssim, s, 3)} | ${mean((r) => r.nlm?.seconds, s, 1)} | ${mean((r) => r.bm3d.seconds, s, 1)} (${mean((r) => r.bm3d.cpuSeconds, s, 1)}) | |`,
  ),
  '',
];
const name = args.get('name') ?? 'denoise-quality';
await writeFile(path.join(OUT, `${name}.md`), lines.join('\n'));
await writeFile(
  path.join(OUT, `${name}.json`),
  JSON.stringify({ level: LEVEL, rows }, null, 2) + '\n',
);
console.log(lines.slice(-SIGMAS.length - 1).join('\n'));
