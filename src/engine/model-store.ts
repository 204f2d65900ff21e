import type { ModelVariant } from '../../models/manifest.ts';

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
  return (await cachedModel(variant)) ?? download(variant, onProgress);
}
