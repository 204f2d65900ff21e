import type { RowSink } from '../resize.ts';
import type { RgbaImage } from '../image.ts';

/**
 * Keeps an upscaler's colour where the input had it ("colour stability"): the anime networks
 * drift flat greys and tints by a few levels. For every input pixel, the difference between it
 * and the mean of the s×s output block it became is smoothed (Gaussian, `sigma` input pixels)
 * and added back to the output, bilinearly between block centres. A faithful upscale already
 * has block means equal to its input, so only the drift moves; edges and detail stay the
 * network's, because the correction is smooth.
 *
 * It streams like the tiler: output rows arrive top to bottom and leave as soon as the
 * correction under them is known, a few input rows later. Memory: those rows and a window of
 * correction rows, never the whole output.
 */
export class ColourKeeper {
  private readonly outWidth: number;
  private readonly outHeight: number;
  private readonly radius: number;
  private readonly weights: Float32Array;
  /** Per input row, when known: (input − block mean), smoothed along the row. RGB floats. */
  private readonly rowDiffs = new Map<number, Float32Array>();
  /** Per input row, when known: the correction, smoothed both ways. */
  private readonly corrections = new Map<number, Float32Array>();
  private readonly blockSums: Float64Array;
  private readonly pending: Uint8Array[] = [];
  private rowsIn = 0;
  private rowsOut = 0;
  /** The largest change made to any channel of any pixel, in levels. */
  largestShift = 0;

  constructor(
    private readonly input: RgbaImage,
    private readonly scale: number,
    sigma: number,
    private readonly sink: RowSink,
  ) {
    this.outWidth = input.width * scale;
    this.outHeight = input.height * scale;
    this.radius = Math.max(1, Math.ceil(3 * sigma));
    this.weights = new Float32Array(2 * this.radius + 1);
    let sum = 0;
    for (let k = -this.radius; k <= this.radius; k++) {
      const w = Math.exp(-(k * k) / (2 * sigma * sigma));
      this.weights[k + this.radius] = w;
      sum += w;
    }
    for (let k = 0; k < this.weights.length; k++) this.weights[k]! /= sum;
    this.blockSums = new Float64Array(input.width * 3);
  }

  /** Output rows, `rows` of them at the start of `band`, top to bottom. */
  push(band: Uint8Array, rows: number): void {
    const rowBytes = this.outWidth * 4;
    for (let r = 0; r < rows; r++) {
      const row = band.slice(r * rowBytes, (r + 1) * rowBytes);
      this.pending.push(row);
      this.addToBlock(row);
      this.rowsIn++;
      if (this.rowsIn % this.scale === 0) this.finishBlockRow(this.rowsIn / this.scale - 1);
    }
    this.emitReady(false);
  }

  /** Call once every output row was pushed. */
  finish(): void {
    if (this.rowsIn !== this.outHeight) {
      throw new Error(`ColourKeeper got ${this.rowsIn} of ${this.outHeight} rows`);
    }
    this.emitReady(true);
  }

  private addToBlock(row: Uint8Array): void {
    const s = this.scale;
    for (let x = 0; x < this.outWidth; x++) {
      const block = Math.floor(x / s) * 3;
      this.blockSums[block]! += row[x * 4]!;
      this.blockSums[block + 1]! += row[x * 4 + 1]!;
      this.blockSums[block + 2]! += row[x * 4 + 2]!;
    }
  }

  /** Input row `y`'s difference from its output blocks, smoothed along the row. */
  private finishBlockRow(y: number): void {
    const { width, data } = this.input;
    const area = this.scale * this.scale;
    const diff = new Float32Array(width * 3);
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      // Transparent pixels have no colour to keep.
      if (data[i + 3] === 0) continue;
      for (let c = 0; c < 3; c++)
        diff[x * 3 + c] = data[i + c]! - this.blockSums[x * 3 + c]! / area;
    }
    this.blockSums.fill(0);
    this.rowDiffs.set(y, this.smoothRow(diff, width));
  }

  private smoothRow(diff: Float32Array, width: number): Float32Array {
    const out = new Float32Array(diff.length);
    const r = this.radius;
    for (let x = 0; x < width; x++) {
      let a = 0;
      let b = 0;
      let c = 0;
      for (let k = -r; k <= r; k++) {
        const xx = Math.min(width - 1, Math.max(0, x + k));
        const w = this.weights[k + r]!;
        a += w * diff[xx * 3]!;
        b += w * diff[xx * 3 + 1]!;
        c += w * diff[xx * 3 + 2]!;
      }
      out[x * 3] = a;
      out[x * 3 + 1] = b;
      out[x * 3 + 2] = c;
    }
    return out;
  }

  /** The correction of input row `y`, once the rows it reaches are known (or the image ended). */
  private correction(y: number, ended: boolean): Float32Array | undefined {
    const known = this.corrections.get(y);
    if (known) return known;
    const height = this.input.height;
    const last = Math.min(height - 1, y + this.radius);
    if (!ended && !this.rowDiffs.has(last)) return undefined;
    const out = new Float32Array(this.input.width * 3);
    for (let k = -this.radius; k <= this.radius; k++) {
      const row = this.rowDiffs.get(Math.min(height - 1, Math.max(0, y + k)))!;
      const w = this.weights[k + this.radius]!;
      for (let i = 0; i < out.length; i++) out[i]! += w * row[i]!;
    }
    this.corrections.set(y, out);
    return out;
  }

  private emitReady(ended: boolean): void {
    const s = this.scale;
    const { width, height } = this.input;
    while (this.pending.length > 0) {
      const oy = this.rowsOut;
      const fy = Math.min(height - 1, Math.max(0, (oy + 0.5) / s - 0.5));
      const y0 = Math.floor(fy);
      const y1 = Math.min(height - 1, y0 + 1);
      const top = this.correction(y0, ended);
      const bottom = top && this.correction(y1, ended);
      if (!top || !bottom) return;
      const ty = fy - y0;
      const row = this.pending.shift()!;
      for (let ox = 0; ox < this.outWidth; ox++) {
        const fx = Math.min(width - 1, Math.max(0, (ox + 0.5) / s - 0.5));
        const x0 = Math.floor(fx);
        const x1 = Math.min(width - 1, x0 + 1);
        const tx = fx - x0;
        for (let c = 0; c < 3; c++) {
          const shift =
            (1 - ty) * ((1 - tx) * top[x0 * 3 + c]! + tx * top[x1 * 3 + c]!) +
            ty * ((1 - tx) * bottom[x0 * 3 + c]! + tx * bottom[x1 * 3 + c]!);
          const i = ox * 4 + c;
          const value = Math.min(255, Math.max(0, Math.round(row[i]! + shift)));
          this.largestShift = Math.max(this.largestShift, Math.abs(value - row[i]!));
          row[i] = value;
        }
      }
      this.sink(row, 1);
      this.rowsOut++;
      // Rows no later output row can reach any more.
      const done = Math.floor(Math.max(0, (this.rowsOut + 0.5) / s - 0.5)) - 1;
      this.corrections.delete(done);
      this.rowDiffs.delete(done - this.radius);
    }
  }
}
