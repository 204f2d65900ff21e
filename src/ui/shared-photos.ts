import { SHARE_PARAM, takeShared } from '../jobs/share-inbox.ts';
import { intake } from './intake.svelte.ts';

/**
 * Opened by a share to the installed app (`/?share=<batch>`): takes the photos the service
 * worker kept and queues them as a batch, then drops the parameter so a reload does not repeat it.
 */
export async function openSharedPhotos(): Promise<void> {
  const url = new URL(location.href);
  const batch = url.searchParams.get(SHARE_PARAM);
  if (batch === null) return;
  url.searchParams.delete(SHARE_PARAM);
  history.replaceState(history.state, '', url);
  const files = await takeShared(batch);
  if (files.length > 0) intake.accept(files);
}
