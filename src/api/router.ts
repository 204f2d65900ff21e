import {
  type ApiContext,
  ApiError,
  type ApiResponse,
  type DialectModule,
  type Route,
} from './types.ts';

/*
 * Finds which dialect and route a request is for, runs it, and turns every failure into that
 * dialect's error body. Authentication, rate limits and response headers are the service worker's,
 * before and after this.
 */

export type RouteMatch =
  | { dialect: DialectModule; route: Route; params: Record<string, string> }
  /** Under a dialect's prefix, but no route has this path. */
  | { dialect: DialectModule; notFound: true }
  /** A route has this path, but not for this method. */
  | { dialect: DialectModule; methodNotAllowed: true; allow: string[] }
  /** A path segment is not valid percent-encoding. */
  | { dialect: DialectModule; badPath: true; message: string };

function ownsPath(prefix: string, pathname: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

/** The dialect with the longest prefix owning the path: /api/v1/restorations beats /api/v1. */
function dialectFor(
  dialects: readonly DialectModule[],
  pathname: string,
): DialectModule | undefined {
  let best: { dialect: DialectModule; length: number } | undefined;
  for (const dialect of dialects) {
    for (const prefix of dialect.prefixes) {
      if (ownsPath(prefix, pathname) && (!best || prefix.length > best.length)) {
        best = { dialect, length: prefix.length };
      }
    }
  }
  return best?.dialect;
}

type SegmentMatch = { params: Record<string, string> } | 'malformed' | 'unsafe' | null;

/**
 * Matches raw (still percent-encoded) segments against a pattern. Literal segments compare as
 * sent; a `:name` segment is decoded, and one that decodes to something that could walk the
 * path (`/`, `\`, `.`, `..`) is 'unsafe': answered 404 and never handed to a route as an id.
 */
function matchSegments(pattern: string, segments: readonly string[]): SegmentMatch {
  const parts = pattern.split('/').slice(1);
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  let verdict: 'malformed' | 'unsafe' | null = null;
  for (const [i, part] of parts.entries()) {
    const raw = segments[i] ?? '';
    if (!part.startsWith(':')) {
      if (part !== raw) return null;
      continue;
    }
    if (raw === '') return null;
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      verdict = 'malformed';
      continue;
    }
    if (value === '.' || value === '..' || /[/\\]/.test(value)) verdict ??= 'unsafe';
    params[part.slice(1)] = value;
  }
  return verdict ?? { params };
}

export function matchRoute(
  dialects: readonly DialectModule[],
  method: string,
  pathname: string,
): RouteMatch | null {
  const dialect = dialectFor(dialects, pathname);
  if (!dialect) return null;
  // One trailing slash is forgiven (`/v1/jobs/`); the segments are what is between the slashes.
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  const segments = path.split('/').slice(1);
  const allow: string[] = [];
  let malformed = false;
  for (const route of dialect.routes) {
    const match = matchSegments(route.pattern, segments);
    if (match === 'malformed') malformed = true;
    if (match === null || typeof match === 'string') continue;
    if (route.method === method) return { dialect, route, params: match.params };
    if (!allow.includes(route.method)) allow.push(route.method);
  }
  if (allow.length > 0) return { dialect, methodNotAllowed: true, allow };
  if (malformed) {
    return { dialect, badPath: true, message: 'the path has a malformed %-escape' };
  }
  return { dialect, notFound: true };
}

function short(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function failure(dialect: DialectModule, error: ApiError): ApiResponse {
  return { status: error.status, body: dialect.errorBody(error) };
}

/**
 * Answers an API request in its dialect. Never throws: an unexpected error becomes a 500 with a
 * generic message, its details only in the console. A path no dialect owns gets a plain
 * `{ "error": "Not found" }` 404 (the service worker asks matchRoute first and lets those through).
 */
export async function handleApi(
  request: Request,
  ctx: ApiContext,
  dialects: readonly DialectModule[],
): Promise<ApiResponse> {
  const { pathname } = new URL(request.url);
  const match = matchRoute(dialects, request.method, pathname);
  if (!match) return { status: 404, body: { error: 'Not found' } };
  const { dialect } = match;
  if ('notFound' in match) {
    return failure(
      dialect,
      new ApiError(404, `Not found: ${request.method} ${short(pathname)} is not in this API`),
    );
  }
  if ('methodNotAllowed' in match) {
    const response = failure(
      dialect,
      new ApiError(
        405,
        `Method ${request.method} is not allowed on ${short(pathname)}; use ${match.allow.join(' or ')}`,
      ),
    );
    return { ...response, headers: { Allow: match.allow.join(', ') } };
  }
  if ('badPath' in match) return failure(dialect, new ApiError(400, match.message));
  try {
    return await match.route.handle(request, match.params, ctx);
  } catch (error) {
    if (error instanceof ApiError) return failure(dialect, error);
    console.error(`Unexpected error answering ${request.method} ${pathname}`, error);
    return failure(dialect, new ApiError(500, 'Internal server error'));
  }
}
