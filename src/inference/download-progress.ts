import type { ModelVariant } from '@models/manifest.ts';
import type { DownloadProgress } from './model-store.ts';

/**
 * A job's model download, as it goes: the inference worker posts here, the pages show it as a
 * step of the running job ("Downloading the photo model · 12 of 33 MB"). Only one job runs at a
 * time per origin (one engine host), so a download belongs to the job that is processing.
 */
export const DOWNLOAD_CHANNEL = 'kintsugi-model-download';

export interface DownloadMessage {
  /** The model file (manifest variant file) being fetched. */
  file: string;
  loaded: number;
  total: number;
}

const EVERY_MS = 200;

/** A progress callback for `download` that posts at most every 200 ms, and always the last. */
export function postDownloads(variant: ModelVariant): (p: DownloadProgress) => void {
  // Opened on the first report: a model already kept never downloads, so never posts.
  let channel: BroadcastChannel | null = null;
  let last = 0;
  return ({ loaded, total }) => {
    const now = Date.now();
    if (loaded < total && now - last < EVERY_MS) return;
    last = now;
    channel ??= new BroadcastChannel(DOWNLOAD_CHANNEL);
    channel.postMessage({ file: variant.file, loaded, total } satisfies DownloadMessage);
    if (loaded >= total) {
      channel.close();
      channel = null;
    }
  };
}
