import { intake } from '../intake.svelte.ts';

export interface Photo {
  url: string;
  width: number;
  height: number;
}

/**
 * The photo the settings are for, as the staging area holds it (dropped, not started yet), read
 * once into an object URL and its size: the crop box is drawn on it, the resize lock keeps its
 * proportions and the time estimates count its pixels. Null while there is none.
 */
class CurrentPhoto {
  photo = $state.raw<Photo | null>(null);
  private file: Blob | null = null;

  /** Called from an $effect with the staged file (or null); loads it when it changed. */
  follow(file: Blob | null): void {
    if (file === this.file) return;
    this.file = file;
    if (this.photo) URL.revokeObjectURL(this.photo.url);
    this.photo = null;
    if (!file) return;
    void createImageBitmap(file).then(
      (bitmap) => {
        if (this.file === file) {
          this.photo = {
            url: URL.createObjectURL(file),
            width: bitmap.width,
            height: bitmap.height,
          };
        }
        bitmap.close();
      },
      () => undefined,
    );
  }
}

export const currentPhoto = new CurrentPhoto();

/** The staged photo, where the intake keeps one (it stages dropped photos before they start). */
export function stagedFile(): Blob | null {
  const staged = (intake as unknown as { staged?: unknown }).staged;
  const first: unknown = Array.isArray(staged) ? staged[0] : staged;
  if (first instanceof Blob) return first;
  const file = (first as { file?: unknown } | null | undefined)?.file;
  return file instanceof Blob ? file : null;
}
