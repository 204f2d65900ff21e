import { dialects as allDialects } from './index.ts';
import { MemoryJobBackend, MemoryStore } from './store/memory.ts';
import { handleApi } from './router.ts';
import type { ApiContext, ApiResponse, DialectModule } from './types.ts';

/*
 * Helpers for the dialect tests (not a test file itself): an in-memory backend behind a clock the
 * test moves, and `call`, which sends a real Fetch Request through the router as the service
 * worker would.
 */

export const origin = 'http://127.0.0.1:4173';

/** 2026-03-27T12:00:00.000Z, the seeds' example date. */
export const start = Date.UTC(2026, 2, 27, 12);

/** A readable, valid uuid per counter value: …-000000000001, …-000000000002, … */
export function counterIds(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
}

export interface CallInit {
  json?: unknown;
  /** A raw body; with no Content-Type header given, application/json is assumed for strings. */
  body?: string | FormData | Uint8Array;
  headers?: Record<string, string>;
  /** Call with another API key's view of the same store. */
  apiKeyId?: string;
}

export interface Harness {
  ctx: ApiContext;
  backend: MemoryJobBackend;
  store: MemoryStore;
  /** Moves the clock forward. */
  tick(ms: number): void;
  now(): number;
  call(method: string, path: string, init?: CallInit): Promise<ApiResponse>;
}

export function harness(dialects: readonly DialectModule[] = allDialects): Harness {
  let now = start;
  const store = new MemoryStore();
  const backend = new MemoryJobBackend(store, {
    apiKeyId: 'key-a',
    now: () => now,
    origin,
    newId: counterIds(),
  });
  const ctx: ApiContext = { jobs: backend, now: () => now, origin };
  return {
    ctx,
    backend,
    store,
    tick(ms) {
      now += ms;
    },
    now: () => now,
    call(method, path, init = {}) {
      const as =
        init.apiKeyId === undefined ? ctx : { ...ctx, jobs: backend.forKey(init.apiKeyId) };
      return handleApi(request(method, path, init), as, dialects);
    },
  };
}

export function request(method: string, path: string, init: CallInit = {}): Request {
  const headers = new Headers(init.headers);
  let body: BodyInit | undefined;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  } else if (init.body !== undefined) {
    body = init.body instanceof Uint8Array ? new Blob([new Uint8Array(init.body)]) : init.body;
    if (typeof init.body === 'string' && !headers.has('content-type')) {
      headers.set('content-type', 'application/json');
    }
  }
  return new Request(origin + path, { method, headers, body });
}

/** The body as a plain record, for reading fields in assertions. */
export function fields(response: ApiResponse): Record<string, unknown> {
  const body = response.body;
  if (typeof body !== 'object' || body === null) throw new Error('body is not an object');
  return body as Record<string, unknown>;
}

/** Tiny files whose first bytes are each format's signature (enough for the sniffer). */
export const samples = {
  jpeg: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
  png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]),
  webp: ascii('RIFF\x24\x00\x00\x00WEBPVP8 '),
  gif: ascii('GIF89a\x01\x00\x01\x00'),
  tiffLE: new Uint8Array([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]),
  tiffBE: new Uint8Array([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]),
  bmp: new Uint8Array([0x42, 0x4d, 70, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 1, 0]),
  avif: ascii('\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf'),
  heic: ascii('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic'),
  pdf: ascii('%PDF-1.7\n%\xe2\xe3'),
  mp4: ascii('\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2'),
  text: ascii('hello, this is not an image\n'),
  zip: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]),
};

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

export function file(bytes: Uint8Array, name: string, type = 'application/octet-stream'): File {
  return new File([new Uint8Array(bytes)], name, { type });
}
