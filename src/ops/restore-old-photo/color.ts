/**
 * Colour maths in Oklab / OKLCH (Björn Ottosson, 2020): a perceptual space where scaling chroma
 * changes saturation without moving lightness or hue, unlike HSL or RGB saturation.
 */

const toLinear = new Float64Array(256);
for (let v = 0; v < 256; v++) {
  const c = v / 255;
  toLinear[v] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function toGamma8(linear: number): number {
  const c = linear <= 0.0031308 ? 12.92 * linear : 1.055 * linear ** (1 / 2.4) - 0.055;
  return Math.round(Math.min(1, Math.max(0, c)) * 255);
}

export type Lab = [number, number, number];

export function srgb8ToOklab(r: number, g: number, b: number): Lab {
  const lr = toLinear[r]!;
  const lg = toLinear[g]!;
  const lb = toLinear[b]!;
  const l = Math.cbrt(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb);
  const m = Math.cbrt(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb);
  const s = Math.cbrt(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

/** Linear sRGB of an Oklab colour (may lie outside 0..1: out of gamut). */
export function oklabToLinear(L: number, a: number, b: number, out: Float64Array): void {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  out[0] = 4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s;
  out[1] = -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s;
  out[2] = -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s;
}

export function oklabToSrgb8(L: number, a: number, b: number): [number, number, number] {
  const lin = new Float64Array(3);
  oklabToLinear(L, a, b, lin);
  return [toGamma8(lin[0]!), toGamma8(lin[1]!), toGamma8(lin[2]!)];
}

const EPS = 1e-6;

function inGamut(L: number, a: number, b: number, scratch: Float64Array): boolean {
  oklabToLinear(L, a, b, scratch);
  return (
    scratch[0]! >= -EPS &&
    scratch[0]! <= 1 + EPS &&
    scratch[1]! >= -EPS &&
    scratch[1]! <= 1 + EPS &&
    scratch[2]! >= -EPS &&
    scratch[2]! <= 1 + EPS
  );
}

/** The largest chroma sRGB can show at this lightness and hue (bisection, 1e-4 precise). */
export function maxChroma(
  L: number,
  hueCos: number,
  hueSin: number,
  scratch: Float64Array,
): number {
  let lo = 0;
  let hi = 0.5;
  while (hi - lo > 1e-4) {
    const mid = (lo + hi) / 2;
    if (inGamut(L, mid * hueCos, mid * hueSin, scratch)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Chroma scaled by `boost`, compressed softly near the edge of the gamut instead of clipped:
 * past a knee at 85 % of the largest chroma sRGB allows for this lightness and hue (or the
 * colour's own chroma, if higher) the excess approaches that limit exponentially, so saturated
 * colours do not flatten into a block of one clipped value. Continuous and increasing in boost;
 * a boost of 1 changes nothing.
 */
export function boostedChroma(chroma: number, boost: number, limit: number): number {
  const wanted = chroma * boost;
  const knee = Math.max(chroma, 0.85 * limit);
  if (wanted <= knee) return wanted;
  const room = limit - knee;
  if (room <= 0) return knee;
  return knee + room * (1 - Math.exp(-(wanted - knee) / room));
}

/** Multiplies every pixel's OKLCH chroma by `boost` (softly limited to sRGB), in place. */
export function boostSaturation(rgba: Uint8Array | Uint8ClampedArray, boost: number): void {
  if (boost === 1) return;
  const scratch = new Float64Array(3);
  for (let p = 0; p < rgba.length; p += 4) {
    const [L, a, b] = srgb8ToOklab(rgba[p]!, rgba[p + 1]!, rgba[p + 2]!);
    const chroma = Math.hypot(a, b);
    if (chroma < 1e-4) continue; // grey: no hue to boost
    const cos = a / chroma;
    const sin = b / chroma;
    const limit = Math.max(chroma, maxChroma(L, cos, sin, scratch));
    const c = boostedChroma(chroma, boost, limit);
    const [r, g, bl] = oklabToSrgb8(L, c * cos, c * sin);
    rgba[p] = r;
    rgba[p + 1] = g;
    rgba[p + 2] = bl;
  }
}

/** Mean OKLCH chroma of the pixels (all of them, or those `where` allows). */
export function meanChroma(
  rgba: Uint8Array | Uint8ClampedArray,
  where?: (pixel: number) => boolean,
): number {
  let sum = 0;
  let n = 0;
  for (let p = 0; p < rgba.length; p += 4) {
    if (where && !where(p / 4)) continue;
    const [, a, b] = srgb8ToOklab(rgba[p]!, rgba[p + 1]!, rgba[p + 2]!);
    sum += Math.hypot(a, b);
    n++;
  }
  return n ? sum / n : 0;
}

/**
 * Takes the colour of `colored` onto the lightness of `original`: in Oklab, L from the original
 * and a, b moved from the original's towards the colorised ones by `strength` (0..1). What a
 * colorisation model's output is blended by, so its tone never replaces the photo's own.
 */
export function blendColor(
  original: Uint8Array | Uint8ClampedArray,
  colored: Uint8Array | Uint8ClampedArray,
  strength: number,
): void {
  for (let p = 0; p < original.length; p += 4) {
    const [L, a0, b0] = srgb8ToOklab(original[p]!, original[p + 1]!, original[p + 2]!);
    const [, a1, b1] = srgb8ToOklab(colored[p]!, colored[p + 1]!, colored[p + 2]!);
    const [r, g, b] = oklabToSrgb8(L, a0 + (a1 - a0) * strength, b0 + (b1 - b0) * strength);
    original[p] = r;
    original[p + 1] = g;
    original[p + 2] = b;
  }
}
