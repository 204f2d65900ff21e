/*
 * The Kintsugi client: what an integrator imports from `/client.js` (types in `/client.d.ts`).
 *
 *   import { Kintsugi } from 'https://kintsugi.example/client.js';
 *   const frame = Kintsugi.embed(iframe, { origin: 'https://kintsugi.example' });
 *   const job = await frame.createJob(file, [{ type: 'convert', params: { output_format: 'webp' } }]);
 *   for await (const event of job) console.log(event.progress);
 *   const output = await job.result; // a Blob
 *
 *   const api = Kintsugi.api(location.origin, 'sk_live_…');
 *   const upload = await api.operations.upload(file);
 *
 * This one file also defines the embed protocol's wire messages, which the frame side
 * (src/embed/protocol.ts) validates: one definition for both ends. It has no imports, so it
 * builds into a small bundle of its own and its declarations into one self-contained .d.ts.
 */

// ───────────────────────────── the embed protocol, version 1 ─────────────────────────────

export const PROTOCOL = 'kintsugi-embed' as const;
export const PROTOCOL_VERSION = 1;

export interface OperationRequest {
  type: string;
  params?: Record<string, unknown>;
}

/** What a job starts from: a Blob, raw bytes with their MIME type, or a URL the engine fetches. */
export type JobInput =
  | { kind: 'blob'; blob: Blob; name?: string }
  | { kind: 'buffer'; buffer: ArrayBuffer; type: string; name?: string }
  | { kind: 'url'; url: string; name?: string };

interface Envelope {
  protocol: typeof PROTOCOL;
  version: number;
  /** Chosen by the sender; every reply and event about this request carries it as `reply_to`. */
  id: string;
}

export type EmbedRequest = Envelope &
  (
    | { type: 'hello' }
    | { type: 'create'; input: JobInput; operations: OperationRequest[] }
    | { type: 'cancel'; job_id: string }
    | { type: 'list'; limit?: number }
    | { type: 'delete'; job_id: string }
  );

export type JobState = 'queued' | 'processing' | 'completed' | 'failed' | 'canceled' | 'expired';

export interface EmbedJob {
  id: string;
  status: JobState;
  progress: number;
  eta_seconds: number | null;
  error: string | null;
  operations: OperationRequest[];
  input: { name: string; type: string; bytes: number };
  output: { name: string; type: string; bytes: number; width?: number; height?: number } | null;
  created_at: number;
  completed_at: number | null;
}

export interface Capabilities {
  /** Where jobs run: 'webgpu' on a hardware adapter, else 'wasm'. */
  backend: 'webgpu' | 'wasm';
  backend_reason: string;
  /** True only when the host page is isolated and the iframe has allow="cross-origin-isolated". */
  cross_origin_isolated: boolean;
  /** WASM threads: 1 without cross-origin isolation. */
  threads: number;
  operations: string[];
}

export type ErrorCode =
  | 'malformed'
  | 'unknown_type'
  | 'unsupported_version'
  | 'invalid_input'
  | 'invalid_operations'
  | 'origin_denied'
  | 'not_found'
  | 'not_deletable'
  | 'internal';

export type Permission = 'granted' | 'ask' | 'denied';

export type EmbedReply = { protocol: typeof PROTOCOL; version: number; reply_to: string | null } & (
  | { type: 'ready'; capabilities: Capabilities; permission: Permission }
  | { type: 'accepted'; job: EmbedJob }
  | { type: 'progress'; job: EmbedJob }
  | {
      type: 'completed';
      job: EmbedJob;
      /** The output file's bytes, transferred (not copied) to the host page. */
      output: ArrayBuffer;
    }
  | { type: 'failed'; job: EmbedJob; reason: string }
  | { type: 'canceled'; job: EmbedJob }
  | { type: 'cancel-requested'; job: EmbedJob }
  | { type: 'listed'; jobs: EmbedJob[] }
  | { type: 'deleted'; job_id: string }
  | { type: 'error'; code: ErrorCode; message: string }
);

type ReplyOf<T extends EmbedReply['type']> = Extract<EmbedReply, { type: T }>;
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

