import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createJob, type Job, type JobStatus } from '@/jobs/job.ts';
import { askIfLong, notifyIfEnded } from './notify.ts';

const shown: { title: string; body?: string; tag?: string }[] = [];
let asked = 0;
let permission: NotificationPermission = 'granted';
let visibility: DocumentVisibilityState = 'hidden';

class FakeNotification {
  static get permission() {
    return permission;
  }
  static requestPermission() {
    asked++;
    return Promise.resolve(permission);
  }
  onclick: (() => void) | null = null;
  constructor(title: string, options?: NotificationOptions) {
    shown.push({ title, body: options?.body, tag: options?.tag });
  }
  close() {}
}

function job(status: JobStatus, dialect: Job['dialect'] = 'app'): Job {
  const base = createJob({
    id: 'j1',
    dialect,
    spec: { operations: [{ type: 'enhance', params: { scale: 4 } }] },
    input: { key: 'in', name: 'cat.png', type: 'image/png', bytes: 1 },
    now: 0,
  });
  return { ...base, status };
}

/** A PNG header of the given size: enough for the estimate. */
function png(width: number, height: number): Blob {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return new Blob([bytes]);
}

beforeEach(() => {
  shown.length = 0;
  asked = 0;
  permission = 'granted';
  visibility = 'hidden';
  vi.stubGlobal('Notification', FakeNotification);
  vi.stubGlobal('document', {
    get visibilityState() {
      return visibility;
    },
  });
  vi.stubGlobal('localStorage', undefined);
});
afterEach(() => vi.unstubAllGlobals());

describe('notifyIfEnded', () => {
  it('notifies once a job of the app ends while the tab is hidden', () => {
    notifyIfEnded(job('processing'), job('completed'), () => {});
    expect(shown).toEqual([{ title: 'Your photo is ready', body: 'cat.png is done.', tag: 'j1' }]);
    notifyIfEnded(job('processing'), job('failed'), () => {});
    expect(shown[1]?.title).toBe('A photo could not be finished');
  });

  it('stays quiet in view, without permission, for API jobs, and for news of an old ending', () => {
    visibility = 'visible';
    notifyIfEnded(job('processing'), job('completed'), () => {});
    visibility = 'hidden';
    notifyIfEnded(job('processing'), job('completed', 'operations'), () => {});
    notifyIfEnded(job('completed'), job('completed'), () => {});
    notifyIfEnded(undefined, job('completed'), () => {});
    notifyIfEnded(job('processing'), job('canceled'), () => {});
    permission = 'denied';
    notifyIfEnded(job('processing'), job('completed'), () => {});
    expect(shown).toEqual([]);
  });
});

describe('askIfLong', () => {
  const upscale = [{ type: 'enhance', params: { scale: 4, model: 'real-esrgan' } }];

  it('asks only when the person has not answered and the work is estimated over 20 s', async () => {
    permission = 'default';
    expect(await askIfLong([png(64, 64)], upscale, 'wasm')).toBe(false);
    expect(await askIfLong([png(1000, 1000)], upscale, 'wasm')).toBe(true);
    expect(asked).toBe(1);
    // No basis for an estimate: no ask.
    expect(await askIfLong([png(1000, 1000)], upscale, 'webgpu')).toBe(false);
    permission = 'denied';
    expect(await askIfLong([png(1000, 1000)], upscale, 'wasm')).toBe(false);
    expect(asked).toBe(1);
  });
});
