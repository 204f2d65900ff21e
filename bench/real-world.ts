// The photo upscalers on real photos the app never saw, degraded as phones and the web deliver
// them: each ground truth (bench/lib/photos.ts) shrunk 4× by area averaging, then either kept
// clean or given mild sensor noise (σ 2) and a JPEG round trip at quality 60. Every model runs as
// the browser runs it (same tiles, same variant as WASM loads) through onnxruntime-node, and is
// scored against the original with PSNR, SSIM, sharpness (mean gradient over the original's) and,
// for the JPEG set, blockiness on the ×4 grid. Side-by-side crops go to bench/results/crops/.
//
// Run by `npm run bench` (its quality section); alone: npx tsx bench/real-world.ts [--threads=2]

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Manifest, ModelEntry } from '../models/manifest.ts';
import {
  type RgbaImage,
  blockiness,
  downscaleArea,
  encodePng,
  meanGradient,
  psnr,
  resizeBicubic,
  ssim,
} from '../e2e/support/images.ts';
import { nativeSession, runNative } from './lib/native.ts';
import { addNoise, cropImage, groundTruths, jpegRoundTrip } from './lib/photos.ts';
import { strip } from './lib/strip.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'bench/results');
const MODELS = ['esrgan-medium-x4', 'realesr-general-x4v3', 'realesrgan-x4plus'];
const SCALE = 4;
/** Ground truth size: big enough for real structure, small enough for x4plus on a CPU. */
const WIDTH = 256;
const HEIGHT = 192;

interface Score {
  psnr: number;
  ssim: number;
  sharpness: number;
  blockiness: number;
}

const round = (x: number, d = 3) => Number(x.toFixed(d));

function score(out: RgbaImage, original: RgbaImage): Score {
  const border = 4;
  return {
    psnr: round(psnr(out, original, { border }), 2),
    ssim: round(ssim(out, original, { border }), 4),
    sharpness: round(meanGradient(out) / meanGradient(original)),
    blockiness: round(blockiness(out, 8 * SCALE)),
  };
}

