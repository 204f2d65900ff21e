// Converts the pretrained models shipped in npm packages to ONNX under public/models/ and writes
// models/manifest.json. Runs on every install (postinstall) and build, so an unchanged model is
// only hashed, not reconverted. Usage: npx tsx models/build.ts

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertKerasLayersModel } from './keras-to-onnx.ts';
import { sha256Hex } from './hash.ts';
import type { Manifest, ModelEntry } from './manifest.ts';

interface ModelSource {
  id: string;
  scale: number;
  /** The TF.js model.json, relative to the package directory. */
  path: string;
  package: string;
  label: (scale: number) => string;
  operations: string[];
  range: [number, number];
  tile: ModelEntry['tile'];
}

type ModelFamily = Omit<ModelSource, 'id' | 'scale' | 'path'>;

const ESRGAN_MEDIUM: ModelFamily = {
  package: '@upscalerjs/esrgan-medium',
  label: (scale) => `ESRGAN medium ×${scale} (idealo RDN)`,
  operations: ['enhance'],
  range: [0, 255],
  // 16 px of context keeps tile seams far below one 8-bit level (see the tiling test).
  tile: { size: 128, context: 16, min: 32, max: 512 },
};

const MODELS: readonly ModelSource[] = [
  { id: 'esrgan-medium-x2', scale: 2, path: 'models/x2/model.json', ...ESRGAN_MEDIUM },
  { id: 'esrgan-medium-x4', scale: 4, path: 'models/x4/model.json', ...ESRGAN_MEDIUM },
];

const IO_NAMES = { inputName: 'input', outputName: 'output' };

const MODELS_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.dirname(MODELS_DIR);
const PUBLIC_DIR = path.join(REPO_ROOT, 'public');
const CACHE_DIR = path.join(MODELS_DIR, '.cache');
const MANIFEST_PATH = path.join(MODELS_DIR, 'manifest.json');
// Any change to these files changes the ONNX bytes, so they are part of the cache key.
const CONVERTER_FILES = ['onnx.ts', 'keras-to-onnx.ts'].map((file) => path.join(MODELS_DIR, file));

interface CacheRecord {
  key: string;
  bytes: number;
  sha256: string;
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

async function buildModel(source: ModelSource, converterHashes: string[]): Promise<ModelEntry> {
  const started = performance.now();
  const packageDir = path.join(REPO_ROOT, 'node_modules', source.package);
  const packageInfo = await readPackageInfo(packageDir);
  const { modelJson, modelJsonBytes, weights } = await readTfjsModel(
    path.join(packageDir, source.path),
  );
  const sourceSha256 = sha256Hex(modelJsonBytes, weights);
  // Hash of hashes, so the boundaries between the parts cannot shift and collide.
  const key = sha256Hex(
    JSON.stringify({ source: sourceSha256, converter: converterHashes, io: IO_NAMES }),
  );

  const file = `models/${source.id}.fp32.onnx`;
  const outputPath = path.join(PUBLIC_DIR, file);
  const cachePath = path.join(CACHE_DIR, `${source.id}.json`);
  const cached = await readCacheRecord(cachePath);

  let record: CacheRecord;
  let status: string;
  if (cached?.key === key && (await fileSha256(outputPath)) === cached.sha256) {
    record = cached;
    status = 'up to date';
  } else {
    const onnxBytes = convertKerasLayersModel(modelJson, weights.buffer, IO_NAMES);
    record = { key, bytes: onnxBytes.byteLength, sha256: sha256Hex(onnxBytes) };
    await writeFileAtomic(outputPath, onnxBytes);
    await writeFileAtomic(cachePath, `${JSON.stringify(record, null, 2)}\n`);
    status = 'built';
  }
  const ms = Math.round(performance.now() - started);
  console.log(`${source.id}: ${status}, ${record.bytes} bytes, ${ms} ms`);

  return {
    id: source.id,
    label: source.label(source.scale),
    operations: source.operations,
    scale: source.scale,
    input: { name: IO_NAMES.inputName, layout: 'NCHW', channels: 3, range: source.range },
    output: { name: IO_NAMES.outputName, layout: 'NCHW', channels: 3, range: source.range },
    tile: source.tile,
    variants: [
      {
        id: 'fp32',
        file,
        bytes: record.bytes,
        sha256: record.sha256,
        weights: 'float32',
        compute: 'float32',
      },
    ],
    source: {
      package: source.package,
      version: packageInfo.version,
      path: source.path,
      sha256: sourceSha256,
    },
    license: packageInfo.license,
  };
}

async function main(): Promise<void> {
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
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
