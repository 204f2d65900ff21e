import { dialects } from '@/api/index.ts';
import { parseBearer, verifyKey } from '@/api/keys.ts';
import { type LimitsOverrides, resolveLimits } from '@/api/limits-config.ts';
import { buildOpenApi } from '@/api/openapi.ts';
import { checkAndCount, refundQuota } from '@/api/rate-limit.ts';
import { handleApi, matchRoute } from '@/api/router.ts';
import { verifySignedUrl } from '@/api/signed-url.ts';
import { ApiError, type DialectModule } from '@/api/types.ts';
import type { JobEvent } from '@/jobs/broadcast.ts';
import type { ApiRecords } from '@/api/store/records.ts';
import type { JobStore } from '@/jobs/store.ts';
import { blobResponse } from './files.ts';
import { ApiBackend } from '@/api/store/backend.ts';
import { installedNow } from '@/inference/optional/store.ts';

export interface ApiServerDeps {
  store: Promise<JobStore>;
  records: Promise<ApiRecords>;
  origin: string;
  now(): number;
  post(event: JobEvent): void;
}

const FILES_PREFIX = '/files/';

/** True for the requests the service worker answers itself (decided synchronously). */
export function isApiRequest(url: URL, origin: string): boolean {
  if (url.origin !== origin) return false;
  const path = url.pathname;
  return (
    path === '/openapi.json' ||
    path.startsWith(FILES_PREFIX) ||
    dialects.some((d) =>
      d.prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)),
    )
  );
}

function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      ...headers,
    },
  });
}

function errorResponse(
  dialect: DialectModule,
  status: number,
  message: string,
  headers = {},
  extra = {},
) {
  const error = new ApiError(status, message, extra);
  return json(dialect.errorBody(error), status, headers);
}

/**
 * The four hosted APIs at this origin: authenticates the Bearer key, applies the key's rate
 * limits, hands the request to its dialect, and serves signed output files.
 */
export function createApiServer(deps: ApiServerDeps) {
  async function serveFile(request: Request, url: URL): Promise<Response> {
    const records = await deps.records;
    const verdict = await verifySignedUrl(await records.signingSecret(), url, deps.now());
    if (verdict === 'expired') return json({ error: 'This link has expired' }, 410);
    if (verdict === 'invalid') return json({ error: 'This link is not valid' }, 403);
    const [id] = url.pathname.slice(FILES_PREFIX.length).split('/');
    const store = await deps.store;
    const job = id ? await store.get(id) : undefined;
    const blob = job?.output ? await store.getBlob(job.output.key) : undefined;
    if (!job?.output || !blob) return json({ error: 'This file no longer exists' }, 404);
    return blobResponse(blob, job.output.name, request.headers.get('range'));
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/openapi.json') return json(buildOpenApi(deps.origin), 200);
    if (url.pathname.startsWith(FILES_PREFIX)) return serveFile(request, url);

    const match = matchRoute(dialects, request.method, url.pathname);
    if (!match) return json({ error: 'Not found' }, 404);
    const dialect = match.dialect;
    const records = await deps.records;
    const secret = parseBearer(request.headers.get('authorization'));
    const key = secret ? await verifyKey(secret, await records.keys()) : null;
    if (!key) return errorResponse(dialect, 401, 'Invalid or missing API key.');

    const now = deps.now();
    const limits = resolveLimits(await records.setting<LimitsOverrides>('limits'));
    // A POST takes a quota credit at the door, so racing requests cannot overrun the quota; the
    // credit is given back below if the request created no job.
    const takesQuota =
      request.method === 'POST' && limits.dialects[dialect.name].monthlyQuota !== null;
    const limit = await records.withCounters((counters) =>
      checkAndCount(counters, key.id, dialect.name, limits.dialects[dialect.name], now, {
        countsTowardsQuota: takesQuota,
      }),
    );
    if (!limit.allowed && limit.status === 429) {
      return errorResponse(dialect, 429, 'Rate limit exceeded. Try again later.', {
        ...limit.headers,
        'Retry-After': String(limit.retryAfterSeconds),
      });
    }
    if (!limit.allowed) {
      return errorResponse(dialect, 402, 'Monthly quota exceeded.', limit.headers, {
        quota: limit.quota,
        used: limit.used,
      });
    }
    await records.touchKey(key.id, now);

    const jobs = new ApiBackend({
      store: await deps.store,
      apiKeyId: key.id,
      origin: deps.origin,
      now: deps.now,
      post: deps.post,
      sign: (path, expiresAt) => records.sign(path, expiresAt),
    });
    const response = await handleApi(
      request,
      {
        jobs,
        now: deps.now,
        origin: deps.origin,
        retention: limits.retention,
        installed: installedNow,
      },
      dialects,
    );
    // Only created jobs count: a refused request, or one that found its idempotent twin, gives
    // its credit back (a refund of a job "created" now, this month).
    if (takesQuota && jobs.created === 0) {
      await records.withCounters((counters) =>
        refundQuota(counters, key.id, dialect.name, now, now),
      );
    }
    return json(response.body, response.status, { ...limit.headers, ...response.headers });
  }

  return { handle };
}
