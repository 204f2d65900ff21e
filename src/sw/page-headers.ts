/*
 * The headers every HTML page of the app is served with. The service worker answers
 * navigations from its precache, so it is where the Content Security Policy is set; vite.config.ts
 * sends the same policy (without the user's allow list, which only the worker can read) on the
 * first, not-yet-controlled load.
 */
import { decide, type OriginLists } from '../embed/origins.ts'; // relative: vite.config.ts loads this file, without the aliases

/** The path of the embed page; every other HTML page may be framed only by the app itself. */
export const EMBED_PATH = '/embed';

export function isEmbedPath(pathname: string): boolean {
  return pathname === EMBED_PATH || pathname === `${EMBED_PATH}.html`;
}

/**
 * What the app really loads. Scripts, workers and models come from the origin; onnxruntime-web
 * and the codecs compile WebAssembly ('wasm-unsafe-eval', which allows no JavaScript eval);
 * onnxruntime may start its thread workers from blob: URLs. Inputs given by URL (image_url,
 * video_url) and webhook deliveries are fetched by the engine host page, so connect-src must
 * reach any https server and http on this machine, as the API's own URL rules allow. Svelte
 * sets inline style attributes, so styles (never scripts) may be inline.
 */
export function contentSecurityPolicy(frameAncestors: readonly string[]): string {
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", "'wasm-unsafe-eval'"]],
    ['worker-src', ["'self'", 'blob:']],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['media-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    [
      'connect-src',
      ["'self'", 'data:', 'blob:', 'https:', 'http://localhost:*', 'http://127.0.0.1:*'],
    ],
    ['manifest-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'self'"]],
    ['frame-ancestors', frameAncestors.length ? [...frameAncestors] : ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/**
 * Who may frame a page. The app: only itself. /embed: itself, the allowed origins, and the page
 * asking to embed it right now (read from the navigation's referrer) unless the user denied that
 * origin: an unlisted site must be able to show the frame, or the frame could never ask.
 */
export function frameAncestorsFor(
  pathname: string,
  lists: OriginLists,
  requester: string | null,
): string[] {
  if (!isEmbedPath(pathname)) return ["'self'"];
  const ancestors = ["'self'", ...lists.allowed];
  if (requester && decide(lists, requester) === 'unknown') ancestors.push(requester);
  return ancestors;
}

/** The origin of a navigation's referrer, when there is one and it is another origin. */
export function requesterOrigin(referrer: string, ownOrigin: string): string | null {
  if (!referrer) return null;
  try {
    const origin = new URL(referrer).origin;
    return origin === ownOrigin || origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/**
 * The page response with its policy. /embed also carries Cross-Origin-Resource-Policy:
 * cross-origin, which a host page that is itself cross-origin isolated (COEP require-corp)
 * needs before it may show a frame from another origin, and no opener policy (see below).
 */
export function withPageHeaders(response: Response, pathname: string, csp: string): Response {
  const headers = new Headers(response.headers);
  headers.set('Content-Security-Policy', csp);
  if (isEmbedPath(pathname)) {
    headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
    // Framed, /embed's opener policy means nothing; top-level it is the grant window, whose answer
    // goes back to the frame that opened it through window.opener, which same-origin would cut.
    headers.set('Cross-Origin-Opener-Policy', 'unsafe-none');
  }
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
