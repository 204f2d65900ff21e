/**
 * Fixed-shape overlapping tiles for running a super-resolution model over an image.
 *
 * Every tile fed to the model is exactly tileSize × tileSize so a GPU backend compiles and warms up
 * once. Each tile contributes only its core (stride × stride input pixels, fewer at the right and
 * bottom edges); the `context` margin around the core lets the network see its neighbourhood and is
 * cropped from the output, which is what hides the seams. Pixels outside the image come from mirror
 * reflection without repeating the edge pixel (reflect101), like the padding most SR models were
 * trained with.
 *
 * Tiles are grouped in row bands (all tiles sharing a row) so output can be produced top to bottom
 * and streamed into an encoder without holding the whole upscaled image.
 */

import type { RgbaImage } from '@/media/image.ts';

export interface TileGrid {
  width: number;
  height: number;
  tileSize: number;
  context: number;
  stride: number;
  cols: number;
  rows: number;
  count: number;
}

/** A tile's core region, in input pixels. */
export interface Tile {
  index: number;
  col: number;
  row: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

/** The largest tile edge the planner picks: a 320² tile at ×4 is 20 MB of output floats. */
export const TILE_CAP = 320;

/** What one more model run costs beyond its pixels, in pixels (the run's fixed overhead). */
const RUN_COST = 1024;

/**
 * Tile edge for an image, one fixed shape per image: the edge between the model's min and
 * min(max, TILE_CAP), in steps of 8, that makes the least work. Every tile repeats its context
 * and the last column and row overhang the image, so the work is tiles × edge², plus a fixed
 * cost per run. A 256² photo is one 288² tile instead of nine 128² tiles (1.3× its pixels
 * instead of 2.25×); 1024² takes sixteen 288² tiles (1.30×, was 1.56× with 256² tiles).
 */
export function tileSizeFor(
  tile: { context: number; min: number; max: number },
  width: number,
  height: number,
): number {
  const { context, min, max } = tile;
  const cap = Math.max(min, Math.min(max, TILE_CAP));
  let best = min;
  let bestCost = Infinity;
  for (let edge = min; edge <= cap; edge += 8) {
    const stride = edge - 2 * context;
    if (stride < 1) continue;
    const runs = Math.ceil(width / stride) * Math.ceil(height / stride);
    const cost = runs * (edge * edge + RUN_COST);
    if (cost < bestCost) {
      best = edge;
      bestCost = cost;
    }
  }
  return best;
}

/**
 * The colour of a tile whose whole input window (context and mirrored pixels included) is one
 * RGB value, as 0xRRGGBB, or -1. Such a window gives the model the same input every time, so
 * its output can be reused exactly.
 */
export function uniformTileColor(src: RgbaImage, grid: TileGrid, tile: Tile): number {
  assertImageMatchesGrid(src, grid);
  const data = src.data;
  const left = tile.x - grid.context;
  const top = tile.y - grid.context;
  const first = (reflectIndex(top, grid.height) * grid.width + reflectIndex(left, grid.width)) * 4;
  const r = data[first]!;
  const g = data[first + 1]!;
  const b = data[first + 2]!;
  for (let ty = 0; ty < grid.tileSize; ty++) {
    const rowBase = reflectIndex(top + ty, grid.height) * grid.width;
    for (let tx = 0; tx < grid.tileSize; tx++) {
      const p = (rowBase + reflectIndex(left + tx, grid.width)) * 4;
      if (data[p] !== r || data[p + 1] !== g || data[p + 2] !== b) return -1;
    }
  }
  return (r << 16) | (g << 8) | b;
}

export function planTiles(
  width: number,
  height: number,
  tileSize: number,
  context: number,
): TileGrid {
  assertPositiveInteger('width', width);
  assertPositiveInteger('height', height);
  assertPositiveInteger('tileSize', tileSize);
  if (!Number.isInteger(context) || context < 0) {
    throw new RangeError(`context must be a non-negative integer, got ${context}`);
  }
  if (tileSize <= 2 * context) {
    throw new RangeError(`tileSize ${tileSize} leaves no core with context ${context}`);
  }
  const stride = tileSize - 2 * context;
  const cols = Math.ceil(width / stride);
  const rows = Math.ceil(height / stride);
  return { width, height, tileSize, context, stride, cols, rows, count: cols * rows };
}

function assertBandRow(grid: TileGrid, row: number): void {
  if (!Number.isInteger(row) || row < 0 || row >= grid.rows) {
    throw new RangeError(`band row ${row} outside 0..${grid.rows - 1}`);
  }
}

export function bandHeight(grid: TileGrid, row: number): number {
  assertBandRow(grid, row);
  return Math.min(grid.stride, grid.height - row * grid.stride);
}

export function bandTiles(grid: TileGrid, row: number): Tile[] {
  const h = bandHeight(grid, row);
  const y = row * grid.stride;
  const tiles: Tile[] = [];
  for (let col = 0; col < grid.cols; col++) {
    const x = col * grid.stride;
    tiles.push({
      index: row * grid.cols + col,
      col,
      row,
      x,
      y,
      w: Math.min(grid.stride, grid.width - x),
      h,
    });
  }
  return tiles;
}

/**
 * Reflect101 of `i` into 0..size-1 for any integer `i`, folding as many times as needed so a window
 * wider than the image is still filled. A 1-pixel dimension has nothing to mirror and repeats.
 */
export function reflectIndex(i: number, size: number): number {
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  const m = ((i % period) + period) % period; // the second % also turns -0 into 0
  return m < size ? m : period - m;
}

function rangeScale(range: [number, number]): { lo: number; span: number } {
  const [lo, hi] = range;
  if (!(hi !== lo && Number.isFinite(lo) && Number.isFinite(hi))) {
    throw new RangeError(`range [${lo}, ${hi}] must be two distinct finite numbers`);
  }
  return { lo, span: hi - lo };
}

function assertImageMatchesGrid(src: RgbaImage, grid: TileGrid): void {
  if (src.width !== grid.width || src.height !== grid.height) {
    throw new RangeError(
      `image ${src.width}x${src.height} does not match grid ${grid.width}x${grid.height}`,
    );
  }
  if (src.data.length < src.width * src.height * 4) {
    throw new RangeError('image data is shorter than width*height*4');
  }
}

export function readTile(
  src: RgbaImage,
  grid: TileGrid,
  tile: Tile,
  range: [number, number],
  out: Float32Array,
): void {
  assertImageMatchesGrid(src, grid);
  const size = grid.tileSize;
  const plane = size * size;
  if (out.length < 3 * plane) {
    throw new RangeError(`tile buffer holds ${out.length} floats, needs ${3 * plane}`);
  }
  const { lo, span } = rangeScale(range);

  // A byte-to-float table turns the per-sample multiply-add into a lookup.
  const toFloat = new Float32Array(256);
  for (let v = 0; v < 256; v++) toFloat[v] = lo + (v * span) / 255;

  const rowOffset = new Int32Array(size);
  const colOffset = new Int32Array(size);
  const left = tile.x - grid.context;
  const top = tile.y - grid.context;
  for (let t = 0; t < size; t++) {
    rowOffset[t] = reflectIndex(top + t, grid.height) * grid.width * 4;
    colOffset[t] = reflectIndex(left + t, grid.width) * 4;
  }

  const data = src.data;
  let o = 0;
  for (let ty = 0; ty < size; ty++) {
    const rowBase = rowOffset[ty]!;
    for (let tx = 0; tx < size; tx++, o++) {
      const p = rowBase + colOffset[tx]!;
      out[o] = toFloat[data[p]!]!;
      out[o + plane] = toFloat[data[p + 1]!]!;
      out[o + 2 * plane] = toFloat[data[p + 2]!]!;
    }
  }
}

/** Bytes in the RGBA buffer for band `row` of the output upscaled by `scale`. */
export function bandByteLength(grid: TileGrid, scale: number, row: number): number {
  return grid.width * scale * 4 * bandHeight(grid, row) * scale;
}

export function writeTile(
  output: Float32Array,
  scale: number,
  grid: TileGrid,
  tile: Tile,
  range: [number, number],
  band: Uint8Array,
): void {
  assertPositiveInteger('scale', scale);
  const outSize = grid.tileSize * scale;
  const plane = outSize * outSize;
  if (output.length < 3 * plane) {
    throw new RangeError(`model output holds ${output.length} floats, needs ${3 * plane}`);
  }
  if (band.length < bandByteLength(grid, scale, tile.row)) {
    throw new RangeError('band buffer is too small for this band');
  }
  const { lo, span } = rangeScale(range);
  const toByte = 255 / span;

  const margin = grid.context * scale;
  const coreW = tile.w * scale;
  const coreH = tile.h * scale;
  const bandStride = grid.width * scale * 4;
  for (let oy = 0; oy < coreH; oy++) {
    let s = (margin + oy) * outSize + margin;
    let d = oy * bandStride + tile.x * scale * 4;
    for (let ox = 0; ox < coreW; ox++, s++, d += 4) {
      // Clamp in float space, then +0.5 and the Uint8Array store's truncation rounds half up;
      // NaN fails both comparisons and stores as 0.
      let r = (output[s]! - lo) * toByte;
      let g = (output[s + plane]! - lo) * toByte;
      let b = (output[s + 2 * plane]! - lo) * toByte;
      r = r < 0 ? 0 : r > 255 ? 255 : r;
      g = g < 0 ? 0 : g > 255 ? 255 : g;
      b = b < 0 ? 0 : b > 255 ? 255 : b;
      band[d] = r + 0.5;
      band[d + 1] = g + 0.5;
      band[d + 2] = b + 0.5;
      band[d + 3] = 255;
    }
  }
}

/**
 * Bilinear weights from output positions to source positions along one axis, aligned on pixel
 * centres (the convention SR models use), clamped at the image edges.
 */
function bilinearAxis(
  outStart: number,
  outCount: number,
  scale: number,
  srcSize: number,
): { lower: Int32Array; upper: Int32Array; weight: Float32Array } {
  const lower = new Int32Array(outCount);
  const upper = new Int32Array(outCount);
  const weight = new Float32Array(outCount);
  for (let i = 0; i < outCount; i++) {
    let pos = (outStart + i + 0.5) / scale - 0.5;
    if (pos < 0) pos = 0;
    if (pos > srcSize - 1) pos = srcSize - 1;
    const floor = Math.floor(pos);
    lower[i] = floor;
    upper[i] = floor + 1 < srcSize ? floor + 1 : floor;
    weight[i] = pos - floor;
  }
  return { lower, upper, weight };
}

/**
 * Writes the alpha bytes of band `row` by bilinear resampling of the source alpha; RGB bytes are
 * untouched. Call it after writeTile, which sets alpha to 255.
 */
export function upscaleAlphaIntoBand(
  src: RgbaImage,
  scale: number,
  grid: TileGrid,
  row: number,
  band: Uint8Array,
): void {
  assertImageMatchesGrid(src, grid);
  assertPositiveInteger('scale', scale);
  if (band.length < bandByteLength(grid, scale, row)) {
    throw new RangeError('band buffer is too small for this band');
  }
  const outWidth = grid.width * scale;
  const outRows = bandHeight(grid, row) * scale;
  const cols = bilinearAxis(0, outWidth, scale, grid.width);
  const rows = bilinearAxis(row * grid.stride * scale, outRows, scale, grid.height);
  const data = src.data;
  const srcStride = grid.width * 4;

  for (let oy = 0; oy < outRows; oy++) {
    const topBase = rows.lower[oy]! * srcStride + 3;
    const bottomBase = rows.upper[oy]! * srcStride + 3;
    const wy = rows.weight[oy]!;
    let d = oy * outWidth * 4 + 3;
    for (let ox = 0; ox < outWidth; ox++, d += 4) {
      const left = cols.lower[ox]! * 4;
      const right = cols.upper[ox]! * 4;
      const wx = cols.weight[ox]!;
      const top = data[topBase + left]! + (data[topBase + right]! - data[topBase + left]!) * wx;
      const bottom =
        data[bottomBase + left]! + (data[bottomBase + right]! - data[bottomBase + left]!) * wx;
      band[d] = top + (bottom - top) * wy + 0.5;
    }
  }
}
