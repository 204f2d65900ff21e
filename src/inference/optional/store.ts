import { type CatalogEntry, type CatalogOperation, catalog } from '@models/catalog.ts';
import type { Installed } from '@/ops/operation.ts';
import { manifest } from '../models.ts';

/**
 * The optional models this device keeps (models/catalog.ts), beside the built ones: in their own
 * Cache Storage bucket, each with a record of where it came from and its sha256. Works in a
 * window (where Settings adds and removes them) and in a worker (which runs them).
 *
 * A model is fetched only when the user presses Add. The download shows progress, resumes with a
 * Range request where a connection drops (and after Cancel: the part already fetched is kept),
 * and is checked against the hash the host publishes or, where it publishes none, the hash pinned
 * when this device first added it. A pin outlives Remove, so a host that later serves other
 * bytes under the same name is refused.
 */
const OPTIONAL_CACHE = 'kintsugi-optional-models-v1';
export const OPTIONAL_CHANNEL = 'kintsugi-optional-models';

export type OptionalErrorKind =
  | 'not-found'
  | 'http'
  | 'offline'
  | 'unreachable'
  | 'truncated'
  | 'hash-mismatch'
  | 'canceled'
  | 'damaged';

/** A failure said in words a person can act on; `kind` lets the UI and tests tell them apart. */
export class OptionalModelError extends Error {
  constructor(
    readonly kind: OptionalErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'OptionalModelError';
  }
}

export interface InstalledRecord {
  id: string;
  sha256: string;
  bytes: number;
  /** The URL it was downloaded from (a mirror's, when one was set). */
  source: string;
  installedAt: number;
}

export interface Pin {
  sha256: string;
  pinnedAt: number;
  source: string;
}

const key = (id: string, kind: 'onnx' | 'json' | 'pin' | 'part') =>
  new URL(`/optional-models/${encodeURIComponent(id)}.${kind}`, self.location.origin).href;

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function readJson<T>(cache: Cache, url: string): Promise<T | null> {
  const response = await cache.match(url);
  return response ? ((await response.json()) as T) : null;
}

const jsonResponse = (value: unknown) =>
  new Response(JSON.stringify(value), { headers: { 'Content-Type': 'application/json' } });

function announce(): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(OPTIONAL_CHANNEL);
  channel.postMessage('changed');
  channel.close();
}

export async function pinnedHash(id: string): Promise<Pin | null> {
  return readJson<Pin>(await caches.open(OPTIONAL_CACHE), key(id, 'pin'));
}

/** Every catalog model this device keeps, in catalog order. */
export async function installedRecords(): Promise<InstalledRecord[]> {
  const cache = await caches.open(OPTIONAL_CACHE);
  const out: InstalledRecord[] = [];
  for (const entry of catalog) {
    const record = await readJson<InstalledRecord>(cache, key(entry.id, 'json'));
    if (record) out.push(record);
  }
  return out;
}

/** The model an operation uses: the first installed one of its kind, in catalog order. */
export async function installedFor(
  operation: CatalogOperation,
): Promise<{ entry: CatalogEntry; record: InstalledRecord } | null> {
  for (const record of await installedRecords()) {
    const entry = catalog.find((e) => e.id === record.id);
    if (entry?.operation === operation) return { entry, record };
  }
  return null;
}

