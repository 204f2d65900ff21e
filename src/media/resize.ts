/**
 * High-quality resampling of straight-alpha RGBA: separable Lanczos-3 on premultiplied floats.
 *
 * - Lanczos-3 (a windowed sinc, 3 lobes) is the filter Pillow, libvips and ImageMagick use for
 *   their best resize: sharp, with little aliasing. When shrinking, the kernel is stretched by the
 *   shrink factor so it also low-passes (each output pixel averages its whole footprint, as area
 *   averaging does) instead of skipping source pixels.
 * - Taps that would fall outside the image are dropped and the rest renormalised (Pillow's edge
 *   rule), so edges keep their own colour and a constant image stays constant.
 * - Colour is filtered premultiplied by alpha, so a transparent pixel's (meaningless) colour never
 *   bleeds into its opaque neighbours: edges of cut-outs do not darken or fringe.
 * - Rows stream through: a source row is resampled horizontally as it arrives, a ring of as many
 *   rows as the vertical kernel spans is kept, and output rows leave in bands. Resizing the
 *   output of a tiled model therefore never holds the large image.
 */
import type { RgbaImage } from './image.ts';

const RADIUS = 3;

/** The Lanczos-3 kernel: sinc(x) · sinc(x / 3) on |x| < 3. */
export function lanczos3(x: number): number {
  if (x === 0) return 1;
  if (x <= -RADIUS || x >= RADIUS) return 0;
  const px = Math.PI * x;
  return (RADIUS * Math.sin(px) * Math.sin(px / RADIUS)) / (px * px);
}

/** For each output index along one axis: the first source index, how many taps, their weights. */
export interface AxisTaps {
  start: Int32Array;
  count: Int32Array;
  /** `stride` weights per output index, the first `count` of them used; they sum to 1. */
  weights: Float32Array;
  stride: number;
}

export function axisTaps(srcSize: number, dstSize: number): AxisTaps {
  assertSize('source size', srcSize);
  assertSize('output size', dstSize);
  const scale = srcSize / dstSize;
  const filterScale = Math.max(1, scale);
  const support = RADIUS * filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(dstSize);
  const count = new Int32Array(dstSize);
  const weights = new Float32Array(dstSize * stride);
  const w = new Float64Array(stride);
  for (let d = 0; d < dstSize; d++) {
    // Pixel centres line up: output centre d + 0.5 sits at source position (d + 0.5) · scale.
    const center = (d + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support + 0.5));
    const hi = Math.min(srcSize, Math.floor(center + support + 0.5));
    let sum = 0;
    const n = Math.min(hi - lo, stride);
    for (let k = 0; k < n; k++) {
      w[k] = lanczos3((lo + k + 0.5 - center) / filterScale);
      sum += w[k]!;
    }
    start[d] = lo;
    count[d] = n;
    for (let k = 0; k < n; k++) weights[d * stride + k] = w[k]! / sum;
  }
  return { start, count, weights, stride };
}

