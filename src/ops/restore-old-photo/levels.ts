/**
 * Step (c) of restore-old-photo: a faded print's contrast and colour brought back, and a photo
 * that is not faded left exactly as it is.
 *
 * A print fades towards its paper: the blacks lift, the whites dull, and the dyes age unevenly,
 * so the shadows take one tint (yellow, magenta, cyan). Both show in the ends of each channel's
 * histogram, read at robust percentiles (0.5 % and 99.5 %, so a few specks or a clipped
 * highlight do not decide):
 *   - faded: the blacks are lifted (a fade always greys them) and the luminance spans less than
 *     FADED_RANGE of the 255 levels, or the whites are dull too; a photo that still reaches
 *     black is merely dark or low-key, not faded;
 *   - tinted: the white point's channels disagree by more than CAST_SPREAD levels and the black
 *     point's lean the same way, by more than CAST_SPREAD_BLACK (a warm light or a sunset tints
 *     only the bright end; a yellowed print both).
 * Neither: no pixel changes.
 *
 * The correction only undoes what the fade explains, so that it never leaves a photo further
 * from its original than the faded print was:
 *   - the black end: the black point goes to 0, each channel's own where they disagree by more
 *     than CAST_SPREAD_BLACK and none reaches black: a scene's darkest pixels come close to
 *     black in at least one channel, so the difference is the print's tint;
 *   - the gain: one for all three channels. The white end is not evidence of a tint (a ginger
 *     cat, a blue sky and a warm room have coloured whites), and a dark photo's dull whites are
 *     not evidence of fading, so the stretch is the lesser of black-to-white (auto levels) and
 *     what the fade explains: a print fades towards its paper from both ends, so blacks lifted
 *     by L levels mean whites lowered by about L, a gain of 255 / (255 − 2L).
 * Stretching each channel to its own white point instead (auto levels per channel) turned a
 * faded ginger cat grey and 7 dB worse than the faded print, and left colourful scenes (a blue
 * sky, a bowl of fruit) further from their colours than the faded print was.
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
/** A luminance black point under this reaches black: the photo is not faded, whatever its range. */
export const FADED_BLACK = 16;
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
  // Lifted blacks, and low contrast or dull whites too.
  // ...unless the channels themselves already reach from black to white (a colourful or
  // noisy picture can have a narrow luminance): then a stretch would change nothing.
  const span = Math.max(...high) - Math.min(...low);
  const faded =
    span < FULL_SPAN &&
    lumaLow >= FADED_BLACK &&
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
  const fading = { low, high, lumaLow, lumaHigh, faded, tinted, reason: '' };
  const { gain } = levelsFor(fading);
  const tint = blackTinted(fading) ? ', each channel’s own black point (the print’s tint)' : '';
  const how = `one gain ×${gain.toFixed(2)} for all channels${tint}`;
  fading.reason = faded
    ? `faded print (${levels}): contrast restored, ${how}`
    : tinted
      ? `tinted print (${levels}): black point balanced, ${how}`
      : `not faded (${levels}): unchanged`;
  return fading;
}

/** Whether measureFading found anything to correct. */
export const needsCorrection = (f: Fading) => f.faded || f.tinted;

/** The black points disagree and none reaches black: the shadows carry the print's tint. */
const blackTinted = (f: Fading) =>
  Math.max(...f.low) - Math.min(...f.low) > CAST_SPREAD_BLACK && Math.min(...f.low) >= TINTED_BLACK;

/** Each channel's black point and the one gain applied above it (see the top of this file). */
function levelsFor(f: Fading): { lows: number[]; gain: number } {
  const tinted = blackTinted(f);
  const black = Math.min(...f.low);
  const lows = [0, 1, 2].map((c) => (tinted ? f.low[c]! : black));
  // Black to white: the channels' spans (each from its own black point when tinted, else the
  // widest span), as their geometric mean, so no channel is pushed far past white.
  const spans = [0, 1, 2].map((c) => (tinted ? f.high[c]! : Math.max(...f.high)) - lows[c]!);
  const autoLevels = Math.cbrt(spans.reduce((g, span) => g * (255 / Math.max(1, span)), 1));
  // What the fade explains: the blacks rose by lumaLow, so the whites fell by about as much.
  const fade = 255 / Math.max(1, 255 - 2 * f.lumaLow);
  return { lows, gain: Math.max(1, Math.min(autoLevels, fade)) };
}

/** Stretches the channels as `fading` says, in place; does nothing to a photo that needs none. */
export function correctFading(rgba: Uint8Array | Uint8ClampedArray, fading: Fading): void {
  if (!needsCorrection(fading)) return;
  const { lows, gain } = levelsFor(fading);
  const tables = lows.map((lo) => {
    const table = new Uint8Array(256);
    for (let v = 0; v < 256; v++)
      table[v] = Math.round(Math.min(255, Math.max(0, (v - lo) * gain)));
    return table;
  });
  for (let p = 0; p < rgba.length; p += 4) {
    rgba[p] = tables[0]![rgba[p]!]!;
    rgba[p + 1] = tables[1]![rgba[p + 1]!]!;
    rgba[p + 2] = tables[2]![rgba[p + 2]!]!;
  }
}
