import { videoJobSpec } from '@/ops/video-enhance/meta.ts';
import { looksLikeArt } from './art.ts';
import { jobsView } from '../jobs.svelte.ts';

/** A photo waiting for Start: shown in the workspace while the person chooses what to do. */
export interface StagedPhoto {
  id: number;
  file: File;
  url: string;
  /** 0 × 0 until read, and for a file the browser cannot decode (the job then says why). */
  width: number;
  height: number;
  /** Looks like drawn art (anime, manga, comics): the anime model is suggested. */
  art: boolean;
}

/** The size art detection looks at: plenty for flat areas, quick for any photo. */
const LOOK_SIZE = 256;

async function inspect(file: File): Promise<Pick<StagedPhoto, 'width' | 'height' | 'art'>> {
  try {
    const bitmap = await createImageBitmap(file);
    const { width, height } = bitmap;
    const scale = Math.min(1, LOOK_SIZE / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const canvas = new OffscreenCanvas(w, h);
    const context = canvas.getContext('2d');
    if (!context) return { width, height, art: false };
    // No smoothing: a downscale must not blur flat areas into gradients.
    context.imageSmoothingEnabled = false;
    context.drawImage(bitmap, 0, 0, w, h);
    bitmap.close();
    return { width, height, art: looksLikeArt(context.getImageData(0, 0, w, h)) };
  } catch {
    return { width: 0, height: 0, art: false };
  }
}

/**
 * Photos and videos coming in (picked, dropped, pasted or shared). Images are staged: they fill
 * the workspace and wait for Start, so the person sees the photo and chooses what happens before
 * anything runs. Videos go straight to the queue as video jobs (general preset, ×2); the rest
 * are named as skipped.
 */
class Intake {
  skipped = $state<string[]>([]);
  staged = $state.raw<StagedPhoto[]>([]);
  private next = 0;

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
    if (images.length) this.stage(images);
  }

  private stage(files: File[]): void {
    const added = files.map((file) => ({
      id: this.next++,
      file,
      url: URL.createObjectURL(file),
      width: 0,
      height: 0,
      art: false,
    }));
    this.staged = [...this.staged, ...added];
    for (const photo of added) {
      void inspect(photo.file).then((facts) => {
        this.staged = this.staged.map((p) => (p.id === photo.id ? { ...p, ...facts } : p));
      });
    }
  }

  /** Runs the chosen operations on every staged photo. */
  async start(): Promise<void> {
    const files = this.staged.map((p) => p.file);
    this.clear();
    if (files.length) await jobsView.add(files);
  }

  remove(id: number): void {
    const gone = this.staged.find((p) => p.id === id);
    if (gone) URL.revokeObjectURL(gone.url);
    this.staged = this.staged.filter((p) => p.id !== id);
  }

  clear(): void {
    for (const photo of this.staged) URL.revokeObjectURL(photo.url);
    this.staged = [];
  }
}

export const intake = new Intake();