// ───────────────────────────────────── Kintsugi.embed ─────────────────────────────────────

export class KintsugiError extends Error {
  constructor(
    readonly code: ErrorCode | 'timeout' | 'http',
    message: string,
    /** The HTTP status, for errors of Kintsugi.api. */
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'KintsugiError';
  }
}

export type JobEvent = ReplyOf<'accepted' | 'progress'>;

/** A running job: its events as an async iterator, its output as `result`. */
export interface JobHandle extends AsyncIterable<EmbedJob> {
  readonly id: string;
  /** The output Blob; rejects with a KintsugiError when the job fails or is canceled. */
  readonly result: Promise<Blob>;
  /** Called with every progress update (progress 0..1, never going back). */
  onProgress(listener: (job: EmbedJob) => void): () => void;
  cancel(): Promise<EmbedJob>;
}

export interface EmbedOptions {
  /** The Kintsugi origin the iframe shows, e.g. 'https://kintsugi.example'. Replies from any other are ignored. */
  origin: string;
  /** How long to wait for the frame to answer hello (ms); default 30 000. */
  timeoutMs?: number;
}

export interface EmbeddedKintsugi {
  /** The frame's hello: protocol version, capabilities, and whether this origin is allowed yet. */
  readonly ready: Promise<ReplyOf<'ready'>>;
  createJob(
    input: Blob | ArrayBuffer | string | JobInput,
    operations: OperationRequest[],
    options?: { name?: string; type?: string },
  ): Promise<JobHandle>;
  cancel(jobId: string): Promise<EmbedJob>;
  list(limit?: number): Promise<EmbedJob[]>;
  delete(jobId: string): Promise<void>;
  close(): void;
}

function toInput(
  input: Blob | ArrayBuffer | string | JobInput,
  options: { name?: string; type?: string },
): JobInput {
  if (input instanceof Blob) return { kind: 'blob', blob: input, name: options.name };
  if (input instanceof ArrayBuffer) {
    return { kind: 'buffer', buffer: input, type: options.type ?? '', name: options.name };
  }
  if (typeof input === 'string') return { kind: 'url', url: input, name: options.name };
  return input;
}

type Listener = (reply: EmbedReply) => void;

