/*
 * The frame end of the embed protocol. It listens to its parent window only, checks every
 * message (protocol.ts), asks the user about an origin it has not seen (origins.ts + the
 * in-frame prompt), and turns requests into jobs on the same IndexedDB queue the app and the
 * API use. Replies go to the exact origin that asked, never to '*'.
 */
import type { Capabilities, EmbedJob, EmbedReply } from '@/client/client.ts';
import type { OperationMeta } from '@/ops/operation.ts';
import { type JobEvent, openJobChannel } from '@/jobs/broadcast.ts';
import { type Job, createJob } from '@/jobs/job.ts';
import { type JobStore, JobNotFoundError, inputKey } from '@/jobs/store.ts';
import { decide, readOriginLists, remember, type SettingsStore } from './origins.ts';
import { type ValidRequest, parseRequest, reply, summarize } from './protocol.ts';

export type Answer = 'once' | 'always' | 'deny';

export interface BridgeOptions {
  store: JobStore;
  settings: SettingsStore;
  metas: Readonly<Record<string, OperationMeta>>;
  capabilities(): Promise<Capabilities>;
  /** Shows the in-frame prompt for `origin` and settles with the user's answer. */
  ask(origin: string): Promise<Answer>;
  /** Told about every job this frame created, for the compact UI. */
  onJob?(job: EmbedJob): void;
}

/** Which embedding origin created a job; list, cancel and delete see only that origin's jobs. */
const ORIGIN_OPTION = 'embed_origin';

function ownedBy(job: Job | undefined, origin: string): job is Job {
  return job?.spec.options?.[ORIGIN_OPTION] === origin;
}

type Post = (message: EmbedReply, transfer?: Transferable[]) => void;

