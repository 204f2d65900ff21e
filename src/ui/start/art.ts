/** Pixels as canvas ImageData holds them: RGBA, row by row. */
export interface Pixels {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/**
 * Whether a picture looks like drawn art (anime, manga, comics, flat illustrations) rather than a
 * photo: drawn art is mostly large areas of exactly one colour, in few colours. A photo's
 * sensor noise and soft light make neighbouring pixels differ almost everywhere.
 * Looks at a grid of at most about 65 000 pixels, so it is quick on any size.
 */
export function looksLikeArt(image: Pixels): boolean {
  const { width, height, data } = image;
  if (width < 8 || height < 8) return false;
  const step = Math.max(1, Math.floor(Math.sqrt((width * height) / 65_536)));
  let same = 0;
  let compared = 0;
  const colours = new Map<number, number>();
  for (let y = 0; y + step < height; y += step) {
    for (let x = 0; x + step < width; x += step) {
      const i = (y * width + x) * 4;
      const right = i + step * 4;
      const below = i + step * width * 4;
      // Within 2 levels of each other: JPEG-saved art keeps its flat areas, a photo does not.
      const flat = (j: number) =>
        Math.abs(data[i]! - data[j]!) <= 2 &&
        Math.abs(data[i + 1]! - data[j + 1]!) <= 2 &&
        Math.abs(data[i + 2]! - data[j + 2]!) <= 2;
      compared += 2;
      if (flat(right)) same++;
      if (flat(below)) same++;
      // Colours at 4 bits a channel: enough to tell a palette from a photo's continuous tones.
      const key = ((data[i]! >> 4) << 8) | ((data[i + 1]! >> 4) << 4) | (data[i + 2]! >> 4);
      colours.set(key, (colours.get(key) ?? 0) + 1);
    }
  }
  const samples = compared / 2;
  const top = [...colours.values()].sort((a, b) => b - a).slice(0, 8);
  const covered = top.reduce((sum, n) => sum + n, 0) / samples;
  return same / compared >= 0.6 && covered >= 0.7;
}
