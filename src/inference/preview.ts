/**
 * Live preview of a running job: each finished band of output rows, shrunk to display size in
 * the worker, goes to the page over this channel, so the picture fills in as tiles finish.
 * Shrinking first keeps the messages and the page's canvas small however large the output is.
 */
export const PREVIEW_CHANNEL = 'kintsugi-preview';
/** The widest preview sent: a screen's width of a result pane, not the output's. */
export const PREVIEW_MAX_WIDTH = 480;

/** One band of the preview: `rows` rows of `width` RGBA pixels starting at row `top`. */
export interface PreviewBand {
  /** Preview size of the whole output of the step that made this band. */
  width: number;
  height: number;
  top: number;
  rows: number;
  pixels: Uint8ClampedArray<ArrayBuffer>;
}

export interface PreviewMessage extends PreviewBand {
  job_id: string;
  /** Which step of a chain; a later step starts a new picture. */
  step: number;
}

/**
 * Shrinks a band of full-size output rows (`outTop` is its first row in the output) to the
 * preview's scale by point sampling: every preview row whose centre falls in the band.
 */
export function shrinkBand(
  band: Uint8Array,
  bandRows: number,
  outTop: number,
  outWidth: number,
  outHeight: number,
  maxWidth = PREVIEW_MAX_WIDTH,
): PreviewBand {
  const factor = Math.max(1, outWidth / maxWidth);
  const width = Math.max(1, Math.round(outWidth / factor));
  const height = Math.max(1, Math.round(outHeight / factor));
  const first = Math.ceil(outTop / factor - 0.5);
  const end = Math.ceil((outTop + bandRows) / factor - 0.5);
  const top = Math.max(0, first);
  const rows = Math.max(0, Math.min(height, end) - top);
  const pixels = new Uint8ClampedArray(width * rows * 4);
  for (let y = 0; y < rows; y++) {
    const source = Math.min(bandRows - 1, Math.floor((top + y + 0.5) * factor) - outTop);
    for (let x = 0; x < width; x++) {
      const from = (source * outWidth + Math.min(outWidth - 1, Math.floor((x + 0.5) * factor))) * 4;
      pixels.set(band.subarray(from, from + 4), (y * width + x) * 4);
    }
  }
  return { width, height, top, rows, pixels };
}
