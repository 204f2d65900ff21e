import type { RgbaImage } from '@/media/image.ts';
import { bandHeight, bandTiles, planTiles, reflectIndex } from '@/inference/tiler.ts';

/**
 * Runs a classical per-pixel filter (CBM3D, deconvolution) over an image in fixed
 * square tiles with mirrored context, like the model tiler does for networks: each tile is
 * filtered whole and only its core is kept, so a filter whose reach is within `context` pixels
 * gives the same result as on the whole image, while memory holds a band of tiles. Finished
 * rows go to `sink` top to bottom (a PNG stream), with the input's alpha kept as it was.
 */

/**
 * RGB floats of one tile, interleaved, width × height, in levels (0..255); `left` and `top` are
 * where the tile's first pixel lies in the image (negative in mirrored context), for a filter
 * that works on a grid fixed to the image (CBM3D's reference blocks).
 */
export type TileFilter = (
  rgb: Float32Array,
  width: number,
  height: number,
  left: number,
  top: number,
) => Float32Array;

export interface ClassicalTiledRun {
  image: RgbaImage;
  /** Edge of the square tiles handed to `filter`. */
  tileSize: number;
  /**
   * Every tile exactly tileSize square (an FFT needs it), or, when false, the tiles at the right
   * and bottom edges only as big as their core and context (less work for a filter of any size).
   */
  square: boolean;
  /** Pixels of context on each side of a tile's core; at least the filter's reach. */
  context: number;
  filter: TileFilter;
  sink(band: Uint8Array, rows: number): void;
  onProgress(done: number, total: number, etaSeconds: number | null): void;
  /** Throws to stop between tiles (a canceled job). */
  throwIfCanceled(): void;
}

/** Lets queued messages (a cancel) in between tiles. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The tile edge for an image: `preferred`, or less when the whole image fits in one tile. */
export function fittedTileSize(
  width: number,
  height: number,
  preferred: number,
  context: number,
  powerOfTwo = false,
): number {
  const needed = Math.max(width, height) + 2 * context;
  if (needed >= preferred) return preferred;
  if (!powerOfTwo) return Math.max(2 * context + 8, Math.ceil(needed / 8) * 8);
  let size = 2;
  while (size < needed) size *= 2;
  return size;
}

export async function runClassicalTiled(run: ClassicalTiledRun): Promise<{ tiles: number }> {
  const { image, tileSize, context } = run;
  const grid = planTiles(image.width, image.height, tileSize, context);
  const tileRgb = new Float32Array(tileSize * tileSize * 3);
  const band = new Uint8Array(image.width * grid.stride * 4);
  const columns = new Int32Array(tileSize);
  const started = performance.now();
  let done = 0;
  for (let row = 0; row < grid.rows; row++) {
    const rows = bandHeight(grid, row);
    for (const tile of bandTiles(grid, row)) {
      run.throwIfCanceled();
      const width = run.square ? tileSize : tile.w + 2 * context;
      const height = run.square ? tileSize : tile.h + 2 * context;
      const left = tile.x - context;
      const top = tile.y - context;
      for (let t = 0; t < width; t++) columns[t] = reflectIndex(left + t, image.width) * 4;
      for (let ty = 0; ty < height; ty++) {
        const rowBase = reflectIndex(top + ty, image.height) * image.width * 4;
        for (let tx = 0; tx < width; tx++) {
          const p = rowBase + columns[tx]!;
          const o = (ty * width + tx) * 3;
          tileRgb[o] = image.data[p]!;
          tileRgb[o + 1] = image.data[p + 1]!;
          tileRgb[o + 2] = image.data[p + 2]!;
        }
      }
      const rgb =
        width * height === tileRgb.length / 3 ? tileRgb : tileRgb.subarray(0, width * height * 3);
      const filtered = run.filter(rgb, width, height, left, top);
      for (let y = 0; y < tile.h; y++) {
        const source = image.width * (tile.y + y) * 4;
        for (let x = 0; x < tile.w; x++) {
          const o = ((context + y) * width + context + x) * 3;
          const d = (y * image.width + tile.x + x) * 4;
          // Clamp, then +0.5 and the Uint8Array store's truncation round half up.
          for (let c = 0; c < 3; c++) {
            const v = filtered[o + c]!;
            band[d + c] = (v < 0 ? 0 : v > 255 ? 255 : v) + 0.5;
          }
          band[d + 3] = image.data[source + (tile.x + x) * 4 + 3]!;
        }
      }
      done++;
      const elapsed = (performance.now() - started) / 1000;
      run.onProgress(done, grid.count, (elapsed / done) * (grid.count - done));
      await yieldToMessages();
    }
    run.sink(band, rows);
  }
  return { tiles: grid.count };
}
