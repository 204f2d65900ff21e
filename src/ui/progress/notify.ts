import { declaredSizeOf } from '@/media/image-size.ts';
import { type Job, type Operation, isTerminal } from '@/jobs/job.ts';
import { type EstimateBackend, estimateSeconds } from '../panel/estimate.ts';

/** A job expected to take longer than this is worth a notification when it ends. */
export const LONG_JOB_SECONDS = 20;

function available(): boolean {
  return typeof Notification !== 'undefined';
}

/**
 * Asks once for permission to notify, when the first long job starts (never on page load): the
 * photos' estimate is over LONG_JOB_SECONDS. Nothing happens if the browser has no notifications,
 * if the person already answered, or if there is no estimate. Returns whether it asked.
 */
export async function askIfLong(
  files: readonly Blob[],
  operations: readonly Operation[],
  backend: EstimateBackend,
): Promise<boolean> {
  if (!available() || Notification.permission !== 'default') return false;
  let total = 0;
  for (const file of files) {
    const size = await declaredSizeOf(file).catch(() => null);
    const seconds = size && estimateSeconds(operations, size, backend);
    if (seconds === undefined || seconds === null) continue;
    total += seconds;
  }
  if (total <= LONG_JOB_SECONDS) return false;
  await Notification.requestPermission().catch(() => 'denied');
  return true;
}

/** What the notification says about a job that ended. */
export function endedText(job: Pick<Job, 'status' | 'input'>): { title: string; body: string } {
  return job.status === 'completed'
    ? { title: 'Your photo is ready', body: `${job.input.name} is done.` }
    : {
        title: 'A photo could not be finished',
        body: `${job.input.name}: open Kintsugi to see why.`,
      };
}

/**
 * Sends a system notification when a job of the app ends (done or failed) while this tab is
 * hidden and notifications are allowed; a click brings the tab back with that job shown. The
 * job's id is the notification's tag, so two hidden tabs of the app show it once.
 */
export function notifyIfEnded(before: Job | undefined, after: Job, show: () => void): void {
  if (!available() || Notification.permission !== 'granted') return;
  if (document.visibilityState !== 'hidden' || after.dialect !== 'app') return;
  if (!before || isTerminal(before.status)) return;
  if (after.status !== 'completed' && after.status !== 'failed') return;
  const { title, body } = endedText(after);
  try {
    const notification = new Notification(title, { body, tag: after.id, icon: '/icon.svg' });
    notification.onclick = () => {
      window.focus();
      show();
      notification.close();
    };
  } catch {
    // Some browsers (Android Chrome) allow notifications only from a service worker: skip.
  }
}
