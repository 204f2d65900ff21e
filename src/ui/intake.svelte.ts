import { jobsView } from './jobs.svelte.ts';

/** Photos coming in (picked, dropped or pasted): images go to the queue, the rest are named. */
class Intake {
  skipped = $state<string[]>([]);

  accept(files: Iterable<File>): void {
    const images: File[] = [];
    const rejected: string[] = [];
    for (const file of files) {
      // An empty type is let through: the decoder gives the real verdict and a clear error.
      if (file.type === '' || file.type.startsWith('image/')) images.push(file);
      else rejected.push(file.name);
    }
    this.skipped = rejected;
    if (images.length) void jobsView.add(images);
  }
}

export const intake = new Intake();
