import { ApiError } from './types.ts';
import { declaredSize, oversizeReason } from '@/media/image-size.ts';
import { type JsonObject, formatMB } from './request-body.ts';
import { sniffBytes, sniffImage } from '@/media/sniff.ts';

/*
 * Field validators shared by the dialects. Each throws a 400 ApiError whose message names the
 * field and says what was wrong. A JSON `null` counts as "not given" for optional fields: clients
 * that serialise every attribute of a request object send nulls for the ones they left unset.
 */

function invalid(message: string): ApiError {
  return new ApiError(400, message);
}

function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function given(body: JsonObject, key: string): unknown {
  const value = body[key];
  return value === null ? undefined : value;
}

export function requiredString(body: JsonObject, key: string): string {
  const value = given(body, key);
  if (value === undefined) throw invalid(`${key} is required`);
  if (typeof value !== 'string') throw invalid(`${key} must be a string (got ${quote(value)})`);
  if (value.trim() === '') throw invalid(`${key} must not be empty`);
  return value;
}

export function optionalString(
  body: JsonObject,
  key: string,
  limits: { min: number; max: number },
): string | null {
  const value = given(body, key);
  if (value === undefined) return null;
  if (typeof value !== 'string') throw invalid(`${key} must be a string (got ${quote(value)})`);
  if (value.length < limits.min || value.length > limits.max) {
    throw invalid(`${key} must be ${limits.min} to ${limits.max} characters (got ${value.length})`);
  }
  return value;
}

export function optionalEnum<T extends string>(
  body: JsonObject,
  key: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = given(body, key);
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw invalid(`${key} must be one of ${choices.join(', ')} (got ${quote(value)})`);
  }
  return value as T;
}

export function optionalBoolean(body: JsonObject, key: string, fallback: boolean): boolean {
  const value = given(body, key);
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw invalid(`${key} must be true or false (got ${quote(value)})`);
  return value;
}

export interface IntegerRange {
  min: number;
  max: number;
}

/** A JSON integer (4 or 4.0, never "4" or 4.5) within the range. */
export function optionalInteger(
  body: JsonObject,
  key: string,
  range: IntegerRange,
  fallback: number,
): number {
  const value = given(body, key);
  if (value === undefined) return fallback;
  return checkInteger(key, value, range);
}

export function checkInteger(key: string, value: unknown, range: IntegerRange): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalid(
      `${key} must be an integer from ${range.min} to ${range.max} (got ${quote(value)})`,
    );
  }
  if (value < range.min || value > range.max) {
    throw invalid(`${key} must be from ${range.min} to ${range.max} (got ${value})`);
  }
  return value;
}

/** An integer sent as text (a query parameter or a multipart field): digits only. */
export function integerText(key: string, text: string, range: IntegerRange): number {
  if (!/^[+-]?\d{1,9}$/.test(text.trim())) {
    throw invalid(
      `${key} must be an integer from ${range.min} to ${range.max} (got ${quote(text)})`,
    );
  }
  return checkInteger(key, Number(text.trim()), range);
}

/**
 * The http hosts an input or webhook may be on: those the pages' Content Security Policy lets
 * the engine host fetch (connect-src http://localhost:* http://127.0.0.1:*). `[::1]` is loopback
 * too, but the policy blocks it, so it is refused here rather than failing as a job later.
 */
const loopbackHosts: ReadonlySet<string> = new Set(['localhost', '127.0.0.1']);

function isLoopback(url: URL): boolean {
  return loopbackHosts.has(url.hostname);
}

export interface SourceRules {
  /** 'image' or 'video': the media type a data: URL must declare. */
  kind: 'image' | 'video';
  /** Largest payload a data: URL may carry, in bytes. */
  maxDataBytes: number;
  /** The app's origin: its own URLs (e.g. an output of an earlier job) are always allowed. */
  origin: string;
}

/**
 * Where an input is: an https URL; http only on the loopback host (a developer's own server, as
 * the seeds' `http://localhost:3001` servers entry suggests); a data: URL carrying the media
 * itself; or a URL of this app (absolute, or a path starting with `/`). Returns the absolute URL.
 */
export function sourceUrl(body: JsonObject, key: string, rules: SourceRules): string {
  const text = requiredString(body, key);
  if (/^data:/i.test(text)) {
    checkDataUrl(key, text, rules);
    if (rules.kind === 'image') checkDataImage(key, text);
    return text;
  }
  if (text.length > 8192) throw invalid(`${key} is longer than 8192 characters`);
  if (/^blob:/i.test(text)) {
    throw invalid(
      `${key} is a blob: URL, which only the page that made it can read; send the image as a data: URL or upload it`,
    );
  }
  const url = parseUrl(text, rules.origin);
  if (!url) throw invalid(`${key} is not a valid URL (got ${quote(text)})`);
  if (url.username !== '' || url.password !== '') {
    throw invalid(`${key} must not contain a user name or password`);
  }
  const ownOrigin = url.origin === new URL(rules.origin).origin;
  if (ownOrigin && isApiPath(url.pathname)) {
    throw invalid(
      `${key} is a path of this API (${quote(url.pathname)}), not a ${rules.kind}; an earlier job's output_url works`,
    );
  }
  if (ownOrigin || url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url))) {
    return url.href;
  }
  throw invalid(
    `${key} must be an https URL (http only for localhost or 127.0.0.1), a data: URL or a URL of this app (got ${quote(text)})`,
  );
}

