/**
 * CIE L*a*b* (D65) from and to 8-bit sRGB: the space colorization networks (DDColor, DeOldify's
 * post-processing) predict chroma in. L is 0..100; a and b are about −128..127.
 */

const toLinear = new Float64Array(256);
for (let v = 0; v < 256; v++) {
  const c = v / 255;
  toLinear[v] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

const WHITE = [0.95047, 1, 1.08883] as const;
const EPSILON = (6 / 29) ** 3;
const KAPPA = 3 * (6 / 29) ** 2;

const f = (t: number) => (t > EPSILON ? Math.cbrt(t) : t / KAPPA + 4 / 29);
const fInverse = (t: number) => (t > 6 / 29 ? t * t * t : KAPPA * (t - 4 / 29));

export function srgbToLab(r: number, g: number, b: number, out: Float64Array): void {
  const lr = toLinear[r]!;
  const lg = toLinear[g]!;
  const lb = toLinear[b]!;
  const x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / WHITE[0];
  const y = 0.2126729 * lr + 0.7151522 * lg + 0.072175 * lb;
  const z = (0.0193339 * lr + 0.119192 * lg + 0.9503041 * lb) / WHITE[2];
  const fy = f(y);
  out[0] = 116 * fy - 16;
  out[1] = 500 * (f(x) - fy);
  out[2] = 200 * (fy - f(z));
}

/** Linear sRGB of a Lab colour; values outside 0..1 mean it is out of gamut. */
export function labToLinear(L: number, a: number, b: number, out: Float64Array): void {
  const fy = (L + 16) / 116;
  const x = fInverse(fy + a / 500) * WHITE[0];
  const y = fInverse(fy);
  const z = fInverse(fy - b / 200) * WHITE[2];
  out[0] = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
  out[1] = -0.969266 * x + 1.8760108 * y + 0.041556 * z;
  out[2] = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
}

function linearToSrgb8(c: number): number {
  const v = c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
  return Math.round(Math.min(1, Math.max(0, v)) * 255);
}

const inGamut = (rgb: Float64Array) =>
  rgb[0]! >= 0 && rgb[0]! <= 1 && rgb[1]! >= 0 && rgb[1]! <= 1 && rgb[2]! >= 0 && rgb[2]! <= 1;

/**
 * The sRGB colour of (L, a, b), its chroma reduced (hue and L kept) until it fits the gamut, so
 * the lightness a colorization writes is the photo's own.
 */
const rgb = new Float64Array(3);

export function labToSrgb8(
  L: number,
  a: number,
  b: number,
  out: Uint8ClampedArray | Uint8Array,
  at: number,
): void {
  labToLinear(L, a, b, rgb);
  if (!inGamut(rgb)) {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 12; i++) {
      const mid = (lo + hi) / 2;
      labToLinear(L, a * mid, b * mid, rgb);
      if (inGamut(rgb)) lo = mid;
      else hi = mid;
    }
    labToLinear(L, a * lo, b * lo, rgb);
  }
  out[at] = linearToSrgb8(rgb[0]!);
  out[at + 1] = linearToSrgb8(rgb[1]!);
  out[at + 2] = linearToSrgb8(rgb[2]!);
}
