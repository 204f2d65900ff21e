import { videoJobSpec } from '../engine/video/meta.ts';
import { jobsView } from './jobs.svelte.ts';

/**
 * Photos and videos coming in (picked, dropped or pasted): images go to the queue with the
 * chosen operations, videos as video jobs (general preset, ×2), the rest are named.
 */
class Intake {
  skipped = $state<string[]>([]);

  accept(files: Iterable<File>): void {
    const images: File[] = [];
    const rejected: string[] = [];
    for (const file of files) {
      // An empty type is let through: the decoder gives the real verdict and a clear error.
      if (file.type === '' || file.type.startsWith('image/')) images.push(file);
      else if (file.type.startsWith('video/')) void jobsView.submit(file, videoJobSpec());
      else rejected.push(file.name);
    }
    this.skipped = rejected;
    if (images.length) void jobsView.add(images);
  }
}

export const intake = new Intake();
