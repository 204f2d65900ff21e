import type { ModelVariant } from '@models/manifest.ts';
import { manifest } from './models.ts';
import { NotOnDeviceError, isOffline, notOnDevice } from './runtime-files.ts';

/**
 * The models this device keeps, in Cache Storage under the app's own URLs. Works in a window
 * and in a worker. Every file is checked against the manifest's sha256 before it is kept or
 * run: a damaged copy is thrown away and fetched again, never used.
 */
export const MODEL_CACHE = 'kintsugi-models-v1';

export class ModelIntegrityError extends Error {}

export function modelUrl(variant: ModelVariant): string {
  return new URL(`/${variant.file}`, self.location.origin).href;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The model's bytes from the cache, or null when this device does not keep a sound copy. */
export async function cachedModel(variant: ModelVariant): Promise<Uint8Array | null> {
  const cache = await caches.open(MODEL_CACHE);
  const response = await cache.match(modelUrl(variant));
  if (!response) return null;
  const bytes = new Uint8Array(await response.arrayBuffer());
  if ((await sha256Hex(bytes)) === variant.sha256) return bytes;
  await cache.delete(modelUrl(variant));
  return null;
}

export async function isKept(variant: ModelVariant): Promise<boolean> {
  const cache = await caches.open(MODEL_CACHE);
  return (await cache.match(modelUrl(variant))) !== undefined;
}

export async function forget(variant: ModelVariant): Promise<void> {
  await (await caches.open(MODEL_CACHE)).delete(modelUrl(variant));
}

export interface DownloadProgress {
  loaded: number;
  total: number;
}

const RETRIES = 5;

/** What a model is for, in plain words: "the denoise model", "the background removal model". */
const purposes: Record<string, string> = {
  enhance: 'upscaling',
  'enhance-anime': 'anime upscaling',
  denoise: 'denoise',
  matting: 'background removal',
  'face-detect': 'face detection',
  'face-landmarks': 'face detail',
  'text-detect': 'text detection',
  'person-segmentation': 'person outline',
};

export function modelPurpose(variant: Pick<ModelVariant, 'file'>): string {
  const has = (m: { variants: readonly { file: string }[] }) =>
    m.variants.some((v) => v.file === variant.file);
  const model = manifest.models.find(has);
  const analysis = manifest.analysis?.find(has);
  const purpose = model?.operations[0] ?? analysis?.task;
  return `the ${(purpose && purposes[purpose]) ?? purpose ?? 'image'} model`;
}

/**
 * The network is gone and the model is not here: say so at once, in plain words, instead of
 * retrying for 16 s (a dropped connection mid-download still retries and resumes).
 */
function notHere(variant: ModelVariant): NotOnDeviceError {
  return new NotOnDeviceError(notOnDevice(modelPurpose(variant), variant.bytes));
}

/**
 * Downloads a model with progress, resuming with a Range request where a connection drops,
 * checks its sha256, and keeps it. Returns the verified bytes.
 */
export async function download(
  variant: ModelVariant,
  onProgress: (p: DownloadProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const url = modelUrl(variant);
  const bytes = new Uint8Array(variant.bytes);
  let loaded = 0;
  if (isOffline()) throw notHere(variant);
  for (let attempt = 0; loaded < variant.bytes; attempt++) {
    try {
      const headers: HeadersInit = loaded > 0 ? { Range: `bytes=${loaded}-` } : {};
      const response = await fetch(url, { headers, signal, cache: 'no-store' });
      if (!response.ok)
        throw new ModelIntegrityError(`HTTP ${response.status} for ${variant.file}`);
      // A server that ignores Range sends the whole file again: start over.
      if (loaded > 0 && response.status !== 206) loaded = 0;
      if (!response.body) throw new Error(`No body for ${variant.file}`);
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (loaded + value.byteLength > bytes.length) {
          throw new ModelIntegrityError(`${variant.file} is larger than the manifest says`);
        }
        bytes.set(value, loaded);
        loaded += value.byteLength;
        onProgress({ loaded, total: variant.bytes });
      }
      if (loaded < variant.bytes) throw new Error('connection closed early');
    } catch (error) {
      if (signal?.aborted || error instanceof ModelIntegrityError || attempt >= RETRIES)
        throw error;
      if (isOffline()) throw notHere(variant);
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }
  if ((await sha256Hex(bytes)) !== variant.sha256) {
    throw new ModelIntegrityError(
      `${variant.file} arrived damaged (its sha256 does not match the manifest); it was not kept`,
    );
  }
  const cache = await caches.open(MODEL_CACHE);
  await cache.put(
    url,
    new Response(bytes as BlobPart, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(bytes.length),
      },
    }),
  );
  return bytes;
}

/** The verified bytes: kept copy first, else downloaded (and kept, since it was asked for). */
export async function loadModel(
  variant: ModelVariant,
  onProgress?: (p: DownloadProgress) => void,
): Promise<Uint8Array> {
  // Two callers in one worker (a job, and preparing the first job) share one download.
  let loading = loadingModels.get(variant.file);
  if (!loading) {
    loading = (async () => (await cachedModel(variant)) ?? download(variant, onProgress))();
    loading.then(
      () => loadingModels.delete(variant.file),
      () => loadingModels.delete(variant.file),
    );
    loadingModels.set(variant.file, loading);
  }
  return loading;
}

const loadingModels = new Map<string, Promise<Uint8Array>>();
