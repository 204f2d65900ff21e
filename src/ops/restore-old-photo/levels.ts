/**
 * Step (c) of restore-old-photo: a faded print's contrast and white balance brought back, and a
 * photo that is not faded left exactly as it is.
 *
 * A print fades towards its paper: the blacks lift, the whites dull, and the dyes age unevenly,
 * so the paper and the shadows take one tint (yellow, magenta, cyan). Both show in the ends of
 * each channel's histogram, read at robust percentiles (0.5 % and 99.5 %, so a few specks or a
 * clipped highlight do not decide):
 *   - faded: the luminance spans less than FADED_RANGE of the 255 levels (a photo exposed well
 *     spans nearly all of them), or its blacks are lifted and its whites dull together;
 *   - tinted: the white point's channels disagree by more than CAST_SPREAD levels and the black
 *     point's lean the same way, by more than CAST_SPREAD_BLACK (a warm light or a sunset tints
 *     only the bright end; a yellowed print both).
 * Faded and tinted: each channel is stretched from its own black to its own white point (auto
 * levels, which is white-patch balance on the bright end and black-patch on the dark). Faded but
 * neutral: one stretch for all three channels, so the colours keep their balance. Neither: no
 * pixel changes.
 */

export interface Fading {
  /** Per channel R, G, B: the 0.5 % and 99.5 % levels. */
  low: [number, number, number];
  high: [number, number, number];
  lumaLow: number;
  lumaHigh: number;
  faded: boolean;
  tinted: boolean;
  /** Why it will or will not be corrected, in words, for the engine record. */
  reason: string;
}

/** A luminance range (0.5 %..99.5 %) narrower than this is a faded print. */
export const FADED_RANGE = 150;
/** A black point this high and a white point this low together are a faded print too. */
const LIFTED_BLACK = 30;
const DULL_WHITE = 225;
/** Channels spanning this much between them already use the whole range. */
const FULL_SPAN = 235;
/** White-point channels further apart than this (levels) are a tint. */
export const CAST_SPREAD = 14;
/** ...and black-point channels further apart than this, leaning the same way. */
const CAST_SPREAD_BLACK = 8;
/** ...with no channel's black point under this: the dark end is tinted, not black. */
const TINTED_BLACK = 12;

/** The most one channel's gain may differ from the channels' mean gain (×). */
const MAX_GAIN_SPREAD = 1.2;

const LOW = 0.005;
const HIGH = 0.995;

function percentile(histogram: Uint32Array, total: number, q: number): number {
  const target = q * total;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v]!;
    if (seen > target) return v;
  }
  return 255;
}

/**
 * Reads the black and white points of an opaque RGBA photo, leaving out the pixels `skip`
 * marks (the scratches just filled, say), and decides whether it is faded or tinted.
 */
export function measureFading(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  skip?: Uint8Array,
): Fading {
  const hist = [0, 1, 2, 3].map(() => new Uint32Array(256));
  let total = 0;
  for (let i = 0; i < width * height; i++) {
    if (skip?.[i]) continue;
    const r = rgba[i * 4]!;
    const g = rgba[i * 4 + 1]!;
    const b = rgba[i * 4 + 2]!;
    hist[0]![r]!++;
    hist[1]![g]!++;
    hist[2]![b]!++;
    hist[3]![Math.round(0.299 * r + 0.587 * g + 0.114 * b)]!++;
    total++;
  }
  const at = (c: number, q: number) => (total ? percentile(hist[c]!, total, q) : q < 0.5 ? 0 : 255);
  const low: [number, number, number] = [at(0, LOW), at(1, LOW), at(2, LOW)];
  const high: [number, number, number] = [at(0, HIGH), at(1, HIGH), at(2, HIGH)];
  const lumaLow = at(3, LOW);
  const lumaHigh = at(3, HIGH);
  const range = lumaHigh - lumaLow;
  // Low contrast, or both ends pulled in: lifted blacks and dull whites.
  // ...unless the channels themselves already reach from black to white (a colourful or
  // noisy picture can have a narrow luminance): then a stretch would change nothing.
  const span = Math.max(...high) - Math.min(...low);
  const faded =
    span < FULL_SPAN &&
    (range < FADED_RANGE || (lumaLow >= LIFTED_BLACK && lumaHigh <= DULL_WHITE));
  // Tint: how far each channel's white point sits from their mean, and the same at the black end.
  const meanHigh = (high[0] + high[1] + high[2]) / 3;
  const meanLow = (low[0] + low[1] + low[2]) / 3;
  const spread = Math.max(...high) - Math.min(...high);
  const spreadLow = Math.max(...low) - Math.min(...low);
  let agree = 0;
  for (let c = 0; c < 3; c++) agree += (high[c]! - meanHigh) * (low[c]! - meanLow);
  // A tint is the print's (no channel reaches black), not the light's (a warm room still has
  // blacks).
  const tinted =
    spread > CAST_SPREAD &&
    spreadLow > CAST_SPREAD_BLACK &&
    agree > 0 &&
    Math.min(...low) >= TINTED_BLACK;
  const levels = `luminance ${lumaLow}..${lumaHigh}; white point R ${high[0]} G ${high[1]} B ${high[2]}, black point R ${low[0]} G ${low[1]} B ${low[2]}`;
  const reason = faded
    ? `faded print (${levels}): ${tinted ? 'contrast and white balance restored, each channel stretched to its own black and white point' : 'contrast restored, one stretch for all channels'}`
    : tinted
      ? `tinted print (${levels}): white balance restored, each channel stretched to its own black and white point`
      : `not faded (${levels}): unchanged`;
  return { low, high, lumaLow, lumaHigh, faded, tinted, reason };
}

/** Whether measureFading found anything to correct. */
export const needsCorrection = (f: Fading) => f.faded || f.tinted;

/** Stretches the channels as `fading` says, in place; does nothing to a photo that needs none. */
export function correctFading(rgba: Uint8Array | Uint8ClampedArray, fading: Fading): void {
  if (!needsCorrection(fading)) return;
  // Each channel's gain from its own black to its own white point, held within MAX_GAIN_SPREAD
  // of their mean: dyes fade unevenly, but not threefold, and a channel that is narrow because
  // the scene has little of it (the blue of a ginger cat) must not be stretched as if it had
  // faded.
  const lows = [0, 1, 2].map((c) => (fading.tinted ? fading.low[c]! : Math.min(...fading.low)));
  const highs = [0, 1, 2].map((c) => (fading.tinted ? fading.high[c]! : Math.max(...fading.high)));
  const gains = [0, 1, 2].map((c) => 255 / Math.max(1, highs[c]! - lows[c]!));
  const mean = Math.cbrt(gains[0]! * gains[1]! * gains[2]!);
  const tables = [0, 1, 2].map((c) => {
    const lo = lows[c]!;
    const scale = Math.min(mean * MAX_GAIN_SPREAD, Math.max(mean / MAX_GAIN_SPREAD, gains[c]!));
    const table = new Uint8Array(256);
    for (let v = 0; v < 256; v++)
      table[v] = Math.round(Math.min(255, Math.max(0, (v - lo) * scale)));
    return table;
  });
  for (let p = 0; p < rgba.length; p += 4) {
    rgba[p] = tables[0]![rgba[p]!]!;
    rgba[p + 1] = tables[1]![rgba[p + 1]!]!;
    rgba[p + 2] = tables[2]![rgba[p + 2]!]!;
  }
}