function embed(iframe: HTMLIFrameElement, options: EmbedOptions): EmbeddedKintsugi {
  const origin = new URL(options.origin).origin;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const listeners = new Map<string, Listener>();
  let closed = false;

  const onMessage = (event: MessageEvent) => {
    if (event.origin !== origin || event.source !== iframe.contentWindow) return;
    const reply = event.data as EmbedReply;
    if (reply?.protocol !== PROTOCOL || typeof reply.reply_to !== 'string') return;
    listeners.get(reply.reply_to)?.(reply);
  };
  window.addEventListener('message', onMessage);

  const send = (message: EmbedRequest, transfer: Transferable[] = []) => {
    if (closed) throw new KintsugiError('internal', 'This Kintsugi embed was closed');
    iframe.contentWindow?.postMessage(message, { targetOrigin: origin, transfer });
  };
  const envelope = () => ({
    protocol: PROTOCOL,
    version: PROTOCOL_VERSION,
    id: crypto.randomUUID(),
  });
  const asError = (reply: EmbedReply): KintsugiError | null =>
    reply.type === 'error' ? new KintsugiError(reply.code, reply.message) : null;

  // hello is sent until the frame answers: it may not have loaded yet, or be loading again.
  const ready = new Promise<ReplyOf<'ready'>>((resolve, reject) => {
    const hello = { ...envelope(), type: 'hello' as const };
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        listeners.delete(hello.id);
        reject(
          new KintsugiError(
            'timeout',
            `The Kintsugi frame at ${origin} did not answer within ${timeoutMs} ms: is the iframe's src on that origin, and may this page embed it (Settings → Embedding)?`,
          ),
        );
        return;
      }
      send(hello);
    }, 250);
    listeners.set(hello.id, (reply) => {
      clearInterval(timer);
      listeners.delete(hello.id);
      const error = asError(reply);
      if (error) reject(error);
      else if (reply.type === 'ready') resolve(reply);
    });
  });

  /** Sends one request and settles with its single reply of the expected type. */
  async function request<T extends EmbedReply['type']>(
    body: DistributiveOmit<EmbedRequest, keyof Envelope>,
    expect: T,
  ): Promise<ReplyOf<T>> {
    await ready;
    const message = { ...envelope(), ...body } as EmbedRequest;
    return new Promise((resolve, reject) => {
      listeners.set(message.id, (reply) => {
        listeners.delete(message.id);
        const error = asError(reply);
        if (error) reject(error);
        else if (reply.type === expect) resolve(reply as ReplyOf<T>);
        else reject(new KintsugiError('malformed', `Expected ${expect}, got ${reply.type}`));
      });
      send(message);
    });
  }

  async function createJob(
    given: Blob | ArrayBuffer | string | JobInput,
    operations: OperationRequest[],
    opts: { name?: string; type?: string } = {},
  ): Promise<JobHandle> {
    await ready;
    const input = toInput(given, opts);
    const message: EmbedRequest = { ...envelope(), type: 'create', input, operations };
    const progressListeners = new Set<(job: EmbedJob) => void>();
    const queue: EmbedJob[] = [];
    let wakeIterator: (() => void) | null = null;
    let finished = false;
    let settle!: { resolve(blob: Blob): void; reject(error: unknown): void };
    const result = new Promise<Blob>((resolve, reject) => (settle = { resolve, reject }));
    result.catch(() => {}); // a caller that only iterates still hears the failure there

    const update = (job: EmbedJob) => {
      queue.push(job);
      for (const listener of progressListeners) listener(job);
      wakeIterator?.();
    };
    const end = () => {
      finished = true;
      listeners.delete(message.id);
      wakeIterator?.();
    };

    const accepted = new Promise<EmbedJob>((resolve, reject) => {
      listeners.set(message.id, (reply) => {
        switch (reply.type) {
          case 'accepted':
            resolve(reply.job);
            update(reply.job);
            break;
          case 'progress':
            update(reply.job);
            break;
          case 'completed':
            update(reply.job);
            settle.resolve(new Blob([reply.output], { type: reply.job.output?.type ?? '' }));
            end();
            break;
          case 'failed':
          case 'canceled': {
            update(reply.job);
            const reason = reply.type === 'failed' ? reply.reason : 'The job was canceled';
            settle.reject(new KintsugiError('internal', reason));
            end();
            break;
          }
          case 'error': {
            const error = asError(reply)!;
            reject(error);
            settle.reject(error);
            end();
          }
        }
      });
    });
    // A buffer is transferred: the caller's ArrayBuffer is detached, as with any transfer.
    send(message, input.kind === 'buffer' ? [input.buffer] : []);
    const job = await accepted;

    return {
      id: job.id,
      result,
      onProgress(listener) {
        progressListeners.add(listener);
        return () => progressListeners.delete(listener);
      },
      cancel: () => cancel(job.id),
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const next = queue.shift();
          if (next) {
            yield next;
            continue;
          }
          if (finished) return;
          await new Promise<void>((resolve) => (wakeIterator = resolve));
          wakeIterator = null;
        }
      },
    };
  }

  async function cancel(jobId: string): Promise<EmbedJob> {
    return (await request({ type: 'cancel', job_id: jobId }, 'cancel-requested')).job;
  }

  return {
    ready,
    createJob,
    cancel,
    list: async (limit) => (await request({ type: 'list', limit }, 'listed')).jobs,
    delete: async (jobId) => {
      await request({ type: 'delete', job_id: jobId }, 'deleted');
    },
    close() {
      closed = true;
      window.removeEventListener('message', onMessage);
      listeners.clear();
    },
  };
}

// ────────────────────────────────────── Kintsugi.api ──────────────────────────────────────

/** Fields every dialect's job rendering may carry; each dialect adds its own. */
type Json = Record<string, unknown>;