/** The verified bytes of an installed model; a damaged copy is deleted and refused. */
export async function loadOptional(id: string): Promise<Uint8Array> {
  const cache = await caches.open(OPTIONAL_CACHE);
  const record = await readJson<InstalledRecord>(cache, key(id, 'json'));
  const response = await cache.match(key(id, 'onnx'));
  if (!record || !response) {
    throw new OptionalModelError('damaged', `The optional model ${id} is not installed`);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if ((await sha256Hex(bytes)) !== record.sha256) {
    await cache.delete(key(id, 'onnx'));
    await cache.delete(key(id, 'json'));
    announce();
    throw new OptionalModelError(
      'damaged',
      `The stored copy of ${id} is damaged (its sha256 changed) and was removed; add it again in Settings`,
    );
  }
  return bytes;
}

/** Deletes the model and its partial download; its pinned hash stays. */
export async function removeOptional(id: string): Promise<void> {
  const cache = await caches.open(OPTIONAL_CACHE);
  await cache.delete(key(id, 'onnx'));
  await cache.delete(key(id, 'json'));
  await cache.delete(key(id, 'part'));
  announce();
}

/**
 * Where a model may be fetched from, in order: the user's mirror serving the same file name,
 * alone, or else each host the catalog lists for it.
 */
export function sourceUrls(entry: CatalogEntry, mirror: string | null): string[] {
  if (!mirror) return entry.urls;
  return [new URL(entry.file, mirror.endsWith('/') ? mirror : `${mirror}/`).href];
}

/** The first place a model is fetched from, as Settings shows it. */
export function sourceUrl(entry: CatalogEntry, mirror: string | null): string {
  return sourceUrls(entry, mirror)[0]!;
}

/** Failures after which the next host is worth trying: this one lacks, refuses or altered it. */
const NEXT_HOST: ReadonlySet<OptionalErrorKind> = new Set([
  'not-found',
  'http',
  'unreachable',
  'hash-mismatch',
]);

export interface AddProgress {
  loaded: number;
  /** 0 while the server has not said how large the file is. */
  total: number;
}

export interface AddOptions {
  mirror?: string | null;
  onProgress?: (p: AddProgress) => void;
  signal?: AbortSignal;
  /** How many times a dropped connection is resumed before giving up. */
  retries?: number;
}

interface Part {
  bytes: Uint8Array;
  total: number;
  source: string;
}

async function readPart(cache: Cache, id: string): Promise<Part | null> {
  const response = await cache.match(key(id, 'part'));
  if (!response) return null;
  return {
    bytes: new Uint8Array(await response.arrayBuffer()),
    total: Number(response.headers.get('X-Total') ?? 0),
    source: response.headers.get('X-Source') ?? '',
  };
}

async function keepPart(cache: Cache, id: string, part: Part): Promise<void> {
  await cache.put(
    key(id, 'part'),
    new Response(part.bytes as BlobPart, {
      headers: { 'X-Total': String(part.total), 'X-Source': part.source },
    }),
  );
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const mb = (n: number) => (n < 1e6 ? `${n} bytes` : `${(n / 1e6).toFixed(1)} MB`);

function connectionError(label: string, url: string): OptionalModelError {
  const host = URL.canParse(url) ? new URL(url).host : url;
  if (typeof navigator !== 'undefined' && navigator.onLine === false) {
    return new OptionalModelError(
      'offline',
      `You are offline, so ${label} could not be downloaded. Connect to the internet and press Add again.`,
    );
  }
  return new OptionalModelError(
    'unreachable',
    `${host} could not be reached to download ${label}: no connection to it, or it does not allow this site to download from it (CORS).`,
  );
}

function statusError(label: string, url: string, status: number): OptionalModelError {
  if (status === 404 || status === 410) {
    return new OptionalModelError(
      'not-found',
      `${label} is no longer at ${url} (HTTP ${status}): the host removed or moved the file.`,
    );
  }
  return new OptionalModelError(
    'http',
    `The host answered HTTP ${status} for ${label} (${url}); try again later.`,
  );
}

/**
 * Downloads, verifies and keeps a catalog model, from the first of its sources that serves the
 * right file: a host that lacks it, refuses, cannot be reached or serves other bytes passes to the
 * next. A partial download resumes from its own source first; a Cancel (the signal) keeps what
 * arrived. Throws an OptionalModelError that says what failed (the first source's failure).
 */
export async function addOptional(
  entry: CatalogEntry,
  options: AddOptions = {},
): Promise<InstalledRecord> {
  const sources = sourceUrls(entry, options.mirror ?? null);
  const cache = await caches.open(OPTIONAL_CACHE);
  const part = await readPart(cache, entry.id);
  const ordered =
    part && sources.includes(part.source)
      ? [part.source, ...sources.filter((s) => s !== part.source)]
      : sources;
  const failures: OptionalModelError[] = [];
  for (const url of ordered) {
    try {
      return await addFrom(entry, url, options, cache, part?.source === url ? part : null);
    } catch (error) {
      if (!(error instanceof OptionalModelError) || !NEXT_HOST.has(error.kind)) throw error;
      failures.push(error);
    }
  }
  const [first, ...others] = failures;
  if (!first) throw new OptionalModelError('not-found', `${entry.label} lists no source`);
  if (others.length === 0) throw first;
  throw new OptionalModelError(
    first.kind,
    `${first.message} The ${others.length === 1 ? 'other host' : `${others.length} other hosts`} failed too: ${others.map((e) => e.message).join(' ')}`,
  );
}

/** One source's download; `previous` is a part kept from this same source, to resume. */
async function addFrom(
  entry: CatalogEntry,
  url: string,
  options: AddOptions,
  cache: Cache,
  previous: Part | null,
): Promise<InstalledRecord> {
  const { signal, onProgress = () => {}, retries = 3 } = options;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let total = 0;
  if (previous && previous.total > previous.bytes.length) {
    chunks.push(previous.bytes);
    loaded = previous.bytes.length;
    total = previous.total;
  }
  const save = async () => {
    if (loaded > 0 && total > loaded)
      await keepPart(cache, entry.id, { bytes: concat(chunks, loaded), total, source: url });
  };
  let endedEarly = 0;
  for (let attempt = 0; total === 0 || loaded < total; attempt++) {
    if (attempt > retries) {
      await save();
      throw new OptionalModelError(
        'truncated',
        `The download of ${entry.label} ended early ${endedEarly} time${endedEarly === 1 ? '' : 's'} (${mb(loaded)} of ${mb(total)}): the file is truncated on the way. What arrived is kept; press Add to resume.`,
      );
    }
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    let response: Response;
    try {
      response = await fetch(url, {
        headers: loaded > 0 ? { Range: `bytes=${loaded}-` } : {},
        signal,
        cache: 'no-store',
        mode: 'cors',
        credentials: 'omit',
      });
    } catch (error) {
      if (signal?.aborted) {
        await save();
        throw new OptionalModelError('canceled', `Adding ${entry.label} was canceled`);
      }
      if (attempt >= retries) throw connectionError(entry.label, url);
      void error;
      continue;
    }
    if (!response.ok) throw statusError(entry.label, url, response.status);
    if (loaded > 0 && response.status !== 206) {
      // The server ignored the Range: it sends the whole file again.
      chunks.length = 0;
      loaded = 0;
    }
    const length = Number(response.headers.get('Content-Length') ?? 0);
    const range = /\/(\d+)$/.exec(response.headers.get('Content-Range') ?? '');
    total = range ? Number(range[1]) : length > 0 ? loaded + length : total;
    if (!response.body) throw new OptionalModelError('http', `No body for ${entry.label}`);
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        loaded += value.byteLength;
        onProgress({ loaded, total });
      }
    } catch {
      if (signal?.aborted) {
        await save();
        throw new OptionalModelError('canceled', `Adding ${entry.label} was canceled`);
      }
    }
    if (total === 0) total = loaded; // no Content-Length: the end of the body is the end
    if (loaded < total) endedEarly++;
    if (loaded > total) {
      throw new OptionalModelError(
        'truncated',
        `${entry.label} arrived larger than the host announced (${loaded} of ${total} bytes)`,
      );
    }
  }
  const bytes = concat(chunks, loaded);
  const sha256 = await sha256Hex(bytes);
  const pin = await readJson<Pin>(cache, key(entry.id, 'pin'));
  const expected = entry.sha256 ?? pin?.sha256 ?? null;
  if (expected !== null && expected !== sha256) {
    await cache.delete(key(entry.id, 'part'));
    throw new OptionalModelError(
      'hash-mismatch',
      entry.sha256
        ? `${entry.label} arrived damaged or altered: its sha256 ${sha256.slice(0, 12)}… is not the ${expected.slice(0, 12)}… the host publishes. It was not kept.`
        : `${entry.label} is not the file this device first added (sha256 ${sha256.slice(0, 12)}…, pinned ${expected.slice(0, 12)}… on ${new Date(pin!.pinnedAt).toISOString().slice(0, 10)}): the host's file changed or was replaced. It was not kept.`,
    );
  }
  const now = Date.now();
  if (!pin)
    await cache.put(key(entry.id, 'pin'), jsonResponse({ sha256, pinnedAt: now, source: url }));
  const record: InstalledRecord = {
    id: entry.id,
    sha256,
    bytes: loaded,
    source: url,
    installedAt: now,
  };
  await cache.put(
    key(entry.id, 'onnx'),
    new Response(bytes as BlobPart, {
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(loaded) },
    }),
  );
  await cache.put(key(entry.id, 'json'), jsonResponse(record));
  await cache.delete(key(entry.id, 'part'));
  announce();
  return record;
}

/** Bytes of a partial download kept for resuming (0 when none). */
export async function partialBytes(id: string): Promise<{ loaded: number; total: number }> {
  const part = await readPart(await caches.open(OPTIONAL_CACHE), id);
  return part ? { loaded: part.bytes.length, total: part.total } : { loaded: 0, total: 0 };
}

/**
 * Which operations a model on this device can run, read now: the built-in manifest's and the
 * optional models' (Cache Storage). What a meta's `check` is given; read afresh per request, so
 * a service worker woken from stopped sees what an earlier one installed.
 */
export async function installedNow(): Promise<Installed> {
  const operations = new Set<string>(manifest.models.flatMap((m) => m.operations));
  for (const record of await installedRecords()) {
    const entry = catalog.find((e) => e.id === record.id);
    if (entry) operations.add(entry.operation);
  }
  return { operations };
}
