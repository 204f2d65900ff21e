import { dialects, matchRoute } from '@/api/index.ts';
import { keyPrefixes } from '@/api/keys.ts';
import type { ApiDialect } from '@/api/limits-config.ts';
import type { DialectModule, Route } from '@/api/types.ts';
import type { ExampleId } from './api-docs-strings.ts';

/*
 * What the API page documents, as data. The endpoint lists come from the dialects' route
 * tables (and their summaries and request bodies from the OpenAPI document built from the same
 * modules), so a new route shows up on the page and in the console by itself. Every example is
 * one request description that renders both as the hosted service's curl and as the fetch a
 * script of this origin sends, so the two cannot say different things.
 */

/** Where each service lives on the internet; here it is `location.origin`. */
export const hostedBases: Readonly<Record<ApiDialect, string>> = {
  restorations: 'https://picrenew.com',
  operations: 'https://api.enhancecraft.com',
  upscale: 'https://api.upres.ai',
  video: 'https://api.retroiva.com',
};

export function keyPlaceholder(dialect: ApiDialect): string {
  return `${keyPrefixes[dialect]}YOUR_KEY`;
}

export function authHeader(dialect: ApiDialect): string {
  return `Authorization: Bearer ${keyPlaceholder(dialect)}`;
}

/** A form value: text, or a file the hosted docs send with curl's `-F name=@path`. */
export type FormValue = string | { file: string };

export interface ExampleRequest {
  method: Route['method'];
  /** As the hosted docs write it, placeholders and query included: `/api/v1/jobs/api/JOB_ID`. */
  path: string;
  json?: Record<string, unknown>;
  form?: Record<string, FormValue>;
}

export interface Example {
  id: ExampleId;
  dialect: ApiDialect;
  request: ExampleRequest;
}

/** The seeds' requests (their curl examples, and the calls their references describe). */
export const examples: readonly Example[] = [
  {
    id: 'restorations.create',
    dialect: 'restorations',
    request: {
      method: 'POST',
      path: '/api/v1/restorations',
      json: {
        image_url: 'https://example.com/grandma-1952.jpg',
        preset: 'enhance',
        resolution: '2k',
        callback_url: 'https://yourapp.com/webhooks/picrenew',
      },
    },
  },
  {
    id: 'restorations.list',
    dialect: 'restorations',
    request: { method: 'GET', path: '/api/v1/restorations' },
  },
  {
    id: 'restorations.get',
    dialect: 'restorations',
    request: { method: 'GET', path: '/api/v1/restorations/RESTORATION_ID' },
  },
  {
    id: 'restorations.delete',
    dialect: 'restorations',
    request: { method: 'DELETE', path: '/api/v1/restorations/RESTORATION_ID' },
  },
  {
    id: 'operations.upload',
    dialect: 'operations',
    request: {
      method: 'POST',
      path: '/api/v1/upload/api',
      form: { file: { file: '/path/to/image.jpg' } },
    },
  },
  {
    id: 'operations.create',
    dialect: 'operations',
    request: {
      method: 'POST',
      path: '/api/v1/jobs/api',
      json: {
        input_key: 'uploads/user-id/image.jpg',
        operations: [{ type: 'enhance', params: { scale: 2 } }],
      },
    },
  },
  {
    id: 'operations.get',
    dialect: 'operations',
    request: { method: 'GET', path: '/api/v1/jobs/api/JOB_ID' },
  },
  {
    id: 'upscale.createJson',
    dialect: 'upscale',
    request: {
      method: 'POST',
      path: '/v1/jobs',
      json: {
        image_url: 'https://example.com/photo.jpg',
        model: 'wavespeed-ai/real-esrgan',
        scale: 4,
      },
    },
  },
  {
    id: 'upscale.createForm',
    dialect: 'upscale',
    request: {
      method: 'POST',
      path: '/v1/jobs',
      form: { image: { file: 'photo.jpg' }, model: 'wavespeed-ai/real-esrgan', scale: '4' },
    },
  },
  {
    id: 'upscale.list',
    dialect: 'upscale',
    request: { method: 'GET', path: '/v1/jobs?status=completed&limit=20' },
  },
  {
    id: 'upscale.get',
    dialect: 'upscale',
    request: { method: 'GET', path: '/v1/jobs/550e8400-e29b-41d4-a716-446655440000' },
  },
  {
    id: 'video.enhance',
    dialect: 'video',
    request: {
      method: 'POST',
      path: '/v2/enhance',
      json: {
        video_url: 'https://s3.amazonaws.com/my-bucket/raw.mp4',
        preset: 'cinematic',
        upscale_factor: 4,
      },
    },
  },
  { id: 'video.get', dialect: 'video', request: { method: 'GET', path: '/v2/jobs/job_892348923' } },
  { id: 'video.list', dialect: 'video', request: { method: 'GET', path: '/v2/jobs' } },
  {
    id: 'video.download',
    dialect: 'video',
    request: { method: 'GET', path: '/v2/jobs/job_123456/download' },
  },
  {
    id: 'video.cancel',
    dialect: 'video',
    request: { method: 'POST', path: '/v2/jobs/job_123456/cancel' },
  },
];

