import { PngStreamWriter } from '@/media/png-stream.ts';
import { StreamingResizer } from '@/media/resize.ts';
import type { RgbaImage } from '@/media/image.ts';
import type { RunContext } from '../operation.ts';
import type { Rect } from './geometry.ts';

/** Rows per progress report and cancel check. */
const ROWS_PER_STEP = 64;

function regionHasTransparency(image: RgbaImage, rect: Rect): boolean {
  const { data, width } = image;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    const end = ((y * width + rect.x + rect.width) * 4) | 0;
    for (let i = (y * width + rect.x) * 4 + 3; i < end; i += 4) if (data[i]! !== 255) return true;
  }
  return false;
}

/**
 * Writes the `rect` of `image`, resampled to `size` (Lanczos-3) when that differs, as a PNG:
 * rows stream from the image through the resizer into the PNG writer, so the only full-size
 * buffer is the decoded input. RGBA when the region has any transparency, else RGB.
 */
export function encodeRegionPng(
  image: RgbaImage,
  rect: Rect,
  size: { width: number; height: number },
  ctx: Pick<RunContext, 'progress' | 'throwIfCanceled'>,
): Blob {
  const parts: Uint8Array[] = [];
  const channels = regionHasTransparency(image, rect) ? 4 : 3;
  const png = new PngStreamWriter(size.width, size.height, channels, (b) => parts.push(b));
  const data = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length);
  const same = size.width === rect.width && size.height === rect.height;
  const resizer = same
    ? null
    : new StreamingResizer(rect.width, rect.height, size.width, size.height, (rgba, rows) =>
        png.writeRows(rgba, rows),
      );
  const rowBytes = rect.width * 4;
  for (let y = 0; y < rect.height; y++) {
    const start = ((rect.y + y) * image.width + rect.x) * 4;
    const row = data.subarray(start, start + rowBytes);
    if (resizer) resizer.push(row, 1);
    else png.writeRows(row, 1);
    if (y % ROWS_PER_STEP === ROWS_PER_STEP - 1) {
      ctx.throwIfCanceled();
      ctx.progress((y + 1) / rect.height, null);
    }
  }
  resizer?.finish();
  png.finish();
  return new Blob(parts as BlobPart[], { type: 'image/png' });
}
