import { ApiError } from './types.ts';

/** The media type of a Content-Type header, lower-cased and without parameters ('' if none). */
export function mediaType(request: Request): string {
  const header = request.headers.get('content-type') ?? '';
  return (header.split(';')[0] ?? '').trim().toLowerCase();
}

export function isJson(request: Request): boolean {
  const type = mediaType(request);
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

export function isMultipart(request: Request): boolean {
  return mediaType(request) === 'multipart/form-data';
}

function describeType(request: Request): string {
  return mediaType(request) || 'no Content-Type';
}

/**
 * The largest JSON body read: a 20 MB image sent as a base64 data: URL is about 27 MB of text.
 * Anything beyond is refused before it is parsed.
 */
export const maxJsonBytes = 32 * 1024 * 1024;

export type JsonObject = Record<string, unknown>;

/** Reads a JSON object body: 415 for another media type, 400 for anything that is not an object. */
export async function readJsonObject(request: Request): Promise<JsonObject> {
  if (!isJson(request)) {
    throw new ApiError(415, `Content-Type must be application/json (got ${describeType(request)})`);
  }
  rejectDeclaredSize(request, maxJsonBytes);
  let text: string;
  try {
    text = await request.text();
  } catch {
    throw new ApiError(400, 'the request body could not be read');
  }
  if (text.length > maxJsonBytes) throw tooLarge(maxJsonBytes);
  if (text.trim() === '') throw new ApiError(400, 'the request body is empty; send a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // JSON.parse's message says where the syntax broke ("Unexpected token } … position 12").
    const where = e instanceof SyntaxError ? `: ${e.message}` : '';
    throw new ApiError(400, `the request body is not valid JSON${where}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'the request body must be a JSON object');
  }
  return value as JsonObject;
}

/** Reads a multipart/form-data body: 415 for another media type, 400 when it does not parse. */
export async function readForm(request: Request, maxBytes: number): Promise<FormData> {
  if (!isMultipart(request)) {
    throw new ApiError(
      415,
      `Content-Type must be multipart/form-data (got ${describeType(request)})`,
    );
  }
  rejectDeclaredSize(request, maxBytes);
  try {
    return await request.formData();
  } catch {
    throw new ApiError(400, 'the multipart/form-data body could not be parsed');
  }
}

/** Multipart framing around a file is small; this much slack over the file cap is allowed. */
const multipartSlack = 1024 * 1024;

/** Refuses early, from Content-Length, a body that cannot fit, before reading a byte of it. */
function rejectDeclaredSize(request: Request, maxBytes: number): void {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > maxBytes + multipartSlack) throw tooLarge(maxBytes);
}

export function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, `the request body is larger than the ${formatMB(maxBytes)} limit`);
}

export function formatMB(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? String(mb) : mb.toFixed(1)} MB`;
}
