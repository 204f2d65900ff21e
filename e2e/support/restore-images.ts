// Test images for the restoration operations (enhance-anime, denoise, deblur), generated so
// that each test knows its ground truth exactly: a flat-colour cartoon, a photo-like picture,
// and the damage done to them (seeded Gaussian noise, a known Gaussian blur).

import { createImage, downscaleArea, type RgbaImage, type RgbaImageLike } from './images.ts';

/** mulberry32: tiny, seedable, good enough for test noise and scene layout. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rgb = readonly [number, number, number];

/** A filled region with a black outline: `inside(x, y)` in units of the final image's pixels. */
interface CartoonShape {
  fill: Rgb;
  /** Signed distance-like test: < 0 inside, the outline is where -outline <= d < 0. */
  distance(x: number, y: number): number;
}

function ellipse(cx: number, cy: number, rx: number, ry: number, fill: Rgb): CartoonShape {
  return {
    fill,
    // Scaled by the smaller radius, close to a true distance near the boundary.
    distance: (x, y) => (Math.hypot((x - cx) / rx, (y - cy) / ry) - 1) * Math.min(rx, ry),
  };
}

function box(x0: number, y0: number, x1: number, y1: number, fill: Rgb): CartoonShape {
  return {
    fill,
    distance: (x, y) => Math.max(x0 - x, x - x1, y0 - y, y - y1),
  };
}

/** A convex polygon, vertices in either winding order. */
function polygon(points: readonly [number, number][], fill: Rgb): CartoonShape {
  const cx = points.reduce((s, p) => s + p[0], 0) / points.length;
  const cy = points.reduce((s, p) => s + p[1], 0) / points.length;
  const edges = points.map(([x0, y0], i) => {
    const [x1, y1] = points[(i + 1) % points.length]!;
    const length = Math.hypot(x1 - x0, y1 - y0);
    let nx = (y1 - y0) / length;
    let ny = -(x1 - x0) / length;
    // Make the normal point away from the centroid: outward whatever the winding.
    if ((cx - x0) * nx + (cy - y0) * ny > 0) [nx, ny] = [-nx, -ny];
    return { x0, y0, nx, ny };
  });
  return {
    fill,
    distance: (x, y) => Math.max(...edges.map((e) => (x - e.x0) * e.nx + (y - e.y0) * e.ny)),
  };
}

/**
 * A flat-colour cartoon with hard black outlines (`outline` px wide), size × size: drawn with
 * point samples at `supersample` × the size, then box-downscaled, so its edges carry exactly the
 * anti-aliasing of a rasterised illustration. Later shapes cover earlier ones.
 */
export function drawCartoon(size: number, outline = 2, supersample = 4): RgbaImage {
  const u = size / 64; // the layout is designed on a 64-unit grid
  const shapes: CartoonShape[] = [
    box(-10, 40 * u, size + 10, size + 10, [96, 176, 72]), // grass
    ellipse(48 * u, 14 * u, 9 * u, 9 * u, [250, 210, 40]), // sun
    box(8 * u, 22 * u, 30 * u, 46 * u, [220, 96, 64]), // house
    polygon(
      [
        [19 * u, 10 * u],
        [5 * u, 24 * u],
        [33 * u, 24 * u],
      ],
      [130, 60, 160],
    ), // roof
    box(16 * u, 34 * u, 22 * u, 46 * u, [110, 70, 40]), // door
    ellipse(44 * u, 44 * u, 12 * u, 7 * u, [255, 255, 255]), // cloud-like sheep body
    ellipse(55 * u, 40 * u, 4 * u, 4 * u, [40, 40, 40]), // its head
    ellipse(12 * u, 56 * u, 6 * u, 3 * u, [60, 120, 230]), // pond
  ];
  const sky: Rgb = [140, 200, 245];
  const big = size * supersample;
  const hi = createImage(big, big);
  for (let py = 0; py < big; py++) {
    const y = (py + 0.5) / supersample;
    for (let px = 0; px < big; px++) {
      const x = (px + 0.5) / supersample;
      let colour: Rgb = sky;
      for (const shape of shapes) {
        const d = shape.distance(x, y);
        if (d < 0) colour = d >= -outline ? [0, 0, 0] : shape.fill;
      }
      const o = (py * big + px) * 4;
      hi.data[o] = colour[0];
      hi.data[o + 1] = colour[1];
      hi.data[o + 2] = colour[2];
      hi.data[o + 3] = 255;
    }
  }
  return downscaleArea(hi, supersample);
}

/**
 * A photo-like picture, size × size: a colour field whose power falls as 1/f² like natural
 * images (plane waves of equal amplitude at log-uniform frequencies), two soft out-of-focus
 * discs, a sharp-edged object with fine stripes, and the slight softness of a camera lens (a
 * Gaussian of `lens` px; 0 for none).
 */
