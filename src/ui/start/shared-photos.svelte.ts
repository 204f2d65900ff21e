import { SHARE_PARAM, countShared, discardShared, takeAllShared } from '@/jobs/share-inbox.ts';
import { intake } from './intake.svelte.ts';

/**
 * Photos shared to the installed app wait in the share inbox until the person answers the
 * banner ("3 photos shared: Add / Discard"). A share is a form POST any site can send, so the
 * photos are never queued on arrival: only the person's Add does that.
 */
class SharedPhotos {
  waiting = $state(0);

  /** Reads the inbox; drops the `?share=` a share opened the app with, so a reload is clean. */
  async open(): Promise<void> {
    const url = new URL(location.href);
    if (url.searchParams.has(SHARE_PARAM)) {
      url.searchParams.delete(SHARE_PARAM);
      history.replaceState(history.state, '', url);
    }
    this.waiting = await countShared();
  }

  async add(): Promise<void> {
    this.waiting = 0;
    const files = await takeAllShared();
    if (files.length > 0) intake.accept(files);
  }

  async discard(): Promise<void> {
    this.waiting = 0;
    await discardShared();
  }
}

export const sharedPhotos = new SharedPhotos();
