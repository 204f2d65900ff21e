// addOptional against scripted hosts: which source a model comes from when the first host fails,
// and what the person is told when every host does. Cache Storage and fetch are stand-ins (Node
// has neither Cache Storage nor the page's origin); the download code under test is the real one.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CatalogEntry, catalog } from '@models/catalog.ts';

type Host = (init: RequestInit | undefined) => Response;

const hosts = new Map<string, Host>();
const fetched: string[] = [];
const buckets = new Map<string, Map<string, Response>>();

class MemoryCache {
  constructor(private readonly entries: Map<string, Response>) {}
  async match(url: string) {
    return this.entries.get(url)?.clone();
  }
  async put(url: string, response: Response) {
    const body = await response.arrayBuffer();
    this.entries.set(url, new Response(body, { headers: response.headers }));
  }
  async delete(url: string) {
    return this.entries.delete(url);
  }
}

let store: typeof import('./store.ts');

beforeAll(async () => {
  vi.stubGlobal('self', { location: { origin: 'https://kintsugi.test' } });
  vi.stubGlobal('BroadcastChannel', undefined);
  vi.stubGlobal('caches', {
    async open(name: string) {
      if (!buckets.has(name)) buckets.set(name, new Map());
      return new MemoryCache(buckets.get(name)!);
    },
  });
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    fetched.push(url);
    const host = hosts.get(url);
    if (!host) throw new TypeError('Failed to fetch');
    return host(init);
  });
  store = await import('./store.ts');
});

beforeEach(() => {
  hosts.clear();
  fetched.length = 0;
  buckets.clear();
});

const weights = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 255);
const serve =
  (bytes: Uint8Array): Host =>
  () =>
    new Response(bytes as BlobPart, { headers: { 'Content-Length': String(bytes.length) } });
const status =
  (code: number): Host =>
  () =>
    new Response('', { status: code });

const FIRST = 'https://first.example/models/migan.onnx';
const SECOND = 'https://second.example/mirror/migan.onnx';

async function entry(): Promise<CatalogEntry> {
  const base = catalog.find((e) => e.operation === 'inpaint')!;
  return { ...base, urls: [FIRST, SECOND], sha256: await store.sha256Hex(weights) };
}

describe('addOptional with several hosts', () => {
  it('takes the file from the second host when the first has lost it', async () => {
    hosts.set(FIRST, status(404));
    hosts.set(SECOND, serve(weights));
    const record = await store.addOptional(await entry(), { retries: 0 });
    expect(record.source).toBe(SECOND);
    expect(record.bytes).toBe(weights.length);
    expect(fetched).toEqual([FIRST, SECOND]);
    expect(await store.loadOptional(record.id)).toEqual(weights);
  });

  it('passes an unreachable host and one serving other bytes', async () => {
    // FIRST has no handler: the connection fails.
    hosts.set(SECOND, serve(weights));
    expect((await store.addOptional(await entry(), { retries: 0 })).source).toBe(SECOND);

    buckets.clear();
    fetched.length = 0;
    const altered = weights.slice();
    altered[100] = altered[100]! ^ 1;
    hosts.set(FIRST, serve(altered));
    expect((await store.addOptional(await entry(), { retries: 0 })).source).toBe(SECOND);
    expect(fetched).toEqual([FIRST, SECOND]);
  });

  it('says what the first host did, and that the others failed too', async () => {
    hosts.set(FIRST, status(404));
    hosts.set(SECOND, status(503));
    const error = await store.addOptional(await entry(), { retries: 0 }).catch((e) => e);
    expect(error).toBeInstanceOf(store.OptionalModelError);
    expect(error.kind).toBe('not-found');
    expect(error.message).toContain(`is no longer at ${FIRST} (HTTP 404)`);
    expect(error.message).toContain('The other host failed too: The host answered HTTP 503');
    expect(await store.installedRecords()).toEqual([]);
  });

  it('uses the mirror alone when one is set', async () => {
    const mirror = 'https://mirror.example/kintsugi/';
    const model = await entry();
    hosts.set(`${mirror}${model.file}`, status(404));
    hosts.set(FIRST, serve(weights));
    const error = await store.addOptional(model, { mirror, retries: 0 }).catch((e) => e);
    expect(error.kind).toBe('not-found');
    expect(fetched).toEqual([`${mirror}${model.file}`]);
  });

  it('stops at a cancel and keeps the part for the same host', async () => {
    const controller = new AbortController();
    hosts.set(FIRST, () => {
      controller.abort();
      throw new DOMException('aborted', 'AbortError');
    });
    hosts.set(SECOND, serve(weights));
    const error = await store
      .addOptional(await entry(), { retries: 0, signal: controller.signal })
      .catch((e) => e);
    expect(error.kind).toBe('canceled');
    expect(fetched).toEqual([FIRST]);
  });
});
