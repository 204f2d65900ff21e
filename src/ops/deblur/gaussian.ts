/**
 * The Gaussian point-spread function deblur inverts: its sampled kernel, the plane blur it
 * causes (for Richardson–Lucy and the blur estimator), and its transfer function (for Wiener).
 */

/** Normalised samples of a Gaussian of standard deviation sigma, cut at 4σ (at least ±1). */
export function gaussianKernel(sigma: number): Float32Array {
  if (!(sigma > 0)) return Float32Array.of(1);
  const radius = Math.max(1, Math.ceil(4 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const w = Math.exp((-k * k) / (2 * sigma * sigma));
    kernel[k + radius] = w;
    sum += w;
  }
  for (let k = 0; k < kernel.length; k++) kernel[k]! /= sum;
  return kernel;
}

function reflect(i: number, size: number): number {
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  const m = ((i % period) + period) % period;
  return m < size ? m : period - m;
}

/** A plane (row-major floats) blurred by the Gaussian, separably, mirrored at the edges. */
export function gaussianBlurPlane(
  plane: Float32Array,
  width: number,
  height: number,
  sigma: number,
  out = new Float32Array(width * height),
): Float32Array {
  const kernel = gaussianKernel(sigma);
  const radius = (kernel.length - 1) >> 1;
  const line = new Float32Array(Math.max(width, height) + 2 * radius);
  const temp = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let i = 0; i < width + 2 * radius; i++) line[i] = plane[row + reflect(i - radius, width)]!;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = 0; k < kernel.length; k++) acc += kernel[k]! * line[x + k]!;
      temp[row + x] = acc;
    }
  }
  for (let x = 0; x < width; x++) {
    for (let i = 0; i < height + 2 * radius; i++) {
      line[i] = temp[reflect(i - radius, height) * width + x]!;
    }
    for (let y = 0; y < height; y++) {
      let acc = 0;
      for (let k = 0; k < kernel.length; k++) acc += kernel[k]! * line[y + k]!;
      out[y * width + x] = acc;
    }
  }
  return out;
}

/**
 * The optical transfer function of the sampled Gaussian on an n × n periodic grid: real and
 * even, as the kernel is symmetric, and separable, so it is the outer product of the 1D DFT of
 * the kernel with itself. Row-major, frequency (u, v) at index v * n + u.
 */
export function gaussianOtf(n: number, sigma: number): Float64Array {
  const kernel = gaussianKernel(sigma);
  const radius = (kernel.length - 1) >> 1;
  const line = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    let acc = kernel[radius]!;
    for (let k = 1; k <= radius; k++)
      acc += 2 * kernel[radius + k]! * Math.cos((2 * Math.PI * u * k) / n);
    line[u] = acc;
  }
  const otf = new Float64Array(n * n);
  for (let v = 0; v < n; v++) {
    for (let u = 0; u < n; u++) otf[v * n + u] = line[u]! * line[v]!;
  }
  return otf;
}
