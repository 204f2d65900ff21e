import { dialects } from '@/api/index.ts';
import type { ApiDialect } from '@/api/limits-config.ts';
import { buildOpenApi } from '@/api/openapi.ts';
import { apiDocsStrings } from './api-docs-strings.ts';
import { buildPath, type Endpoint, endpointsOf, followableUrls } from './api-docs.ts';

const t = apiDocsStrings.tryIt;

/** Every route of every dialect, grouped by dialect, in the route tables' order. */
export const endpointsByDialect: readonly { dialect: ApiDialect; endpoints: Endpoint[] }[] =
  (() => {
    const openApi = buildOpenApi(location.origin);
    return dialects.map((d) => ({ dialect: d.name, endpoints: endpointsOf(d, openApi) }));
  })();

const allEndpoints = endpointsByDialect.flatMap((group) => group.endpoints);

export interface ShownResponse {
  method: string;
  url: string;
  status: number;
  statusText: string;
  ms: number;
  headers: [string, string][];
  type: string;
  bytes: number;
  /** Pretty JSON, or the text of a text answer; null for an image or other bytes. */
  text: string | null;
  image: { url: string; width: number; height: number } | null;
  /** Same-origin URLs in a JSON answer, which the console can GET next. */
  links: [string, string][];
}

function parseFields(text: string): Record<string, unknown> {
  const value: unknown = text.trim() === '' ? {} : JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('it is not an object');
  }
  return value as Record<string, unknown>;
}

async function imageSize(blob: Blob): Promise<{ width: number; height: number }> {
  try {
    const bitmap = await createImageBitmap(blob);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return { width: 0, height: 0 };
  }
}

/** The "Try it" console: one request at a time, sent with the real fetch of this page. */
class TryItConsole {
  endpointId = $state(allEndpoints[0]?.id ?? '');
  params = $state<Record<string, string>>({});
  query = $state('');
  /** Kept in memory only: a secret has no place in localStorage. */
  key = $state('');
  body = $state(allEndpoints[0]?.exampleBody ?? '');
  file = $state<File | null>(null);
  sending = $state(false);
  error = $state<string | null>(null);
  response = $state<ShownResponse | null>(null);
  endpoint = $derived(allEndpoints.find((e) => e.id === this.endpointId) ?? allEndpoints[0]);
  /** The id of the last job an answer named, offered for the next `:id`. */
  private lastId: string | null = null;

  choose(id: string): void {
    const endpoint = allEndpoints.find((e) => e.id === id);
    if (!endpoint) return;
    this.endpointId = id;
    this.body = endpoint.exampleBody;
    this.file = null;
    this.query = '';
    this.error = null;
    if (this.lastId && endpoint.params.includes('id') && !this.params.id) {
      this.params.id = this.lastId;
    }
  }

  async send(): Promise<void> {
    const endpoint = this.endpoint;
    if (!endpoint || this.sending) return;
    this.error = null;
    const missing = endpoint.params.find((name) => !this.params[name]?.trim());
    if (missing) {
      this.error = t.missingParam(missing);
      return;
    }
    const headers: Record<string, string> = {};
    if (this.key.trim()) headers.Authorization = `Bearer ${this.key.trim()}`;
    let body: BodyInit | undefined;
    const multipart =
      endpoint.body === 'form' || (endpoint.body === 'json-or-form' && this.file !== null);
    if (multipart) {
      let fields: Record<string, unknown>;
      try {
        fields = parseFields(this.body);
      } catch (error) {
        this.error = t.badJson(error instanceof Error ? error.message : String(error));
        return;
      }
      const form = new FormData();
      if (this.file && endpoint.fileField) form.append(endpoint.fileField, this.file);
      for (const [name, value] of Object.entries(fields)) {
        form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
      }
      body = form;
    } else if (endpoint.body !== 'none' && this.body.trim() !== '') {
      // Sent as written, so a malformed body shows the API's own 400.
      body = this.body;
      headers['Content-Type'] = 'application/json';
    }
    const path = buildPath(
      endpoint.pattern,
      this.params,
      endpoint.method === 'GET' ? this.query : '',
    );
    await this.run(endpoint.method, path, { method: endpoint.method, headers, body });
  }

  /** GETs a URL an answer gave (a signed output URL needs no key). */
  async follow(url: string): Promise<void> {
    if (this.sending) return;
    this.error = null;
    await this.run('GET', url, {});
  }

  private async run(method: string, url: string, init: RequestInit): Promise<void> {
    this.sending = true;
    const started = performance.now();
    try {
      const response = await fetch(url, init);
      const blob = await response.blob();
      this.show(await this.describe(method, url, response, blob, performance.now() - started));
    } catch (error) {
      this.error = t.networkError(error instanceof Error ? error.message : String(error));
    } finally {
      this.sending = false;
    }
  }

  private async describe(
    method: string,
    url: string,
    response: Response,
    blob: Blob,
    ms: number,
  ): Promise<ShownResponse> {
    const type = response.headers.get('content-type') ?? '';
    const shown: ShownResponse = {
      method,
      url,
      status: response.status,
      statusText: response.statusText,
      ms,
      headers: [...response.headers.entries()],
      type,
      bytes: blob.size,
      text: null,
      image: null,
      links: [],
    };
    if (type.startsWith('image/')) {
      shown.image = { url: URL.createObjectURL(blob), ...(await imageSize(blob)) };
    } else if (/json/.test(type)) {
      const text = await blob.text();
      try {
        const parsed: unknown = JSON.parse(text);
        shown.text = JSON.stringify(parsed, null, 2);
        shown.links = followableUrls(parsed, location.origin);
        const id = (parsed as { id?: unknown }).id;
        if (typeof id === 'string') this.lastId = id;
      } catch {
        shown.text = text;
      }
    } else if (type.startsWith('text/') || blob.size === 0) {
      shown.text = await blob.text();
    }
    return shown;
  }

  private show(next: ShownResponse): void {
    if (this.response?.image) URL.revokeObjectURL(this.response.image.url);
    this.response = next;
  }
}

export const tryIt = new TryItConsole();