function parseUrl(text: string, origin: string): URL | null {
  try {
    // A bare path ("/files/x.jpg") means this app; a protocol-relative "//host" does not.
    if (text.startsWith('/') && !text.startsWith('//')) return new URL(text, origin);
    return new URL(text);
  } catch {
    return null;
  }
}

function checkDataUrl(key: string, text: string, rules: SourceRules): void {
  const comma = text.indexOf(',');
  const header = comma < 0 ? '' : text.slice(5, comma).toLowerCase();
  const mime = header.split(';')[0] ?? '';
  if (comma < 0 || !mime.startsWith(`${rules.kind}/`)) {
    throw invalid(
      `${key} is a data: URL but not of a ${rules.kind} (got ${quote(text.slice(0, 40))})`,
    );
  }
  const payload = text.length - comma - 1;
  // base64 carries 3 bytes in 4 characters; percent-encoded text at most 1 byte per character.
  const bytes = header.endsWith(';base64') ? Math.floor((payload * 3) / 4) : payload;
  if (bytes > rules.maxDataBytes) {
    throw new ApiError(
      413,
      `${key} carries about ${formatMB(bytes)}; the limit is ${formatMB(rules.maxDataBytes)}`,
    );
  }
}

/** The API's own paths: never an input (they answer JSON, and a job could fetch itself). */
function isApiPath(pathname: string): boolean {
  return ['/v1', '/v2', '/api/v1'].some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

/** The first bytes a data: URL carries (enough for the type and a JPEG's size), or null. */
export function dataUrlHead(text: string, maxBytes = 512 * 1024): Uint8Array | null {
  const comma = text.indexOf(',');
  if (comma < 0) return null;
  const payload = text.slice(comma + 1);
  if (/;base64$/i.test(text.slice(0, comma))) {
    const clean = payload
      .slice(0, Math.ceil((maxBytes * 4) / 3) + 8)
      .replace(/[^A-Za-z0-9+/]/g, '');
    try {
      const binary = atob(clean.slice(0, clean.length - (clean.length % 4)));
      return Uint8Array.from(binary.slice(0, maxBytes), (c) => c.charCodeAt(0));
    } catch {
      return null;
    }
  }
  const bytes: number[] = [];
  for (let i = 0; i < payload.length && bytes.length < maxBytes; i++) {
    const hex = payload[i] === '%' ? payload.slice(i + 1, i + 3) : '';
    if (/^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(payload.charCodeAt(i) & 0xff);
  }
  return Uint8Array.from(bytes);
}

/**
 * A data: image carries its bytes with the request, so what they are is known now: bytes that
 * are not an image this app decodes (SVG included), or a header declaring more pixels than any
 * input may have, get the 400 that a multipart upload of the same file gets, not a failed job.
 */
function checkDataImage(key: string, text: string): void {
  const head = dataUrlHead(text);
  if (!head) throw invalid(`${key} is a data: URL whose data cannot be decoded`);
  const sniffed = sniffImage(head.subarray(0, sniffBytes));
  if (sniffed.image === null) {
    throw invalid(`${key} is a data: URL of ${sniffed.found}, not an image this app can read`);
  }
  const oversize = oversizeReason(declaredSize(head));
  if (oversize) throw invalid(`${key}: ${oversize}`);
}

/**
 * Where a webhook goes: https, or http on the loopback host for local development. Nothing else,
 * because the service worker would POST signed job data to it.
 */
export function optionalWebhookUrl(body: JsonObject, key: string): string | null {
  const value = given(body, key);
  if (value === undefined) return null;
  if (typeof value !== 'string') throw invalid(`${key} must be a string (got ${quote(value)})`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${key} is not a valid URL (got ${quote(value)})`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url))) return url.href;
  throw invalid(`${key} must be an https URL (http only for localhost or 127.0.0.1)`);
}

/**
 * An input URL as answers echo it. A data: URL carries the whole file, so echoing it would make
 * every create, get, list, cancel and webhook as large as the input (a list of 100 jobs with a
 * 4 MB video each: 400 MB); it is echoed as its header and size instead, e.g.
 * `data:video/mp4;base64,…(4.0 MB)`. Other URLs come back as given.
 */
export function echoedUrl(href: string): string {
  if (!/^data:/i.test(href)) return href;
  const comma = href.indexOf(',');
  const header = (comma < 0 ? href : href.slice(0, comma + 1)).slice(0, 100);
  return `${header}…(${formatMB(href.length)})`;
}

/** A short file name for an input given by URL: its last path segment, else the fallback. */
export function nameFromUrl(href: string, fallback: string): string {
  if (/^data:/i.test(href)) return fallback;
  try {
    const last = new URL(href).pathname.split('/').pop() ?? '';
    const name = decodeURIComponent(last);
    return name !== '' && name.length <= 255 ? name : fallback;
  } catch {
    return fallback;
  }
}
