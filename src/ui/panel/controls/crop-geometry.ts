import { type Crop, type Rect, cropRect } from '@/ops/crop-resize/geometry.ts';

export interface Size {
  width: number;
  height: number;
}

/** Width ÷ height of an aspect chip; null is free. */
export type Ratio = number | null;

/** The crop's rectangle in this photo's pixels (as the engine will cut it). */
export function rectOf(crop: unknown, size: Size): Rect {
  try {
    return cropRect(crop as Crop, size.width, size.height);
  } catch {
    return { x: 0, y: 0, width: size.width, height: size.height };
  }
}

/**
 * A pixel rectangle as the crop parameter: in percent of the photo, exact enough that this photo
 * is cut at exactly these pixels, and any other photo the settings are kept for at the same place
 * (pixels could reach outside a smaller one and fail).
 */
export function cropOf(rect: Rect, size: Size): Crop {
  const pct = (v: number, of: number) => Number(((v / of) * 100).toFixed(9));
  const x = pct(rect.x, size.width);
  const y = pct(rect.y, size.height);
  return {
    percentage: [
      x,
      y,
      Math.min(100 - x, pct(rect.x + rect.width, size.width) - x),
      Math.min(100 - y, pct(rect.y + rect.height, size.height) - y),
    ],
  };
}

/** Keeps a rectangle whole, at least 1 pixel, and inside the photo; moving it keeps its size. */
export function clampRect(rect: Rect, size: Size): Rect {
  const width = Math.max(1, Math.min(size.width, Math.round(rect.width)));
  const height = Math.max(1, Math.min(size.height, Math.round(rect.height)));
  const x = Math.max(0, Math.min(size.width - width, Math.round(rect.x)));
  const y = Math.max(0, Math.min(size.height - height, Math.round(rect.y)));
  return { x, y, width, height };
}

/** The largest rectangle of `ratio` inside `within`, centred on it (an aspect chip's box). */
export function fitRatio(within: Rect, ratio: number): Rect {
  const width = Math.min(within.width, Math.round(within.height * ratio));
  const height = Math.min(within.height, Math.round(width / ratio));
  return {
    x: within.x + Math.floor((within.width - width) / 2),
    y: within.y + Math.floor((within.height - height) / 2),
    width,
    height,
  };
}

/**
 * The rectangle a drag from `anchor` to `to` spans (photo pixels), inside the photo; with a
 * ratio, the larger of the two extents decides and the other follows.
 */
export function spanRect(
  anchor: { x: number; y: number },
  to: { x: number; y: number },
  size: Size,
  ratio: Ratio,
): Rect {
  const px = Math.max(0, Math.min(size.width, to.x));
  const py = Math.max(0, Math.min(size.height, to.y));
  let w = Math.abs(px - anchor.x);
  let h = Math.abs(py - anchor.y);
  if (ratio) {
    // Room on the side the drag goes to, so the box never leaves the photo.
    const roomX = px >= anchor.x ? size.width - anchor.x : anchor.x;
    const roomY = py >= anchor.y ? size.height - anchor.y : anchor.y;
    w = Math.min(Math.max(w, h * ratio), roomX, roomY * ratio);
    h = w / ratio;
  }
  const x = px >= anchor.x ? anchor.x : anchor.x - w;
  const y = py >= anchor.y ? anchor.y : anchor.y - h;
  return clampRect({ x, y, width: Math.max(1, w), height: Math.max(1, h) }, size);
}
