import type { Plugin } from 'vite';
import {
  contentSecurityPolicy,
  frameAncestorsFor,
  isEmbedPath,
  requesterOrigin,
} from '../src/sw/page-headers.ts';

/** A page navigation, not an asset: `/`, `/embed`, `/examples/x.html`. */
function isPagePath(pathname: string): boolean {
  return pathname.endsWith('/') || pathname.endsWith('.html') || !/\.[a-z0-9]+$/i.test(pathname);
}

/**
 * `vite preview` sends the pages the same Content Security Policy the service worker adds, for
 * the first load before a worker controls the page. It cannot read the user's embedding lists
 * (they are in IndexedDB), so /embed may be framed by the page that asks for it; the frame
 * still refuses every request until the user allows that origin. Only preview: the dev server
 * injects inline scripts for hot reload.
 */
export function pagePolicyPlugin(): Plugin {
  return {
    name: 'kintsugi-page-policy',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://preview.invalid');
        if (isPagePath(url.pathname)) {
          const host = req.headers.host ?? '';
          const requester = requesterOrigin(req.headers.referer ?? '', `http://${host}`);
          const lists = { allowed: [], denied: [] };
          res.setHeader(
            'Content-Security-Policy',
            contentSecurityPolicy(frameAncestorsFor(url.pathname, lists, requester)),
          );
          if (isEmbedPath(url.pathname))
            res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
        }
        next();
      });
    },
  };
}