function indent(text: string, spaces: number): string {
  return text.replaceAll('\n', `\n${' '.repeat(spaces)}`);
}

function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** The two lines every snippet starts with: the only two things that change from the hosted API. */
export function prelude(dialect: ApiDialect): string {
  return [
    `const BASE = location.origin; // was ${hostedBases[dialect]}`,
    `const KEY = '${keyPlaceholder(dialect)}'; // a key made in Settings → API keys`,
  ].join('\n');
}

/** The hosted service's curl for a request, in the seeds' own layout. */
export function curlCode(dialect: ApiDialect, request: ExampleRequest): string {
  const url = `"${hostedBases[dialect]}${request.path}"`;
  const lines = [request.method === 'GET' ? `curl ${url}` : `curl -X ${request.method} ${url}`];
  lines.push(`-H "Authorization: Bearer ${keyPlaceholder(dialect)}"`);
  if (request.json) {
    lines.push('-H "Content-Type: application/json"');
    lines.push(`-d '${indent(prettyJson(request.json), 2)}'`);
  }
  for (const [name, value] of Object.entries(request.form ?? {})) {
    lines.push(`-F "${name}=${typeof value === 'string' ? value : `@${value.file}`}"`);
  }
  return lines.join(' \\\n  ');
}

/** The same request as a script of this origin sends it. */
export function fetchCode(dialect: ApiDialect, request: ExampleRequest): string {
  const out = [prelude(dialect), ''];
  const auth = 'Authorization: `Bearer ${KEY}`';
  const init = [];
  if (request.method !== 'GET') init.push(`method: '${request.method}',`);
  if (request.json) {
    init.push(`headers: {\n  ${auth},\n  'Content-Type': 'application/json',\n},`);
    init.push(`body: JSON.stringify(${prettyJson(request.json)}),`);
  } else {
    init.push(`headers: { ${auth} },`);
  }
  if (request.form) {
    out.push('const form = new FormData();');
    for (const [name, value] of Object.entries(request.form)) {
      if (typeof value === 'string') {
        out.push(`form.append('${name}', '${value}');`);
      } else {
        out.push(
          `// curl: -F "${name}=@${value.file}"; here a File or Blob, e.g. from a file input`,
        );
        out.push(`form.append('${name}', document.querySelector('input[type="file"]').files[0]);`);
      }
    }
    init.push('body: form,');
  }
  out.push(`const response = await fetch(\`\${BASE}${request.path}\`, {`);
  out.push(...init.map((line) => `  ${indent(line, 2)}`));
  out.push('});');
  out.push('console.log(response.status, await response.json());');
  return out.join('\n');
}

const jsonHelper = `// Reads a JSON answer; a 4xx or 5xx becomes an error carrying the dialect's message.
async function json(response) {
  const body = await response.json();
  if (!response.ok) throw new Error(\`HTTP \${response.status}: \${JSON.stringify(body)}\`);
  return body;
}

const headers = { Authorization: \`Bearer \${KEY}\` };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));`;

