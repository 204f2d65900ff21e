import fc from 'fast-check';

/*
 * Generated API requests for the chaos suite: any method, path, query, headers and body, three
 * in four aimed at a real route with its own method so that the dialects' validators run. Used
 * by the vitest fuzzers (src/api/*.fuzz.test.ts) and, as a sample, against the real service
 * worker in e2e/chaos-input.spec.ts.
 */

/** Every route with its method: most generated requests aim at one, so validators run. */
const endpoints: ReadonlyArray<[string, string]> = [
  ['POST', '/api/v1/restorations'],
  ['GET', '/api/v1/restorations'],
  ['GET', '/api/v1/restorations/:id'],
  ['DELETE', '/api/v1/restorations/:id'],
  ['POST', '/api/v1/upload/api'],
  ['POST', '/api/v1/jobs/api'],
  ['GET', '/api/v1/jobs/api/:id'],
  ['POST', '/v1/jobs'],
  ['GET', '/v1/jobs'],
  ['GET', '/v1/jobs/:id'],
  ['POST', '/v2/enhance'],
  ['GET', '/v2/jobs'],
  ['GET', '/v2/jobs/:id'],
  ['GET', '/v2/jobs/:id/download'],
  ['POST', '/v2/jobs/:id/cancel'],
];

const fieldNames = [
  'image_url',
  'video_url',
  'preset',
  'resolution',
  'operations',
  'input_key',
  'model',
  'scale',
  'upscale_factor',
  'callback_url',
  'webhook_url',
  'idempotency_key',
  'output_format',
  'type',
  'params',
  'file',
  'image',
  '__proto__',
  'constructor',
];

const huge = 'A'.repeat(2 * 1024 * 1024);

/** Strings a validator may choke on: empty, huge, control characters, HTML, lone surrogates. */
const nasty = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    huge,
    '\u0000',
    '\ud800',
    '<img src=x onerror=alert(1)>',
    '../../../etc/passwd',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'data:image/png;base64,!!!!',
    'https://a.example/p.png',
    'http://localhost:1/x.png',
    'NaN',
    '-1',
    '1e309',
    'restore',
    'enhance',
    'wavespeed-ai/real-esrgan',
  ),
);

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2, 2, 4, 8, 0.5),
  fc.array(fc.jsonValue(), { maxLength: 4 }),
  fc.array(
    fc.record(
      { type: nasty, params: fc.dictionary(nasty, fc.jsonValue(), { maxKeys: 3 }) },
      { requiredKeys: [] },
    ),
    { maxLength: 3 },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

const segment = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '..%2F..%2Fetc%2Fpasswd',
    '%2F',
    'a%5Cb',
    '%E0%A4%A',
    '%00',
    '%',
    'job_',
    'job_00000000-0000-4000-8000-000000000001',
    '00000000-0000-4000-8000-000000000001',
    '00000000-0000-4000-8000-000000000002',
    '00000000-0000-4000-8000-000000000005',
    'x'.repeat(5000),
  ),
  fc.string({ maxLength: 40 }).map((s) => encodeURIComponent(s)),
  fc.string({ maxLength: 20 }),
);

const anyPath = fc.oneof(
  fc
    .tuple(fc.constantFrom(...endpoints), segment)
    .map(([[, route], id]) => route.replace(':id', id)),
  fc
    .tuple(
      fc.constantFrom('/api/v1', '/v1', '/v2', '/api/v1/restorations'),
      fc.array(segment, { maxLength: 4 }),
    )
    .map(([prefix, rest]) => [prefix, ...rest].join('/')),
);

const query = fc.dictionary(
  fc.oneof(fc.constantFrom('limit', 'cursor', 'status', 'model', 'before', 'after', 'page'), nasty),
  nasty,
  { maxKeys: 3 },
);

const anyMethod = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD');

/** Three in four aim at a real route with its own method; the rest at anything. */
const target = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...endpoints), segment)
      .map(([[method, route], id]) => ({ method, path: route.replace(':id', id) })),
  },
  { weight: 1, arbitrary: fc.record({ method: anyMethod, path: anyPath }) },
);

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** The first bytes of each format the sniffer knows, and of a few it refuses. */
const signatures = [
  Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
  Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]),
  ascii('RIFF\x24\x00\x00\x00WEBPVP8 '),
  ascii('GIF89a\x01\x00\x01\x00'),
  Uint8Array.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]),
  ascii('\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf'),
  ascii('%PDF-1.7\n'),
  ascii('<svg xmlns="http://www.w3.org/2000/svg"/>'),
];

const bytes = fc.oneof(
  fc.constantFrom(...signatures),
  fc.uint8Array({ maxLength: 300 }),
  fc.constant(new Uint8Array()),
);

