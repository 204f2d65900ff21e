import type { Connect, Plugin } from 'vite';

/** The API prefixes the service worker answers (src/api: upscale, video, operations, restorations). */
export const apiPrefixes = ['/v1', '/v2', '/api/v1'] as const;

export const noWorkerMessage = 'open the app once so its service worker runs';

export function isApiPath(pathname: string): boolean {
  return apiPrefixes.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/**
 * The API lives in the service worker, so a request that reaches the server was sent with no
 * worker in control: the first load of the origin, a Shift+Reload, or curl. Rather than the
 * HTML index (200) or an empty 404, which a client would misread, `vite preview` and the dev
 * server answer every API path with a JSON 503 that says what to do.
 */
export function apiOfflinePlugin(): Plugin {
  const answer: Connect.NextHandleFunction = (req, res, next) => {
    const pathname = new URL(req.url ?? '/', 'http://server.invalid').pathname;
    if (!isApiPath(pathname)) return next();
    res.statusCode = 503;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Retry-After', '1');
    res.end(JSON.stringify({ error: noWorkerMessage }));
  };
  return {
    name: 'kintsugi-api-offline',
    configureServer(server) {
      server.middlewares.use(answer);
    },
    configurePreviewServer(server) {
      server.middlewares.use(answer);
    },
  };
}