function assertSize(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

/** Receives finished output rows (RGBA, straight alpha), `rows` of them, top to bottom. */
export type RowSink = (rgba: Uint8Array, rows: number) => void;

/**
 * Resizes an image that arrives as rows, top to bottom, emitting output rows as soon as the
 * source rows under their kernel have arrived. Memory: a ring of source rows (already resized
 * horizontally) as tall as the vertical kernel, and one band of output rows.
 */
export class StreamingResizer {
  private readonly xTaps: AxisTaps;
  private readonly yTaps: AxisTaps;
  private readonly ring: Float32Array[];
  private readonly premultiplied: Float32Array;
  private readonly accumulator: Float32Array;
  private readonly band: Uint8Array;
  private readonly bandRows: number;
  private rowsIn = 0;
  private rowsOut = 0;
  private rowsInBand = 0;

  constructor(
    readonly srcWidth: number,
    readonly srcHeight: number,
    readonly width: number,
    readonly height: number,
    private readonly sink: RowSink,
    bandRows = 16,
  ) {
    this.xTaps = axisTaps(srcWidth, width);
    this.yTaps = axisTaps(srcHeight, height);
    let span = 1;
    for (let d = 0; d < height; d++) span = Math.max(span, this.yTaps.count[d]!);
    this.ring = Array.from({ length: span }, () => new Float32Array(width * 4));
    this.premultiplied = new Float32Array(srcWidth * 4);
    this.accumulator = new Float32Array(width * 4);
    this.bandRows = Math.max(1, Math.min(bandRows, height));
    this.band = new Uint8Array(width * 4 * this.bandRows);
  }

  /** Takes `rows` source rows of straight RGBA (srcWidth · 4 bytes each) from `rgba`. */
  push(rgba: Uint8Array | Uint8ClampedArray, rows: number): void {
    const rowBytes = this.srcWidth * 4;
    if (rgba.length < rows * rowBytes) {
      throw new RangeError(`${rows} rows of ${this.srcWidth} pixels need ${rows * rowBytes} bytes`);
    }
    if (this.rowsIn + rows > this.srcHeight) {
      throw new RangeError(`more than the ${this.srcHeight} source rows were pushed`);
    }
    for (let r = 0; r < rows; r++) {
      this.resampleRow(rgba.subarray(r * rowBytes, (r + 1) * rowBytes), this.rowsIn);
      this.rowsIn++;
      this.emitReadyRows();
    }
  }

  /** Flushes the last band; every source row must have been pushed. */
  finish(): void {
    if (this.rowsIn !== this.srcHeight || this.rowsOut !== this.height) {
      throw new Error(
        `resize ended after ${this.rowsIn} of ${this.srcHeight} source rows (${this.rowsOut} of ${this.height} out)`,
      );
    }
    this.flush();
  }

  private resampleRow(row: Uint8Array | Uint8ClampedArray, y: number): void {
    const p = this.premultiplied;
    for (let i = 0; i < row.length; i += 4) {
      const a = row[i + 3]!;
      const f = a / 255;
      p[i] = row[i]! * f;
      p[i + 1] = row[i + 1]! * f;
      p[i + 2] = row[i + 2]! * f;
      p[i + 3] = a;
    }
    const out = this.ring[y % this.ring.length]!;
    const { start, count, weights, stride } = this.xTaps;
    for (let d = 0; d < this.width; d++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      let s = start[d]! * 4;
      let w = d * stride;
      const end = w + count[d]!;
      for (; w < end; w++, s += 4) {
        const k = weights[w]!;
        r += k * p[s]!;
        g += k * p[s + 1]!;
        b += k * p[s + 2]!;
        a += k * p[s + 3]!;
      }
      const o = d * 4;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      out[o + 3] = a;
    }
  }

  private emitReadyRows(): void {
    const { start, count, weights, stride } = this.yTaps;
    while (this.rowsOut < this.height) {
      const d = this.rowsOut;
      const first = start[d]!;
      const n = count[d]!;
      if (first + n > this.rowsIn) return; // its last source row has not arrived
      const acc = this.accumulator;
      acc.fill(0);
      for (let k = 0; k < n; k++) {
        const weight = weights[d * stride + k]!;
        const src = this.ring[(first + k) % this.ring.length]!;
        for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + weight * src[i]!;
      }
      this.writeOutputRow(acc);
      this.rowsOut++;
    }
  }

  private writeOutputRow(acc: Float32Array): void {
    const band = this.band;
    let o = this.rowsInBand * this.width * 4;
    for (let i = 0; i < acc.length; i += 4, o += 4) {
      const a = acc[i + 3]!;
      if (a < 0.5) {
        // Fully transparent after rounding: its colour means nothing.
        band[o] = band[o + 1] = band[o + 2] = band[o + 3] = 0;
        continue;
      }
      const unpremultiply = 255 / a;
      band[o] = clampByte(acc[i]! * unpremultiply);
      band[o + 1] = clampByte(acc[i + 1]! * unpremultiply);
      band[o + 2] = clampByte(acc[i + 2]! * unpremultiply);
      band[o + 3] = clampByte(a);
    }
    this.rowsInBand++;
    if (this.rowsInBand === this.bandRows) this.flush();
  }

  private flush(): void {
    if (this.rowsInBand === 0) return;
    this.sink(this.band, this.rowsInBand);
    this.rowsInBand = 0;
  }
}

function clampByte(v: number): number {
  // Lanczos overshoots at sharp edges; clamp, then round half up.
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5);
}

/** The image resampled to exactly width × height (a copy, even at the same size). */
export function resizeImage(src: RgbaImage, width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  if (width === src.width && height === src.height) {
    data.set(src.data.subarray(0, data.length));
    return { data, width, height };
  }
  let offset = 0;
  const resizer = new StreamingResizer(src.width, src.height, width, height, (rgba, rows) => {
    const bytes = rows * width * 4;
    data.set(rgba.subarray(0, bytes), offset);
    offset += bytes;
  });
  resizer.push(src.data, src.height);
  resizer.finish();
  return { data, width, height };
}

/**
 * The largest size with the image's aspect ratio that fits inside maxWidth × maxHeight (larger
 * or smaller than the image), each side rounded and at least 1.
 */
export function fitInside(
  width: number,
  height: number,
  maxWidth: number,
  maxHeight: number,
): { width: number; height: number } {
  const scale = Math.min(maxWidth / width, maxHeight / height);
  return {
    width: Math.min(maxWidth, Math.max(1, Math.round(width * scale))),
    height: Math.min(maxHeight, Math.max(1, Math.round(height * scale))),
  };
}

/**
 * Resizes to fit inside maxWidth × maxHeight, aspect kept. With `enlarge: false` an image that
 * already fits is returned as it is (what analysis models that take "at most N pixels" want).
 */
export function resizeToFit(
  src: RgbaImage,
  maxWidth: number,
  maxHeight: number,
  { enlarge = true }: { enlarge?: boolean } = {},
): RgbaImage {
  if (!enlarge && src.width <= maxWidth && src.height <= maxHeight) return src;
  const size = fitInside(src.width, src.height, maxWidth, maxHeight);
  return resizeImage(src, size.width, size.height);
}