type Body =
  | { kind: 'none' }
  | { kind: 'text'; text: string; type: string }
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; fields: Array<[string, unknown, string]> };

const body: fc.Arbitrary<Body> = fc.oneof(
  fc.constant<Body>({ kind: 'none' }),
  fc
    .tuple(
      fc.oneof(
        nasty,
        fc.constantFrom('{', '{"image_url":', '[]', 'null', '1', '"x"', '{"a":1}}', '\u0000{}'),
      ),
      fc.constantFrom(
        'application/json',
        'text/plain',
        'application/xml',
        'multipart/form-data',
        'application/x-www-form-urlencoded',
        'application/problem+json',
        '',
      ),
    )
    .map(([text, type]): Body => ({ kind: 'text', text, type })),
  fc
    .dictionary(fc.oneof(fc.constantFrom(...fieldNames), nasty), anyValue, { maxKeys: 6 })
    .map((value): Body => ({ kind: 'json', value })),
  fc.jsonValue().map((value): Body => ({ kind: 'json', value })),
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...fieldNames), nasty),
        fc.oneof(nasty, bytes),
        fc.oneof(fc.constantFrom('a.png', 'photo.jpg', '<b>x</b>.png', '..\\..\\x.png'), nasty),
      ),
      { maxLength: 5 },
    )
    .map((fields): Body => ({ kind: 'form', fields })),
);

const headers = fc.record(
  {
    'idempotency-key': nasty,
    'content-type': fc.constantFrom('application/json', 'multipart/form-data; boundary=x', 'a/b'),
    'content-length': fc.constantFrom('0', '-1', '999999999999', 'abc'),
  },
  { requiredKeys: [] },
);

export interface FuzzRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Body;
  headers: Record<string, string>;
}

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(target, query, body, headers)
  .map(([t, query, body, headers]) => ({ ...t, query, body, headers }));

export function build(r: FuzzRequest, origin = 'http://127.0.0.1:4173'): Request {
  const url = new URL(`${origin}${r.path}`);
  for (const [k, v] of Object.entries(r.query)) url.searchParams.append(k, v);
  const h = new Headers();
  for (const [k, v] of Object.entries(r.headers)) {
    try {
      h.set(k, v);
    } catch {
      // a value the Headers class refuses never reaches a service worker either
    }
  }
  let payload: BodyInit | undefined;
  const b = r.body;
  if (b.kind === 'text') {
    payload = b.text;
    if (b.type) h.set('content-type', b.type);
  } else if (b.kind === 'json') {
    payload = JSON.stringify(b.value) ?? 'undefined';
    h.set('content-type', 'application/json');
  } else if (b.kind === 'form') {
    const form = new FormData();
    for (const [name, value, filename] of b.fields) {
      if (value instanceof Uint8Array)
        form.append(name, new Blob([new Uint8Array(value)]), filename);
      else form.append(name, String(value));
    }
    payload = form;
    h.delete('content-type');
  }
  const hasBody = payload !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
  if (!hasBody) h.delete('content-length');
  return new Request(url, { method: r.method, headers: h, body: hasBody ? payload : undefined });
}

/** The message of an error body in any of the four formats (or the plain 404's). */
export function errorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as { error?: unknown; detail?: unknown };
  if (typeof b.error === 'string') return b.error;
  if (typeof b.detail === 'string') return b.detail;
  if (typeof b.error === 'object' && b.error !== null) {
    const message = (b.error as { message?: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  }
  return undefined;
}

/** A request as plain data, to be rebuilt inside a page (see `sendWire` in chaos-requests). */
export interface WireRequest {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body:
    | null
    | { text: string }
    | { form: Array<[string, string | { bytes: number[]; filename: string }]> };
}

export function toWire(r: FuzzRequest): WireRequest {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(r.query)) query.append(k, v);
  const search = query.toString();
  const headers: Array<[string, string]> = Object.entries(r.headers);
  const b = r.body;
  let body: WireRequest['body'] = null;
  if (b.kind === 'text') {
    body = { text: b.text };
    if (b.type) headers.push(['content-type', b.type]);
  } else if (b.kind === 'json') {
    body = { text: JSON.stringify(b.value) ?? 'undefined' };
    headers.push(['content-type', 'application/json']);
  } else if (b.kind === 'form') {
    body = {
      form: b.fields.map(([name, value, filename]) => [
        name,
        value instanceof Uint8Array ? { bytes: [...value], filename } : String(value),
      ]),
    };
  }
  return { method: r.method, path: search ? `${r.path}?${search}` : r.path, headers, body };
}