const flowBodies: Readonly<Record<ApiDialect, string>> = {
  restorations: `// imageUrl: an https URL whose server lets this app read it (CORS), a data: URL, or a URL
// of this app (e.g. the output_url of an earlier job): the engine fetches it in the browser.
async function restore(imageUrl) {
  // 1. Create the restoration. The webhook is POSTed from this browser when it is complete or
  //    failed, so the receiver must allow this origin (CORS); it is signed with the key's secret.
  const created = await json(
    await fetch(\`\${BASE}/api/v1/restorations\`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        image_url: imageUrl,
        preset: 'enhance',
        resolution: '2k',
        callback_url: 'https://yourapp.com/webhooks/picrenew',
      }),
    }),
  );

  // 2. Poll until it is complete, failed or expired.
  for (;;) {
    const restoration = await json(
      await fetch(\`\${BASE}/api/v1/restorations/\${created.id}\`, { headers }),
    );
    console.log(\`Status: \${restoration.status}\`);
    if (['complete', 'failed', 'expired'].includes(restoration.status)) return restoration;
    await sleep(2000);
  }
}

const restoration = await restore('https://example.com/grandma-1952.jpg');
console.log(restoration.output_url);`,

  operations: `// file: a File or Blob, e.g. from <input type="file">.
async function enhance(file) {
  // 1. Upload image
  const form = new FormData();
  form.append('file', file);
  const upload = await json(
    await fetch(\`\${BASE}/api/v1/upload/api\`, { method: 'POST', headers, body: form }),
  );

  // 2. Create job
  const job = await json(
    await fetch(\`\${BASE}/api/v1/jobs/api\`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        input_key: upload.storage_key,
        operations: [{ type: 'enhance', params: { scale: 2 } }],
      }),
    }),
  );

  // 3. Poll for completion
  for (;;) {
    const current = await json(await fetch(\`\${BASE}/api/v1/jobs/api/\${job.id}\`, { headers }));
    console.log(\`Status: \${current.status}\`);
    if (current.status === 'completed' || current.status === 'failed') return current;
    await sleep(2000);
  }
}

const job = await enhance(document.querySelector('input[type="file"]').files[0]);
console.log(job.output_url ?? job.error_message);`,

  upscale: `// file: a File or Blob (JPEG, PNG, WebP or TIFF), e.g. from <input type="file">.
async function upscale(file) {
  // 1. Create the job from a file (multipart, field "image"): 201 with status "pending".
  const form = new FormData();
  form.append('image', file);
  form.append('scale', '4');
  const created = await json(
    await fetch(\`\${BASE}/v1/jobs\`, { method: 'POST', headers, body: form }),
  );

  // 2. Poll until it is completed or failed.
  let job = created;
  while (job.status === 'pending' || job.status === 'processing') {
    await sleep(2000);
    job = await json(await fetch(\`\${BASE}/v1/jobs/\${created.id}\`, { headers }));
  }
  if (job.status === 'failed') throw new Error(job.error);

  // 3. Download result_url: a signed URL, valid for an hour, that needs no key.
  const result = await fetch(job.result_url);
  return result.blob();
}

const image = await upscale(document.querySelector('input[type="file"]').files[0]);
console.log(URL.createObjectURL(image));`,

  video: `// videoUrl: an https URL whose server lets this app read it (CORS), or a URL of this app.
async function enhanceVideo(videoUrl, timeoutMs = 30 * 60_000) {
  // 1. Enhance: create the job.
  const job = await json(
    await fetch(\`\${BASE}/v2/enhance\`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ video_url: videoUrl, preset: 'cinematic', upscale_factor: 4 }),
    }),
  );

  // 2. Poll its progress (0..1) and eta_seconds until it is completed or failed.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await json(await fetch(\`\${BASE}/v2/jobs/\${job.id}\`, { headers }));
    console.log(current.status, \`\${Math.round(current.progress * 100)}%\`, current.eta_seconds);
    if (current.status === 'completed') break;
    if (current.status === 'failed') throw new Error(current.error);
    if (Date.now() > deadline) {
      // 4. Cancel: stops the work (a job that has already finished is left as it is).
      await json(await fetch(\`\${BASE}/v2/jobs/\${job.id}/cancel\`, { method: 'POST', headers }));
      throw new Error(\`\${job.id} took longer than \${timeoutMs / 1000} s and was canceled\`);
    }
    await sleep(5000);
  }

  // 3. Download: a signed URL, valid for 24 hours, that needs no key.
  const { url } = await json(await fetch(\`\${BASE}/v2/jobs/\${job.id}/download\`, { headers }));
  return (await fetch(url)).blob();
}

const video = await enhanceVideo('https://s3.amazonaws.com/my-bucket/raw.mp4');
console.log(URL.createObjectURL(video));`,
};

/** The dialect's complete example, ready to paste into a script of this origin. */
export function flowCode(dialect: ApiDialect): string {
  return [prelude(dialect), '', jsonHelper, '', flowBodies[dialect]].join('\n');
}

