// "Bring your own model": an ONNX file the user adds in Settings, with a small form saying how to
// run it. The file is checked (its inputs and outputs must fit the form), kept in Cache Storage
// under an app URL like the built-in models (so model-store.ts loads and sha256-checks it the
// same way), and described by a record in IndexedDB. Once added it replaces the built-in models
// of its operation at its scale; removing it brings them back. Works in a window and a worker.

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ModelEntry, ModelVariant } from '@models/manifest.ts';
import { MODEL_CACHE, modelUrl } from './model-store.ts';
import { ModelCatalogue } from './models.ts';
import { OnnxFormatError, type OnnxValue, readOnnxSignature } from './onnx-signature.ts';

/** Operations whose workers pick an image-to-image model by operation and scale. */
export const OWN_MODEL_OPERATIONS = {
  enhance: { scales: [2, 3, 4, 8] },
  'enhance-anime': { scales: [4] },
} as const;

export type OwnModelOperation = keyof typeof OWN_MODEL_OPERATIONS;

/** What the user says about the file. */
export interface OwnModelForm {
  name: string;
  operation: OwnModelOperation;
  scale: number;
  layout: 'NCHW' | 'NHWC';
  range: [0, 1] | [0, 255];
  /** Input tile edge in pixels; for a model with a fixed input size, that size. */
  tileSize: number;
  license: string;
}

export interface OwnModelRecord extends OwnModelForm {
  id: string;
  inputName: string;
  outputName: string;
  /** Where the bytes are kept, relative to the site root, as a manifest variant's file. */
  file: string;
  bytes: number;
  sha256: string;
  /** The model takes only tileSize × tileSize inputs. */
  fixedSize: boolean;
  added: number;
}

export class OwnModelError extends Error {}

const FLOAT = 1;
const MIN_TILE = 16;
const MAX_TILE = 1024;

interface OwnModelsDb extends DBSchema {
  models: { key: string; value: OwnModelRecord };
}

let database: Promise<IDBPDatabase<OwnModelsDb>> | null = null;

function db(): Promise<IDBPDatabase<OwnModelsDb>> {
  database ??= openDB<OwnModelsDb>('kintsugi-own-models', 1, {
    upgrade(upgraded) {
      upgraded.createObjectStore('models', { keyPath: 'id' });
    },
  });
  return database;
}

/** The axis of each of N, C, H, W in the layout. */
function axes(layout: OwnModelForm['layout']) {
  return layout === 'NCHW' ? { c: 1, h: 2, w: 3 } : { h: 1, w: 2, c: 3 };
}

function describeDims(value: OnnxValue): string {
  return `[${value.dims.map((d) => (d === '' ? '?' : d)).join(', ')}]`;
}

/**
 * Checks the model's one input and one output against the form and returns their names, or
 * throws OwnModelError saying what does not fit.
 */
export function checkOwnModel(bytes: Uint8Array, form: OwnModelForm) {
  let signature;
  try {
    signature = readOnnxSignature(bytes);
  } catch (error) {
    if (error instanceof OnnxFormatError) throw new OwnModelError(error.message);
    throw error;
  }
  const { inputs, outputs } = signature;
  if (!form.name.trim()) throw new OwnModelError('Give the model a name');
  const operation = OWN_MODEL_OPERATIONS[form.operation];
  if (!operation) throw new OwnModelError(`Own models cannot serve "${form.operation}"`);
  if (!(operation.scales as readonly number[]).includes(form.scale)) {
    throw new OwnModelError(
      `${form.operation} runs at ×${operation.scales.join(', ×')}, not ×${form.scale}`,
    );
  }
  if (!Number.isInteger(form.tileSize) || form.tileSize < MIN_TILE || form.tileSize > MAX_TILE) {
    throw new OwnModelError(`The tile size must be a whole number from ${MIN_TILE} to ${MAX_TILE}`);
  }
  const [input] = inputs;
  const [output] = outputs;
  if (inputs.length !== 1 || !input) {
    throw new OwnModelError(`The model must take one image input; it takes ${inputs.length}`);
  }
  if (outputs.length !== 1 || !output) {
    throw new OwnModelError(`The model must give one image output; it gives ${outputs.length}`);
  }
  const axis = axes(form.layout);
  for (const [what, value] of [
    ['input', input],
    ['output', output],
  ] as const) {
    if (value.elemType !== FLOAT) {
      throw new OwnModelError(
        `Its ${what} '${value.name}' is not float32 (type ${value.elemType})`,
      );
    }
    if (value.dims.length !== 4) {
      throw new OwnModelError(
        `Its ${what} '${value.name}' is ${describeDims(value)}, not a 4-dimensional ${form.layout} image`,
      );
    }
    const channels = value.dims[axis.c];
    const other = form.layout === 'NCHW' ? 'NHWC' : 'NCHW';
    if (channels !== 3 && value.dims[axes(other).c] === 3) {
      throw new OwnModelError(
        `Its ${what} '${value.name}' is ${describeDims(value)}: that is ${other}, not ${form.layout}`,
      );
    }
    if (typeof channels === 'number' && channels !== 3) {
      throw new OwnModelError(
        `Its ${what} '${value.name}' ${describeDims(value)} has ${channels} channels where ` +
          `${form.layout} puts them; it needs 3 (RGB)`,
      );
    }
  }
  const fixed = [input.dims[axis.h], input.dims[axis.w]].filter((d) => typeof d === 'number');
  if (fixed.some((size) => size !== form.tileSize)) {
    throw new OwnModelError(
      `The model takes ${describeDims(input)} inputs: set the tile size to ${fixed[0]}`,
    );
  }
  const inH = input.dims[axis.h];
  const outH = output.dims[axis.h];
  if (typeof inH === 'number' && typeof outH === 'number' && outH !== inH * form.scale) {
    throw new OwnModelError(`Its output is ${outH / inH}× its input, not ×${form.scale}`);
  }
  return { inputName: input.name, outputName: output.name, fixedSize: fixed.length > 0 };
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'model'
  );
}