export interface RestorationJob extends Json {
  id: string;
  status: 'analyzing' | 'processing' | 'complete' | 'failed' | 'expired';
  preset: string;
  resolution: string;
  credits_charged: number;
  output_url?: string | null;
  created_at: string;
  expires_at: string | null;
}

export interface OperationsUpload extends Json {
  storage_key: string;
  filename: string;
  size: number;
  content_type: string;
}

export interface OperationsJob extends Json {
  id: string;
  status: 'queued' | 'processing' | 'completed' | 'failed';
  operations: OperationRequest[];
  output_url?: string | null;
  error_message?: string | null;
  created_at: string;
  updated_at: string;
}

export interface UpscaleJob extends Json {
  id: string;
  status: 'pending' | 'processing' | 'completed' | 'failed';
  model: string;
  scale: number;
  result_url?: string | null;
  error?: string | null;
  original_filename?: string;
  created_at: string;
  updated_at?: string;
}

export interface VideoJob extends Json {
  id: string;
  status: 'queued' | 'processing' | 'completed' | 'failed';
  progress?: number;
  eta_seconds?: number | null;
  input_url?: string;
  output_url?: string | null;
  created_at?: number;
  completed_at?: number | null;
  error?: string | null;
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface KintsugiApi {
  /** PicRenew restorations (`pk_live_…` keys). */
  restorations: {
    create(body: {
      image_url: string;
      preset?: 'standard' | 'enhance' | 'colorize' | 'portrait';
      resolution?: '1k' | '2k' | '4k';
      remove_frame?: boolean;
      colorize?: boolean;
      callback_url?: string;
      idempotency_key?: string;
    }): Promise<RestorationJob>;
    get(id: string): Promise<RestorationJob>;
    list(): Promise<RestorationJob[]>;
    delete(id: string): Promise<{ deleted: boolean }>;
    /** The output file of a complete job. */
    download(id: string): Promise<Blob>;
  };
  /** EnhanceCraft operations (`sk_live_…` keys). */
  operations: {
    upload(file: Blob, filename?: string): Promise<OperationsUpload>;
    create(body: {
      input_key?: string;
      input_url?: string;
      operations: OperationRequest[];
    }): Promise<OperationsJob>;
    get(id: string): Promise<OperationsJob>;
    download(id: string): Promise<Blob>;
  };
  /** upres.ai upscaling (`upres_…` keys). */
  upscale: {
    create(
      input: Blob | { image_url: string },
      options?: { model?: string; scale?: number },
    ): Promise<UpscaleJob>;
    get(id: string): Promise<UpscaleJob>;
    list(query?: {
      status?: UpscaleJob['status'];
      model?: string;
      before?: string;
      after?: string;
      limit?: number;
      cursor?: string;
    }): Promise<Page<UpscaleJob>>;
    download(id: string): Promise<Blob>;
  };
  /** Retroiva video (`sk_live_…` keys). */
  video: {
    create(body: {
      video_url: string;
      preset?: 'cinematic' | 'social' | 'archive' | 'general';
      upscale_factor?: number;
      webhook_url?: string;
    }): Promise<VideoJob>;
    get(id: string): Promise<VideoJob>;
    list(query?: { limit?: number; cursor?: string }): Promise<Page<VideoJob>>;
    cancel(id: string): Promise<VideoJob>;
    /** The signed, expiring download URL (GET /v2/jobs/:id/download). */
    downloadUrl(id: string): Promise<string>;
    download(id: string): Promise<Blob>;
  };
  /**
   * Polls `get` until the job leaves its queued/processing states (every `intervalMs`, default
   * 1000) and returns it as it ended.
   */
  wait<T extends { status: string }>(
    get: () => Promise<T>,
    options?: { intervalMs?: number; signal?: AbortSignal },
  ): Promise<T>;
}

/** The message of an error body in any dialect's format. */
function errorMessage(body: unknown, status: number): string {
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; detail?: unknown };
    if (typeof b.detail === 'string') return b.detail;
    if (typeof b.error === 'string') return b.error;
    if (b.error && typeof b.error === 'object' && 'message' in b.error) {
      return String((b.error as { message: unknown }).message);
    }
  }
  return `HTTP ${status}`;
}

