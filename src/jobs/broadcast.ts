import type { Job } from './job.ts';

/** Every window, worker and the service worker of the origin hear job changes on this channel. */
export const JOBS_CHANNEL = 'kintsugi-jobs';

export type JobEvent =
  | { type: 'job'; job: Job }
  | { type: 'deleted'; id: string }
  | { type: 'created'; id: string }
  | { type: 'cancel'; id: string }
  | { type: 'webhook'; job_id: string };

export function openJobChannel(onEvent?: (event: JobEvent) => void): {
  post(event: JobEvent): void;
  close(): void;
} {
  const channel = new BroadcastChannel(JOBS_CHANNEL);
  if (onEvent) channel.onmessage = (e: MessageEvent<JobEvent>) => onEvent(e.data);
  return {
    post: (event) => channel.postMessage(event),
    close: () => channel.close(),
  };
}