// ---- Endpoints, from the route tables and the OpenAPI document ----

export type BodyKind = 'none' | 'json' | 'form' | 'json-or-form';

export interface Endpoint {
  /** `GET /v1/jobs/:id`: unique, and what the page and the console show. */
  id: string;
  dialect: ApiDialect;
  method: Route['method'];
  pattern: string;
  /** The `:name` segments of the pattern, in order. */
  params: string[];
  summary: string | null;
  body: BodyKind;
  /** The multipart field that carries the file, when the route takes one. */
  fileField: string | null;
  /** What the console's body editor starts with: the first example of this route, or `{}`. */
  exampleBody: string;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

/** Follows a local `$ref` (`#/components/schemas/Name`) of the document. */
function resolve(doc: Json, schema: unknown): Json | undefined {
  const object = asObject(schema);
  const ref = object?.$ref;
  if (typeof ref !== 'string') return object;
  let node: unknown = doc;
  for (const part of ref.replace(/^#\//, '').split('/')) node = asObject(node)?.[part];
  return asObject(node);
}

export function openApiPath(pattern: string): string {
  return pattern.replace(/:(\w+)/g, '{$1}');
}

function operationOf(doc: Json, route: Route): Json | undefined {
  const paths = asObject(doc.paths);
  return asObject(asObject(paths?.[openApiPath(route.pattern)])?.[route.method.toLowerCase()]);
}

function binaryField(doc: Json, schema: unknown): string | null {
  const properties = asObject(resolve(doc, schema)?.properties) ?? {};
  const found = Object.entries(properties).find(
    ([, property]) => resolve(doc, property)?.format === 'binary',
  );
  return found?.[0] ?? null;
}

function bodyOf(doc: Json, route: Route): { body: BodyKind; fileField: string | null } {
  const operation = operationOf(doc, route);
  if (!operation) return { body: route.method === 'POST' ? 'json' : 'none', fileField: null };
  const content = asObject(asObject(operation.requestBody)?.content);
  if (!content) return { body: 'none', fileField: null };
  const json = 'application/json' in content;
  const form = asObject(content['multipart/form-data']);
  if (!form) return { body: json ? 'json' : 'none', fileField: null };
  return { body: json ? 'json-or-form' : 'form', fileField: binaryField(doc, form.schema) };
}

function routeOf(request: ExampleRequest): Route | undefined {
  const match = matchRoute(dialects, request.method, request.path.split('?')[0] ?? '');
  return match && 'route' in match ? match.route : undefined;
}

function exampleBodyOf(route: Route, body: BodyKind): string {
  if (body === 'none') return '';
  const example = examples.find((e) => routeOf(e.request) === route)?.request;
  if (example?.json) return prettyJson(example.json);
  const fields = Object.entries(example?.form ?? {}).filter(([, v]) => typeof v === 'string');
  return prettyJson(Object.fromEntries(fields));
}

/** Every route of a dialect, in its table's order, described for the page and the console. */
export function endpointsOf(dialect: DialectModule, openApi: Json): Endpoint[] {
  return dialect.routes.map((route) => {
    const { body, fileField } = bodyOf(openApi, route);
    const summary = operationOf(openApi, route)?.summary;
    return {
      id: `${route.method} ${route.pattern}`,
      dialect: dialect.name,
      method: route.method,
      pattern: route.pattern,
      params: route.pattern
        .split('/')
        .filter((s) => s.startsWith(':'))
        .map((s) => s.slice(1)),
      summary: typeof summary === 'string' ? summary : null,
      body,
      fileField,
      exampleBody: exampleBodyOf(route, body),
    };
  });
}

/** The request path of an endpoint with its parameters filled in (percent-encoded). */
export function buildPath(
  pattern: string,
  params: Readonly<Record<string, string>>,
  query = '',
): string {
  const path = pattern.replace(/:(\w+)/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? ''),
  );
  const search = query.trim().replace(/^\?/, '');
  return search ? `${path}?${search}` : path;
}

/** Same-origin URLs in a JSON answer (output_url, result_url, url…), by field name. */
export function followableUrls(body: unknown, origin: string): [string, string][] {
  const found: [string, string][] = [];
  for (const [field, value] of Object.entries(asObject(body) ?? {})) {
    if (typeof value !== 'string' || !value.startsWith(`${origin}/`)) continue;
    found.push([field, value]);
  }
  return found;
}
