import type { RgbaImage } from '@/media/image.ts';

/**
 * Whether an image looks like a photograph rather than a graphic (a screenshot, a logo, a
 * scan of text): photographs have a distinct colour for most pixels, graphics reuse a few. PNG's
 * lossless filters win on graphics; JPEG wins by far on photographs.
 */
export function isPhotographic(image: RgbaImage): boolean {
  const pixels = image.width * image.height;
  const enough = Math.min(16_384, Math.ceil(pixels / 4));
  return distinctColours(image, enough) >= enough;
}

/** Distinct RGB colours, counting stops at `limit`. A 2 MiB bitmap holds all 2^24 of them. */
export function distinctColours(image: RgbaImage, limit = Infinity): number {
  const seen = new Uint8Array(1 << 21);
  const data = image.data;
  const end = image.width * image.height * 4;
  let count = 0;
  for (let i = 0; i < end; i += 4) {
    const rgb = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
    const byte = rgb >>> 3;
    const bit = 1 << (rgb & 7);
    if (seen[byte]! & bit) continue;
    seen[byte] = seen[byte]! | bit;
    if (++count >= limit) break;
  }
  return count;
}
