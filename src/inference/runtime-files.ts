/**
 * The files the app loads only when an operation needs them (the image engine's binary,
 * OpenCV.js, the AVIF/JPEG/WebP/PNG-optimising encoders) and the models: what a first visit
 * does not fetch, what "Ready offline" checks, and what "Make everything available offline"
 * downloads. Works in a window and in a worker.
 */
export const RUNTIME_CACHE = 'kintsugi-runtime-v1';

/** Written by the build (vite.config.ts, offlineFilesPlugin): the files outside the precache. */
export const OFFLINE_FILES_URL = '/offline-files.json';

export type RuntimePart =
  'engine' | 'engine-webgpu' | 'opencv' | 'avif' | 'jpeg' | 'webp' | 'oxipng' | 'other';

export interface RuntimeFile {
  /** Path under the origin, e.g. /assets/opencv-module-abc.js. */
  path: string;
  bytes: number;
  part: RuntimePart;
}

/** Which part a built file belongs to, by its name (the build and the tests use this). */
export function partOf(name: string): RuntimePart {
  if (/ort-wasm-simd-threaded\.jsep.*\.wasm$|ort\.bundle\.min.*\.js$/.test(name))
    return 'engine-webgpu';
  if (/ort-wasm-simd-threaded-.*\.wasm$|ort\.wasm\.bundle\.min.*\.js$/.test(name)) return 'engine';
  if (/opencv/.test(name)) return 'opencv';
  if (/avif/.test(name)) return 'avif';
  if (/mozjpeg|jpeg/.test(name)) return 'jpeg';
  if (/webp/.test(name)) return 'webp';
  if (/oxipng|optimise/.test(name)) return 'oxipng';
  return 'other';
}

/** Thrown at once, without retries, when the network is gone and a file is not on the device. */
export class NotOnDeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotOnDeviceError';
  }
}

export function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/** The plain sentence a job fails with when what it needs is missing and the network is gone. */
export function notOnDevice(what: string, bytes?: number): string {
  const size = bytes ? ` (${megabytes(bytes)})` : '';
  return `This job needs ${what}${size}, which is not on this device yet; connect once to download it.`;
}

export function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

/** Operations that inpaint with OpenCV.js, and those whose output formats need the encoders. */
export const OPENCV_OPERATIONS: ReadonlySet<string> = new Set([
  'remove-object',
  'remove-text',
  'restore-old-photo',
]);
export const ENCODER_OPERATIONS: ReadonlySet<string> = new Set(['convert', 'compress-optimize']);

/** Each on-demand part, in plain words. */
const partWords: Record<RuntimePart, string> = {
  engine: 'the image engine',
  'engine-webgpu': 'the image engine for the graphics processor',
  opencv: 'the inpainting tools (OpenCV)',
  avif: 'the AVIF encoder',
  jpeg: 'the JPEG encoder',
  webp: 'the WebP encoder',
  oxipng: 'the PNG optimiser',
  other: 'a part of the app',
};

/**
 * With the network gone, a failed fetch of an on-demand file (a module import, a .wasm) becomes
 * the plain reason: what is missing, its size, and that one connection fixes it. Anything else,
 * or online, is returned as it was.
 */
export async function explainOffline(error: unknown, operation?: string): Promise<unknown> {
  if (!isOffline() || error instanceof NotOnDeviceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (!/fetch|import|network|\.wasm|\/assets\//i.test(message)) return error;
  const path = /\/assets\/[\w.-]+/.exec(message)?.[0];
  const file = path ? (await offlineFiles()).find((f) => f.path === path) : undefined;
  if (file) return new NotOnDeviceError(notOnDevice(partWords[file.part], file.bytes));
  // A .wasm fetch names no file: say what the operation loads on demand.
  const what =
    operation && OPENCV_OPERATIONS.has(operation)
      ? partWords.opencv
      : operation && ENCODER_OPERATIONS.has(operation)
        ? 'the image encoders'
        : partWords.other;
  return new NotOnDeviceError(notOnDevice(what));
}

const inFlight = new Map<string, Promise<ArrayBuffer>>();

/** Whether the file is stored on this device (any cache of the origin: precache or runtime). */
export async function isStored(url: string): Promise<boolean> {
  return (await caches.match(url, { ignoreSearch: true })) !== undefined;
}

async function fetchAndKeep(url: string, what: string): Promise<ArrayBuffer> {
  const stored = await caches.match(url, { ignoreSearch: true });
  if (stored) return stored.arrayBuffer();
  if (isOffline()) throw new NotOnDeviceError(notOnDevice(what));
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    if (isOffline()) throw new NotOnDeviceError(notOnDevice(what));
    throw error;
  }
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${new URL(url).pathname}`);
  const cache = await caches.open(RUNTIME_CACHE);
  await cache.put(url, response.clone());
  return response.arrayBuffer();
}

/** A runtime file's bytes: the stored copy, else fetched once and kept for next time. */
export function runtimeFile(url: string, what: string): Promise<ArrayBuffer> {
  let file = inFlight.get(url);
  if (!file) {
    file = fetchAndKeep(url, what).finally(() => inFlight.delete(url));
    inFlight.set(url, file);
  }
  return file;
}

/** The build's list of on-demand files; empty in a development server (nothing is built). */
export async function offlineFiles(): Promise<RuntimeFile[]> {
  try {
    const response = await fetch(OFFLINE_FILES_URL);
    if (!response.ok) return [];
    return (await response.json()) as RuntimeFile[];
  } catch {
    return [];
  }
}
