import { describe, expect, it } from 'vitest';
import { InvalidTransitionError, canTransition, createJob, transition } from './job.ts';

const base = createJob({
  id: 'j1',
  dialect: 'app',
  spec: { operations: [{ type: 'enhance', params: { scale: 4 } }] },
  input: { key: 'in:j1', name: 'photo.jpg', type: 'image/jpeg', bytes: 10 },
  now: 1000,
});

describe('job state machine', () => {
  it('starts queued with nothing done', () => {
    expect(base.status).toBe('queued');
    expect(base.progress).toBe(0);
    expect(base.completed_at).toBeNull();
  });

  it('runs queued -> processing -> completed and stamps completion', () => {
    const running = transition(
      base,
      'processing',
      { lease_owner: 'h', lease_expires_at: 5000 },
      2000,
    );
    expect(running.lease_owner).toBe('h');
    const done = transition(running, 'completed', {}, 3000);
    expect(done).toMatchObject({
      status: 'completed',
      progress: 1,
      completed_at: 3000,
      eta_seconds: null,
    });
    expect(done.lease_owner).toBeNull();
  });

  it('refuses moves the design does not allow', () => {
    expect(canTransition('completed', 'processing')).toBe(false);
    expect(canTransition('failed', 'queued')).toBe(false);
    expect(canTransition('queued', 'completed')).toBe(false);
    expect(() => transition(base, 'completed', {}, 2000)).toThrow(InvalidTransitionError);
  });

  it('lets an expired lease put a processing job back in the queue', () => {
    const running = transition(
      base,
      'processing',
      { lease_owner: 'h', lease_expires_at: 5000 },
      2000,
    );
    const requeued = transition(running, 'queued', {}, 6000);
    expect(requeued).toMatchObject({ status: 'queued', lease_owner: null, lease_expires_at: null });
  });
});
