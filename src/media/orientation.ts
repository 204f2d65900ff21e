import type { RgbaImage } from './image.ts';

/**
 * Turns pixels stored in EXIF orientation `orientation` (1–8) upright. Orientations 5–8 swap
 * width and height. For each upright pixel (x, y) the stored pixel it comes from is, with w and
 * h the stored size: 2 mirrors x, 3 turns 180°, 4 mirrors y, 5 transposes, 6 was turned 90°
 * anticlockwise (shown turned clockwise), 7 transposes across the other diagonal, 8 the
 * opposite of 6.
 */
export function applyOrientation(image: RgbaImage, orientation: number): RgbaImage {
  if (orientation < 2 || orientation > 8 || !Number.isInteger(orientation)) return image;
  const { width: w, height: h, data } = image;
  const swap = orientation >= 5;
  const width = swap ? h : w;
  const height = swap ? w : h;
  const src = new Uint32Array(data.buffer, data.byteOffset, w * h);
  const out = new Uint8ClampedArray(width * height * 4);
  const dst = new Uint32Array(out.buffer);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2:
          [sx, sy] = [w - 1 - x, y];
          break;
        case 3:
          [sx, sy] = [w - 1 - x, h - 1 - y];
          break;
        case 4:
          [sx, sy] = [x, h - 1 - y];
          break;
        case 5:
          [sx, sy] = [y, x];
          break;
        case 6:
          [sx, sy] = [y, h - 1 - x];
          break;
        case 7:
          [sx, sy] = [w - 1 - y, h - 1 - x];
          break;
        default:
          [sx, sy] = [w - 1 - y, x];
      }
      dst[y * width + x] = src[sy * w + sx]!;
    }
  }
  return { data: out, width, height };
}