const pending = new Set(['queued', 'processing', 'analyzing', 'pending']);

function api(baseUrl: string, key: string): KintsugiApi {
  const base = baseUrl.replace(/\/+$/, '');
  const auth = { Authorization: `Bearer ${key}` };

  async function call<T>(method: string, path: string, body?: Json | FormData): Promise<T> {
    const json = body !== undefined && !(body instanceof FormData);
    const response = await fetch(`${base}${path}`, {
      method,
      headers: json ? { ...auth, 'Content-Type': 'application/json' } : auth,
      body: json ? JSON.stringify(body) : body,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text in the error below
    }
    if (!response.ok) {
      throw new KintsugiError(
        'http',
        errorMessage(parsed, response.status),
        response.status,
        parsed,
      );
    }
    return parsed as T;
  }

  async function file(url: string | null | undefined, what: string): Promise<Blob> {
    if (!url) throw new KintsugiError('not_found', `${what} has no output yet`);
    const response = await fetch(url);
    if (!response.ok) {
      throw new KintsugiError('http', `${what}: HTTP ${response.status}`, response.status);
    }
    return response.blob();
  }

  const query = (params: Json = {}) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, String(v));
    const text = search.toString();
    return text ? `?${text}` : '';
  };
  const id = encodeURIComponent;

  const restorations: KintsugiApi['restorations'] = {
    create: (body) => call('POST', '/api/v1/restorations', body),
    get: (job) => call('GET', `/api/v1/restorations/${id(job)}`),
    list: async () =>
      (await call<{ restorations: RestorationJob[] }>('GET', '/api/v1/restorations')).restorations,
    delete: (job) => call('DELETE', `/api/v1/restorations/${id(job)}`),
    download: async (job) => file((await restorations.get(job)).output_url, `Restoration ${job}`),
  };
  const operations: KintsugiApi['operations'] = {
    upload(blob, filename) {
      const form = new FormData();
      form.append('file', blob, filename ?? (blob instanceof File ? blob.name : 'upload'));
      return call('POST', '/api/v1/upload/api', form);
    },
    create: (body) => call('POST', '/api/v1/jobs/api', body),
    get: (job) => call('GET', `/api/v1/jobs/api/${id(job)}`),
    download: async (job) => file((await operations.get(job)).output_url, `Job ${job}`),
  };
  const upscale: KintsugiApi['upscale'] = {
    create(input, options = {}) {
      if (input instanceof Blob) {
        const form = new FormData();
        form.append('image', input, input instanceof File ? input.name : 'image');
        if (options.model) form.append('model', options.model);
        if (options.scale !== undefined) form.append('scale', String(options.scale));
        return call('POST', '/v1/jobs', form);
      }
      return call('POST', '/v1/jobs', { ...input, ...options });
    },
    get: (job) => call('GET', `/v1/jobs/${id(job)}`),
    list: (q) => call('GET', `/v1/jobs${query(q)}`),
    download: async (job) => file((await upscale.get(job)).result_url, `Job ${job}`),
  };
  const video: KintsugiApi['video'] = {
    create: (body) => call('POST', '/v2/enhance', body),
    get: (job) => call('GET', `/v2/jobs/${id(job)}`),
    list: (q) => call('GET', `/v2/jobs${query(q)}`),
    cancel: (job) => call('POST', `/v2/jobs/${id(job)}/cancel`),
    downloadUrl: async (job) => {
      const body = await call<{ url: string }>('GET', `/v2/jobs/${id(job)}/download`);
      return body.url;
    },
    download: async (job) => file(await video.downloadUrl(job), `Job ${job}`),
  };

  return {
    restorations,
    operations,
    upscale,
    video,
    async wait(get, options = {}) {
      for (;;) {
        options.signal?.throwIfAborted();
        const job = await get();
        if (!pending.has(job.status)) return job;
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
      }
    },
  };
}

export const Kintsugi = { embed, api, PROTOCOL_VERSION };
export default Kintsugi;