export function startBridge(options: BridgeOptions): () => void {
  const { store, settings } = options;
  /** This frame's own answers: "Allow once" holds until the frame reloads. */
  const session = new Map<string, 'allowed' | 'denied'>();
  const asking = new Map<string, Promise<boolean>>();
  /** Jobs this frame reports on, by id: who asked, and the last progress sent (never less). */
  const watched = new Map<
    string,
    { post: Post; requestId: string; progress: number; status: Job['status'] }
  >();

  const channel = openJobChannel((event: JobEvent) => {
    if (event.type === 'job') void follow(event.job);
  });

  async function permit(origin: string): Promise<boolean> {
    const lists = await readOriginLists(settings);
    const stored = decide(lists, origin);
    if (stored === 'denied') return false;
    if (stored === 'allowed' || session.get(origin) === 'allowed') return true;
    if (session.get(origin) === 'denied') return false;
    let pending = asking.get(origin);
    if (!pending) {
      pending = options.ask(origin).then(async (answer) => {
        asking.delete(origin);
        // "Deny" is remembered, so the service worker keeps this origin out of frame-ancestors
        // too; Settings → Embedding takes it off the list again.
        if (answer !== 'once')
          await remember(settings, origin, answer === 'always' ? 'allowed' : 'denied');
        session.set(origin, answer === 'deny' ? 'denied' : 'allowed');
        return answer !== 'deny';
      });
      asking.set(origin, pending);
    }
    return pending;
  }

  async function permission(origin: string) {
    const stored = decide(await readOriginLists(settings), origin);
    if (stored !== 'unknown') return stored === 'allowed' ? 'granted' : 'denied';
    const answered = session.get(origin);
    if (answered) return answered === 'allowed' ? 'granted' : 'denied';
    return 'ask';
  }

  /** Sends progress (only forward), then the one terminal event, for a job this frame created. */
  async function follow(job: Job): Promise<void> {
    const watch = watched.get(job.id);
    if (!watch) return;
    const summary = summarize(job);
    options.onJob?.(summary);
    const { post, requestId } = watch;
    switch (job.status) {
      case 'queued':
      case 'processing':
        if (job.progress > watch.progress || job.status !== watch.status) {
          watch.progress = Math.max(job.progress, watch.progress);
          watch.status = job.status;
          post(
            reply(requestId, { type: 'progress', job: { ...summary, progress: watch.progress } }),
          );
        }
        return;
      case 'completed': {
        watched.delete(job.id);
        const blob = job.output && (await store.getBlob(job.output.key));
        if (!blob) {
          const reason = 'The output is missing from storage';
          post(reply(requestId, { type: 'failed', job: summary, reason }));
          return;
        }
        const output = await blob.arrayBuffer();
        post(reply(requestId, { type: 'completed', job: summary, output }), [output]);
        return;
      }
      case 'failed':
      case 'expired': {
        watched.delete(job.id);
        const reason = job.error ?? `The job ${job.status}`;
        post(reply(requestId, { type: 'failed', job: summary, reason }));
        return;
      }
      case 'canceled':
        watched.delete(job.id);
        post(reply(requestId, { type: 'canceled', job: summary }));
    }
  }

  async function create(
    request: Extract<ValidRequest, { type: 'create' }>,
    origin: string,
    post: Post,
  ): Promise<void> {
    const { input } = request;
    const id = crypto.randomUUID();
    const blob =
      input.kind === 'blob'
        ? input.blob
        : input.kind === 'buffer'
          ? new Blob([input.buffer], { type: input.type })
          : undefined;
    const fallbackName =
      input.kind === 'url'
        ? new URL(input.url).pathname.split('/').pop() || 'image'
        : input.kind === 'blob' && input.blob instanceof File
          ? input.blob.name
          : 'image';
    // A URL input has no Blob yet: the engine host fetches it when it runs, as for the API.
    const job = createJob({
      id,
      dialect: 'app',
      spec: { operations: request.operations, options: { [ORIGIN_OPTION]: origin } },
      now: Date.now(),
      input: {
        key: inputKey(id),
        ...(input.kind === 'url' ? { source: input.url } : {}),
        name: input.name ?? fallbackName,
        type: blob?.type ?? '',
        bytes: blob?.size ?? 0,
      },
    });
    // Watched before it is stored: a fast engine host may finish it before add() returns.
    watched.set(id, { post, requestId: request.id, progress: 0, status: 'queued' });
    await store.add(job, blob);
    const summary = summarize(job);
    options.onJob?.(summary);
    post(reply(request.id, { type: 'accepted', job: summary }));
    channel.post({ type: 'created', id });
  }

  async function handle(request: ValidRequest, origin: string, post: Post): Promise<void> {
    const { id } = request;
    if (request.type === 'hello') {
      const [capabilities, state] = await Promise.all([options.capabilities(), permission(origin)]);
      post(reply(id, { type: 'ready', capabilities, permission: state }));
      return;
    }
    if (!(await permit(origin))) {
      post(
        reply(id, {
          type: 'error',
          code: 'origin_denied',
          message: `${origin} is not allowed to use this Kintsugi: the user refused it (Settings → Embedding lists the sites that may)`,
        }),
      );
      return;
    }
    const notFound = (jobId: string) =>
      reply(id, {
        type: 'error',
        code: 'not_found',
        message: `No job ${jobId} was created by ${origin}`,
      });
    switch (request.type) {
      case 'create':
        await create(request, origin, post);
        return;
      case 'list': {
        const jobs = (await store.list()).filter((job) => ownedBy(job, origin));
        post(reply(id, { type: 'listed', jobs: jobs.slice(0, request.limit).map(summarize) }));
        return;
      }
      case 'cancel': {
        if (!ownedBy(await store.get(request.job_id), origin))
          return post(notFound(request.job_id));
        const job = await store.requestCancel(request.job_id, Date.now());
        channel.post({ type: 'job', job });
        channel.post({ type: 'cancel', id: job.id });
        post(reply(id, { type: 'cancel-requested', job: summarize(job) }));
        void follow(job);
        return;
      }
      case 'delete': {
        if (!ownedBy(await store.get(request.job_id), origin))
          return post(notFound(request.job_id));
        if (!(await store.delete(request.job_id))) {
          post(
            reply(id, {
              type: 'error',
              code: 'not_deletable',
              message: `Job ${request.job_id} is still queued or running; cancel it first`,
            }),
          );
          return;
        }
        channel.post({ type: 'deleted', id: request.job_id });
        post(reply(id, { type: 'deleted', job_id: request.job_id }));
      }
    }
  }

  const onMessage = (event: MessageEvent) => {
    // Only the page that embeds this frame speaks the protocol; a top-level /embed has none.
    if (window.parent === window || event.source !== window.parent) return;
    const source = event.source as WindowProxy;
    const origin = event.origin;
    const post: Post = (message, transfer = []) =>
      source.postMessage(message, { targetOrigin: origin, transfer });
    const parsed = parseRequest(event.data, options.metas);
    if (!parsed.ok) {
      post(
        reply(parsed.error.reply_to, {
          type: 'error',
          code: parsed.error.code,
          message: parsed.error.message,
        }),
      );
      return;
    }
    handle(parsed.request, origin, post).catch((error: unknown) => {
      const message =
        error instanceof JobNotFoundError ? error.message : `Internal error: ${String(error)}`;
      const code = error instanceof JobNotFoundError ? 'not_found' : 'internal';
      post(reply(parsed.request.id, { type: 'error', code, message }));
    });
  };
  window.addEventListener('message', onMessage);
  return () => {
    window.removeEventListener('message', onMessage);
    channel.close();
  };
}
