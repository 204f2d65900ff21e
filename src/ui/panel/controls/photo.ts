import { intake } from '../../start/intake.svelte.ts';

export interface Photo {
  url: string;
  width: number;
  height: number;
}

/**
 * The photo the settings are for: the first one staged (dropped, not started yet), once its size
 * is read. The crop box is drawn on it, the resize lock keeps its proportions and the time
 * estimates count its pixels. Null while none is staged.
 */
export function stagedPhoto(): Photo | null {
  const first = intake.staged[0];
  if (!first || first.width === 0 || first.height === 0) return null;
  return { url: first.url, width: first.width, height: first.height };
}