/** Checks the file, keeps it and its record; any earlier own model for the same slot goes. */
export async function addOwnModel(file: Blob, form: OwnModelForm): Promise<OwnModelRecord> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const { inputName, outputName, fixedSize } = checkOwnModel(bytes, form);
  const sha256 = await sha256Hex(bytes);
  const id = `own-${slug(form.name)}-${sha256.slice(0, 8)}`;
  const record: OwnModelRecord = {
    ...form,
    name: form.name.trim(),
    license: form.license.trim() || 'not stated',
    id,
    inputName,
    outputName,
    file: `models/own/${id}.onnx`,
    bytes: bytes.byteLength,
    sha256,
    fixedSize,
    added: Date.now(),
  };
  const cache = await caches.open(MODEL_CACHE);
  await cache.put(
    modelUrl(ownVariant(record)),
    new Response(bytes as BlobPart, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(bytes.length),
      },
    }),
  );
  for (const other of await listOwnModels()) {
    if (other.id !== id && other.operation === form.operation && other.scale === form.scale) {
      await removeOwnModel(other.id);
    }
  }
  await (await db()).put('models', record);
  return record;
}

export async function listOwnModels(): Promise<OwnModelRecord[]> {
  const all = await (await db()).getAll('models');
  return all.sort((a, b) => a.added - b.added);
}

export async function removeOwnModel(id: string): Promise<void> {
  const record = await (await db()).get('models', id);
  if (!record) return;
  await (await caches.open(MODEL_CACHE)).delete(modelUrl(ownVariant(record)));
  await (await db()).delete('models', id);
}

function ownVariant(record: OwnModelRecord): ModelVariant {
  return {
    id: 'own',
    file: record.file,
    bytes: record.bytes,
    sha256: record.sha256,
    weights: 'float32',
    compute: 'float32',
  };
}

/** The record as a manifest entry, so the operations and the runtime run it like any other. */
export function ownModelEntry(record: OwnModelRecord): ModelEntry {
  const context = Math.min(16, Math.floor(record.tileSize / 4));
  return {
    id: record.id,
    label: `${record.name} (your model)`,
    operations: [record.operation],
    scale: record.scale,
    input: { name: record.inputName, layout: record.layout, channels: 3, range: record.range },
    output: { name: record.outputName, layout: record.layout, channels: 3, range: record.range },
    tile: {
      size: record.tileSize,
      context,
      min: record.fixedSize ? record.tileSize : Math.min(record.tileSize, 32),
      max: record.tileSize,
    },
    variants: [ownVariant(record)],
    source: { package: 'added in Settings', version: '', path: record.name, sha256: record.sha256 },
    license: record.license,
  };
}

/** The models a job may use now: the stored own models in place of the built-ins they replace. */
export async function storedCatalogue(): Promise<ModelCatalogue> {
  return new ModelCatalogue((await listOwnModels()).map(ownModelEntry));
}