function nearest(image: RgbaImage, factor: number): RgbaImage {
  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (Math.floor(y / factor) * image.width + Math.floor(x / factor)) * 4;
      data.set(image.data.subarray(from, from + 4), (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

export interface RealWorldRow {
  set: string;
  runner: string;
  psnr: number;
  ssim: number;
  sharpness: number;
  blockiness: number;
}

export interface RealWorldResult {
  photos: string;
  threads: number;
  summary: RealWorldRow[];
  /** Mean seconds per 64×48 → 256×192 photo, per model. */
  seconds: Record<string, number>;
}

/** Scores every model on the real-world set, saves the crops, and returns the means. */
export async function realWorldQuality(threads: number): Promise<RealWorldResult> {
  const manifest = JSON.parse(
    await readFile(path.join(ROOT, 'models/manifest.json'), 'utf8'),
  ) as Manifest;
  const models = MODELS.map((id) => {
    const model = manifest.models.find((m) => m.id === id);
    if (!model) throw new Error(`models/manifest.json has no ${id}: run npm run models`);
    return model;
  });
  const photos = await groundTruths(WIDTH, HEIGHT);
  const sets = ['clean', 'noise+jpeg60'] as const;
  const rows: Record<string, unknown>[] = [];
  const totals = new Map<string, Score[]>();
  const sessions = new Map<string, Awaited<ReturnType<typeof nativeSession>>>();
  const variantOf = (model: ModelEntry) =>
    model.variants.find((v) => v.compute === 'float32') ?? model.variants[0]!;
  for (const model of models)
    sessions.set(model.id, await nativeSession(variantOf(model), threads));
  await mkdir(path.join(RESULTS, 'crops'), { recursive: true });

  for (const set of sets) {
    for (const [index, photo] of photos.entries()) {
      const original = photo.image;
      let small = downscaleArea(original, SCALE);
      if (set !== 'clean') small = await jpegRoundTrip(addNoise(small, 2, index + 1), 60);
      const outputs: [string, RgbaImage][] = [
        ['bicubic', resizeBicubic(small, original.width, original.height)],
      ];
      for (const model of models) {
        const started = performance.now();
        const run = await runNative(sessions.get(model.id)!, model, small);
        if (!run.image) throw new Error(`${model.id} did not finish`);
        outputs.push([model.id, run.image]);
        rows.push({
          set,
          photo: photo.name,
          runner: model.id,
          seconds: round((performance.now() - started) / 1000, 2),
        });
      }
      for (const [runner, image] of outputs) {
        const s = score(image, original);
        const key = `${set}|${runner}`;
        totals.set(key, [...(totals.get(key) ?? []), s]);
        rows.push({ set, photo: photo.name, runner, ...s });
      }
      // The crop with the most detail in the original, as a person would look for it.
      const side = 96;
      let best = { x: 0, y: 0, g: -1 };
      for (let y = 0; y + side <= original.height; y += 16) {
        for (let x = 0; x + side <= original.width; x += 16) {
          const g = meanGradient(cropImage(original, x, y, side, side), 1);
          if (g > best.g) best = { x, y, g };
        }
      }
      const panels = [nearest(small, SCALE), ...outputs.map(([, image]) => image), original].map(
        (image) => nearest(cropImage(image, best.x, best.y, side, side), 2),
      );
      await writeFile(
        path.join(
          RESULTS,
          'crops',
          `enhance-${set === 'clean' ? 'clean' : 'jpeg'}-${photo.name}.png`,
        ),
        encodePng(strip(panels)),
      );
    }
  }
  for (const session of sessions.values()) await session.release();

  const runners = ['bicubic', ...MODELS];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const summary: RealWorldRow[] = [];
  for (const set of sets) {
    for (const runner of runners) {
      const scores = totals.get(`${set}|${runner}`)!;
      summary.push({
        set,
        runner,
        psnr: round(mean(scores.map((s) => s.psnr)), 2),
        ssim: round(mean(scores.map((s) => s.ssim)), 4),
        sharpness: round(mean(scores.map((s) => s.sharpness))),
        blockiness: round(mean(scores.map((s) => s.blockiness))),
      });
    }
  }
  const seconds = Object.fromEntries(
    MODELS.map((id) => [
      id,
      round(
        mean(rows.filter((r) => r.runner === id && 'seconds' in r).map((r) => r.seconds as number)),
        2,
      ),
    ]),
  );
  return {
    photos: photos.map((p) => `${p.name} (${p.credit})`).join(', '),
    threads,
    summary,
    seconds,
  };
}

/** The real-world table as Markdown, for the bench report and bench/results/real-world.md. */
export function realWorldMarkdown(result: RealWorldResult): string {
  const lines = [
    `Real photos the app never saw: ${result.photos}. Each ground truth is ${WIDTH}×${HEIGHT} at most, after a 2× area shrink of the source; the input is it shrunk 4× (clean), or that plus Gaussian noise σ 2 and a JPEG round trip at quality 60 (noise+jpeg60), as phones and the web deliver photos. onnxruntime-node, ${result.threads} threads, the variant WASM loads. Sharpness = mean luma gradient over the original's (1 = as much detail); blockiness = luma steps on the 32 px grid over steps elsewhere (1 = no blocks). Crops: bench/results/crops/enhance-*.png (input, bicubic, ${MODELS.join(', ')}, original).`,
    '',
    '| set | runner | PSNR dB | SSIM | sharpness | blockiness |',
    '| --- | --- | --- | --- | --- | --- |',
    ...result.summary.map(
      (m) =>
        `| ${m.set} | ${m.runner} | ${m.psnr} | ${m.ssim} | ${m.sharpness} | ${m.blockiness} |`,
    ),
    '',
    '| model | native seconds per 64×48 → 256×192 |',
    '| --- | --- |',
    ...Object.entries(result.seconds).map(([id, s]) => `| ${id} | ${s} |`),
  ];
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const threads = Number(process.argv.find((a) => a.startsWith('--threads='))?.slice(10) ?? 2);
  const result = await realWorldQuality(threads);
  const markdown = realWorldMarkdown(result);
  await writeFile(
    path.join(RESULTS, 'real-world.md'),
    `# Photo upscaling on real photos (×4)\n\n${markdown}`,
  );
  await writeFile(
    path.join(RESULTS, 'real-world.json'),
    `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), ...result }, null, 2)}\n`,
  );
  console.log(markdown);
}