export function drawPhotoLike(size: number, seed = 7, lens = 0.6): RgbaImage {
  const random = seededRandom(seed);
  const planes = [new Float32Array(size * size), new Float32Array(size * size)];
  const waves = 160;
  for (let w = 0; w < waves; w++) {
    const f = Math.exp(Math.log(1 / size) + random() * (Math.log(0.3) - Math.log(1 / size)));
    // Equal amplitudes at log-uniform frequencies would give 1/f² power; photos of real scenes
    // lose a little more towards fine scales, hence the extra (f·size)^-0.5.
    const amplitude = 2 / Math.sqrt(f * size);
    const angle = random() * Math.PI;
    const phase = random() * 2 * Math.PI;
    const fx = 2 * Math.PI * f * Math.cos(angle);
    const fy = 2 * Math.PI * f * Math.sin(angle);
    const plane = planes[w % 2]!;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        plane[y * size + x]! += amplitude * Math.cos(fx * x + fy * y + phase);
      }
    }
  }
  const img = new Float32Array(size * size * 3);
  const base: Rgb = [112, 124, 92];
  const mixA: Rgb = [10, 9, 6];
  const mixB: Rgb = [5, -2, 8];
  for (let i = 0; i < size * size; i++) {
    for (let c = 0; c < 3; c++) {
      img[i * 3 + c] = base[c]! + mixA[c]! * planes[0]![i]! + mixB[c]! * planes[1]![i]!;
    }
  }
  const soft = (cx: number, cy: number, r: number, edge: number, colour: Rgb) => {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const t = 1 / (1 + Math.exp((Math.hypot(x - cx, y - cy) - r) / edge));
        for (let c = 0; c < 3; c++) {
          const i = (y * size + x) * 3 + c;
          img[i] = img[i]! * (1 - t) + colour[c]! * t;
        }
      }
    }
  };
  soft(size * 0.25, size * 0.3, size * 0.16, size * 0.03, [210, 180, 150]);
  soft(size * 0.78, size * 0.72, size * 0.12, size * 0.05, [60, 70, 120]);
  // A sharp object with fine stripes (a fence, a fabric): detail a denoiser must keep.
  for (let y = Math.round(size * 0.55); y < Math.round(size * 0.9); y++) {
    for (let x = Math.round(size * 0.15); x < Math.round(size * 0.55); x++) {
      const stripe = Math.sin((2 * Math.PI * (x + 0.5 * y)) / 6) > 0 ? 1 : 0;
      const i = (y * size + x) * 3;
      img[i] = 200 - 120 * stripe;
      img[i + 1] = 190 - 110 * stripe;
      img[i + 2] = 170 - 100 * stripe;
    }
  }
  const softened = lens > 0 ? gaussianBlurPlanes(img, size, size, 3, lens) : img;
  const out = createImage(size, size);
  for (let i = 0; i < size * size; i++) {
    for (let c = 0; c < 3; c++) out.data[i * 4 + c] = clampByte(softened[i * 3 + c]!);
    out.data[i * 4 + 3] = 255;
  }
  return out;
}

function clampByte(value: number): number {
  return Math.round(Math.min(255, Math.max(0, value)));
}

/** The image plus seeded Gaussian noise of standard deviation `sigma` levels on RGB, rounded. */
export function addGaussianNoise(img: RgbaImageLike, sigma: number, seed: number): RgbaImage {
  const random = seededRandom(seed);
  const out = createImage(img.width, img.height);
  out.data.set(img.data);
  for (let i = 0; i < out.data.length; i++) {
    if (i % 4 === 3) continue;
    // Box-Muller; 1 - random() is in (0, 1], so the log is finite.
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    out.data[i] = clampByte(out.data[i]! + sigma * gaussian);
  }
  return out;
}

/**
 * Gaussian blur of interleaved float planes (channels per pixel), separable, reflect101 at the
 * edges, with the kernel cut at 4σ and normalised.
 */
function gaussianBlurPlanes(
  data: Float32Array,
  width: number,
  height: number,
  channels: number,
  sigma: number,
): Float32Array {
  const radius = Math.max(1, Math.ceil(4 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    sum += kernel[k + radius] = Math.exp((-k * k) / (2 * sigma * sigma));
  }
  for (let k = 0; k < kernel.length; k++) kernel[k]! /= sum;
  const reflect = (i: number, n: number) => {
    const period = 2 * (n - 1);
    const m = ((i % period) + period) % period;
    return m < n ? m : period - m;
  };
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const dst = new Float32Array(src.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < channels; c++) {
          let acc = 0;
          for (let k = -radius; k <= radius; k++) {
            const sx = horizontal ? reflect(x + k, width) : x;
            const sy = horizontal ? y : reflect(y + k, height);
            acc += kernel[k + radius]! * src[(sy * width + sx) * channels + c]!;
          }
          dst[(y * width + x) * channels + c] = acc;
        }
      }
    }
    return dst;
  };
  return pass(pass(data, true), false);
}

/** The image blurred by a Gaussian of standard deviation `sigma` px (RGB; alpha kept), rounded. */
export function gaussianBlur(img: RgbaImageLike, sigma: number): RgbaImage {
  const planes = new Float32Array(img.width * img.height * 3);
  for (let i = 0; i < img.width * img.height; i++) {
    for (let c = 0; c < 3; c++) planes[i * 3 + c] = img.data[i * 4 + c]!;
  }
  const blurred = gaussianBlurPlanes(planes, img.width, img.height, 3, sigma);
  const out = createImage(img.width, img.height);
  for (let i = 0; i < img.width * img.height; i++) {
    for (let c = 0; c < 3; c++) out.data[i * 4 + c] = clampByte(blurred[i * 3 + c]!);
    out.data[i * 4 + 3] = img.data[i * 4 + 3]!;
  }
  return out;
}
