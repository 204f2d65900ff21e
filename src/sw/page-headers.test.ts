import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  frameAncestorsFor,
  isEmbedPath,
  requesterOrigin,
  withPageHeaders,
} from './page-headers.ts';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

const lists = { allowed: ['https://ok.example'], denied: ['https://no.example'] };

describe('contentSecurityPolicy', () => {
  const csp = directives(contentSecurityPolicy(["'self'"]));

  it('allows scripts only from the origin, with WebAssembly but no eval or inline script', () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    const all = [...csp.values()].flat();
    expect(all).not.toContain("'unsafe-eval'");
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
    expect(csp.get('object-src')).toEqual(["'none'"]);
  });

  it('lets the engine fetch https inputs and webhooks, and http only on this machine', () => {
    const connect = csp.get('connect-src')!;
    expect(connect).toContain('https:');
    expect(connect).toContain('http://127.0.0.1:*');
    expect(connect).not.toContain('http:');
    expect(csp.get('worker-src')).toEqual(["'self'", 'blob:']);
  });

  it("writes the frame ancestors it is given, and 'none' for none", () => {
    expect(
      directives(contentSecurityPolicy(["'self'", 'https://a.example'])).get('frame-ancestors'),
    ).toEqual(["'self'", 'https://a.example']);
    expect(directives(contentSecurityPolicy([])).get('frame-ancestors')).toEqual(["'none'"]);
  });
});

describe('frameAncestorsFor', () => {
  it('lets only the app frame its own pages', () => {
    expect(frameAncestorsFor('/', lists, 'https://ok.example')).toEqual(["'self'"]);
    expect(frameAncestorsFor('/examples/same-origin.html', lists, null)).toEqual(["'self'"]);
  });

  it('lets the allowed sites frame /embed, and an unlisted site that asks, never a refused one', () => {
    expect(frameAncestorsFor('/embed', lists, null)).toEqual(["'self'", 'https://ok.example']);
    expect(frameAncestorsFor('/embed.html', lists, 'https://new.example')).toEqual([
      "'self'",
      'https://ok.example',
      'https://new.example',
    ]);
    expect(frameAncestorsFor('/embed', lists, 'https://no.example')).toEqual([
      "'self'",
      'https://ok.example',
    ]);
    expect(frameAncestorsFor('/embed', lists, 'https://ok.example')).toEqual([
      "'self'",
      'https://ok.example',
    ]);
  });
});

describe('requesterOrigin', () => {
  it('is the referrer origin when it is another origin', () => {
    expect(requesterOrigin('https://host.example/page?x', 'https://app.example')).toBe(
      'https://host.example',
    );
    expect(requesterOrigin('https://app.example/', 'https://app.example')).toBeNull();
    expect(requesterOrigin('', 'https://app.example')).toBeNull();
    expect(requesterOrigin('garbage', 'https://app.example')).toBeNull();
  });
});

describe('withPageHeaders', () => {
  it('adds the policy, keeps the isolation headers and marks /embed embeddable cross-origin', async () => {
    const page = new Response('<!doctype html>', {
      status: 200,
      headers: { 'Content-Type': 'text/html', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    });
    const embed = withPageHeaders(page.clone(), '/embed', "default-src 'self'");
    expect(embed.headers.get('Content-Security-Policy')).toBe("default-src 'self'");
    expect(embed.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(embed.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
    expect(await embed.text()).toBe('<!doctype html>');
    const app = withPageHeaders(page, '/', "default-src 'self'");
    expect(app.headers.get('Cross-Origin-Resource-Policy')).toBeNull();
    expect(isEmbedPath('/embedded')).toBe(false);
  });
});
