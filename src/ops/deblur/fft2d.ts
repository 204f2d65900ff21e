import FFT from 'fft.js';

/**
 * Two-dimensional FFT of square real planes (side a power of two), built from fft.js's 1D
 * radix-4 transforms: rows, then columns. Spectra are interleaved [re, im] in Float64Arrays.
 * Buffers are allocated once per size and reused, so a tile loop allocates nothing.
 */
export class Fft2d {
  readonly size: number;
  private readonly fft: FFT;
  private readonly lineIn: Float64Array;
  private readonly lineOut: Float64Array;
  private readonly realLine: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || (size & (size - 1)) !== 0) {
      throw new RangeError(`FFT size must be a power of two ≥ 2, got ${size}`);
    }
    this.size = size;
    this.fft = new FFT(size);
    this.lineIn = new Float64Array(2 * size);
    this.lineOut = new Float64Array(2 * size);
    this.realLine = new Float64Array(size);
  }

  /** A spectrum buffer of the right length. */
  createSpectrum(): Float64Array {
    return new Float64Array(2 * this.size * this.size);
  }

  /** spectrum = DFT(plane), plane row-major size × size. */
  forward(plane: Float32Array, spectrum: Float64Array): void {
    const n = this.size;
    const real = this.realLine;
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) real[x] = plane[y * n + x]!;
      this.fft.realTransform(this.lineOut, real);
      this.fft.completeSpectrum(this.lineOut);
      spectrum.set(this.lineOut, 2 * y * n);
    }
    this.columns(spectrum, false);
  }

  /** plane = real part of the inverse DFT of spectrum (spectrum is overwritten). */
  inverse(spectrum: Float64Array, plane: Float32Array): void {
    const n = this.size;
    this.columns(spectrum, true);
    for (let y = 0; y < n; y++) {
      this.lineIn.set(spectrum.subarray(2 * y * n, 2 * (y + 1) * n));
      this.fft.inverseTransform(this.lineOut, this.lineIn);
      for (let x = 0; x < n; x++) plane[y * n + x] = this.lineOut[2 * x]!;
    }
  }

  private columns(spectrum: Float64Array, inverse: boolean): void {
    const n = this.size;
    for (let x = 0; x < n; x++) {
      for (let y = 0; y < n; y++) {
        this.lineIn[2 * y] = spectrum[2 * (y * n + x)]!;
        this.lineIn[2 * y + 1] = spectrum[2 * (y * n + x) + 1]!;
      }
      if (inverse) this.fft.inverseTransform(this.lineOut, this.lineIn);
      else this.fft.transform(this.lineOut, this.lineIn);
      for (let y = 0; y < n; y++) {
        spectrum[2 * (y * n + x)] = this.lineOut[2 * y]!;
        spectrum[2 * (y * n + x) + 1] = this.lineOut[2 * y + 1]!;
      }
    }
  }
}
