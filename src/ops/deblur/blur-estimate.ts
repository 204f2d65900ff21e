import { gaussianBlurPlane } from './gaussian.ts';

/**
 * How wide a Gaussian blur an image carries, measured at its edges by re-blurring (Zhuo & Sim,
 * "Defocus map estimation from a single image", Pattern Recognition 2011).
 *
 * A step edge of height A blurred by a Gaussian of σ has a gradient peak of A / (√(2π)·σ). Blur
 * it again by a known σ0 and the peak becomes A / (√(2π)·√(σ² + σ0²)); the ratio of the two
 * peaks, R = √(σ² + σ0²) / σ, depends on σ alone and not on the edge's contrast:
 * σ = σ0 / √(R² - 1).
 *
 * The ratio is read only at lone step edges: gradient maxima across the edge, strong against
 * the noise, whose gradient falls steadily on both sides (thin lines, stripes and texture have a
 * second peak close by, which the re-blur merges, and would read far too sharp). Of those
 * readings the lower quartile is the image's blur, not the median: a photo mixes in-focus edges
 * with soft ones (depth of field, shading), and a blur added to the whole picture is what its
 * sharpest edges show. With the median, a photo-like picture with soft shapes read 1.86 px for
 * a 1.5 px blur and the deconvolution fell below the blurred input; the lower quartile reads
 * 1.63 (deblur's tests print these).
 *
 * Sampling and the finite-difference gradient add a blur of their own, so a perfectly sharp
 * edge reads 0.5 to 0.85 px, not 0, by where it falls within its pixel (a step exactly on a
 * pixel boundary reads highest). `SHARP_SIGMA` is the top of that range, and the blur to undo is
 * the excess, √(σ² - SHARP_SIGMA²): a sharp picture is never read as blurred, at the price of
 * undoing a little less than a real blur (a 1.5 px blur on the photo fixture reads 1.45 px,
 * 1.2 px of excess). One number for the whole picture: deblur removes a
 * uniform blur (focus, a soft lens), not a spatially varying one or motion.
 */

export interface BlurEstimate {
  /** The blur read at edges, px (sampling included). */
  sigma: number;
  /** The blur beyond what a sharp image reads, px: what deconvolution should undo. */
  excess: number;
  /** Lone edge pixels read; fewer than 50 and the estimate is not trusted (no blur found). */
  edges: number;
}

/** σ0 of the re-blur: near the blurs deblur is for, where the ratio is most sensitive. */
const REBLUR_SIGMA = 1;
/** What sharp pictures read at most (pixel-aligned steps 0.83; the photo fixture 0.50 px). */
export const SHARP_SIGMA = 0.8;
/** Which reading is the image's blur: the lower quartile of its lone edges. */
const EDGE_PERCENTILE = 0.25;
/** Reads above this are flat regions or clipped ratios, not edges worth trusting. */
const MAX_SIGMA = 8;
export const MIN_EDGES = 50;
const HISTOGRAM_STEP = 0.01;

/**
 * Estimates the Gaussian blur of a luma plane (0..255). `noiseSigma` (levels) sets how strong
 * an edge must be to count, so noise is not read as sharp edges.
 */
export function estimateBlur(
  luma: Float32Array,
  width: number,
  height: number,
  noiseSigma = 0,
): BlurEstimate {
  const reblurred = gaussianBlurPlane(luma, width, height, REBLUR_SIGMA);
  const gradient = gradientMagnitude(luma, width, height);
  const gradientReblurred = gradientMagnitude(reblurred, width, height);

  // Only strong edges: above the noise's own gradient, and among the image's stronger ones.
  let strongest = 0;
  for (let i = 0; i < gradient.length; i++) strongest = Math.max(strongest, gradient[i]!);
  const threshold = Math.max(4 * noiseSigma + 2, 0.2 * strongest);

  // Readings go into a histogram of HISTOGRAM_STEP bins: a percentile without storing them.
  const histogram = new Uint32Array(Math.ceil(MAX_SIGMA / HISTOGRAM_STEP));
  let edges = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const g = gradient[i]!;
      if (g < threshold) continue;
      const gx = luma[i + 1]! - luma[i - 1]!;
      const gy = luma[i + width]! - luma[i - width]!;
      if (!isIsolatedEdge(gradient, width, height, x, y, gx, gy)) continue;
      const ratio = g / gradientReblurred[i]!;
      if (!(ratio > 1)) continue;
      const sigma = REBLUR_SIGMA / Math.sqrt(ratio * ratio - 1);
      if (sigma >= MAX_SIGMA) continue;
      histogram[Math.floor(sigma / HISTOGRAM_STEP)]!++;
      edges++;
    }
  }
  if (edges < MIN_EDGES) return { sigma: 0, excess: 0, edges };
  const rank = Math.floor(edges * EDGE_PERCENTILE);
  let bin = 0;
  for (let seen = histogram[0]!; seen <= rank; seen += histogram[++bin]!);
  const sigma = (bin + 0.5) * HISTOGRAM_STEP;
  const excess = Math.sqrt(Math.max(0, sigma * sigma - SHARP_SIGMA * SHARP_SIGMA));
  return { sigma, excess, edges };
}

/** How far either side of an edge its gradient must keep falling, px. */
const ISOLATION_REACH = 4;
/** How much a neighbour's gradient may rise (noise, texture) before the edge is not alone. */
const ISOLATION_TOLERANCE = 0.1;

/**
 * True when pixel (x, y) is a lone step edge: its gradient is the maximum across the edge and
 * falls steadily on both sides for ISOLATION_REACH pixels. Thin lines (two opposite steps a few
 * pixels apart), stripes and fine texture have a second gradient peak within reach; re-blurring
 * merges those peaks, which would read as a much sharper edge than the picture has.
 */
function isIsolatedEdge(
  gradient: Float32Array,
  width: number,
  height: number,
  x: number,
  y: number,
  gx: number,
  gy: number,
): boolean {
  // The gradient direction, rounded to one of the 8 neighbour directions.
  const angle = Math.atan2(gy, gx);
  const octant = Math.round(angle / (Math.PI / 4));
  const dx = Math.round(Math.cos((octant * Math.PI) / 4));
  const dy = Math.round(Math.sin((octant * Math.PI) / 4));
  const peak = gradient[y * width + x]!;
  const tolerance = ISOLATION_TOLERANCE * peak;
  for (const sign of [-1, 1]) {
    let previous = peak;
    for (let t = 1; t <= ISOLATION_REACH; t++) {
      const px = x + sign * t * dx;
      const py = y + sign * t * dy;
      if (px < 1 || py < 1 || px >= width - 1 || py >= height - 1) return false;
      const g = gradient[py * width + px]!;
      if (t === 1 ? g > peak : g > previous + tolerance) return false;
      previous = g;
    }
  }
  return true;
}

/** |∇| by central differences, 0 on the outermost pixels. */
function gradientMagnitude(plane: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const gx = (plane[i + 1]! - plane[i - 1]!) / 2;
      const gy = (plane[i + width]! - plane[i - width]!) / 2;
      out[i] = Math.hypot(gx, gy);
    }
  }
  return out;
}
