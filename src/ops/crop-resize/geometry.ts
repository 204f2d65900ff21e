/**
 * The crop and resize parameters of crop-resize: their validation (shared by the API and the
 * engine through the meta) and the exact rectangles and sizes they mean for a given image.
 */

/** The largest output side: beyond it a browser cannot even hold a canvas of the result. */
export const maxSide = 16_384;

export type Quad = [number, number, number, number];
export type Crop = { pixels: Quad } | { percentage: Quad };
export interface Resize {
  width?: number;
  height?: number;
  /** Default true; with both width and height, true means "fit inside". */
  maintain_aspect?: boolean;
}
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(value).filter((k) => !allowed.includes(k));
}

/** Why `value` is not a crop, or null. Sizes are checked against the image when it runs. */
export function cropProblem(value: unknown): string | null {
  const shape =
    'must be {"pixels": [x, y, width, height]} or {"percentage": [x, y, width, height]}';
  if (!isObject(value)) return shape;
  const extra = unknownKeys(value, ['pixels', 'percentage']);
  if (extra.length > 0) return `has no field "${extra[0]}"; it ${shape}`;
  const kinds = (['pixels', 'percentage'] as const).filter((k) => value[k] !== undefined);
  if (kinds.length !== 1) return `${shape}, exactly one of them`;
  const kind = kinds[0]!;
  const quad = value[kind];
  if (
    !Array.isArray(quad) ||
    quad.length !== 4 ||
    !quad.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    return `.${kind} must be four numbers [x, y, width, height]`;
  }
  const [x, y, w, h] = quad as Quad;
  if (kind === 'pixels') {
    if (!quad.every((v) => Number.isInteger(v))) return '.pixels must be whole numbers';
    if (x < 0 || y < 0) return '.pixels x and y must be 0 or more';
    if (w < 1 || h < 1) return '.pixels width and height must be at least 1';
    return null;
  }
  if (x < 0 || y < 0) return '.percentage x and y must be 0 or more';
  if (w <= 0 || h <= 0) return '.percentage width and height must be more than 0';
  // A little slack for decimal fractions such as 33.3 + 66.7.
  if (x + w > 100 + 1e-9 || y + h > 100 + 1e-9) {
    return '.percentage must stay inside the image (x + width and y + height at most 100)';
  }
  return null;
}

/** Why `value` is not a resize, or null. */
export function resizeProblem(value: unknown): string | null {
  const shape = 'must be {"width": pixels, "height": pixels, "maintain_aspect": true|false}';
  if (!isObject(value)) return shape;
  const extra = unknownKeys(value, ['width', 'height', 'maintain_aspect']);
  if (extra.length > 0) return `has no field "${extra[0]}"; it ${shape}`;
  for (const side of ['width', 'height'] as const) {
    const v = value[side];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > maxSide) {
      return `.${side} must be a whole number of pixels from 1 to ${maxSide}`;
    }
  }
  if (value.width == null && value.height == null) return 'needs a width, a height, or both';
  const keep = value.maintain_aspect;
  if (keep !== undefined && keep !== null && typeof keep !== 'boolean') {
    return '.maintain_aspect must be true or false';
  }
  return null;
}

/** The pixel rectangle a (valid) crop means in a width × height image; throws if outside. */
export function cropRect(crop: Crop, width: number, height: number): Rect {
  if ('pixels' in crop) {
    const [x, y, w, h] = crop.pixels;
    if (x + w > width || y + h > height) {
      throw new RangeError(
        `crop.pixels [${crop.pixels.join(', ')}] reaches outside the ${width}×${height} image (x + width must be at most ${width}, y + height at most ${height})`,
      );
    }
    return { x, y, width: w, height: h };
  }
  const [px, py, pw, ph] = crop.percentage;
  // Both edges are rounded, so crops of adjacent percentages tile the image without gap.
  const left = Math.min(width - 1, Math.round((px / 100) * width));
  const top = Math.min(height - 1, Math.round((py / 100) * height));
  const right = Math.max(left + 1, Math.min(width, Math.round(((px + pw) / 100) * width)));
  const bottom = Math.max(top + 1, Math.min(height, Math.round(((py + ph) / 100) * height)));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * The output size a (valid) resize means for a width × height image:
 * - width and height with maintain_aspect (the default): the largest size with the image's
 *   aspect that fits inside them, larger or smaller than the image;
 * - width and height with maintain_aspect false: exactly them;
 * - one side alone: that side, and the other follows the aspect (or stays as it is when
 *   maintain_aspect is false).
 */
export function resizeSize(
  resize: Resize,
  width: number,
  height: number,
): { width: number; height: number } {
  const keep = resize.maintain_aspect ?? true;
  const w = resize.width ?? null;
  const h = resize.height ?? null;
  const side = (v: number) => Math.min(maxSide, Math.max(1, Math.round(v)));
  if (w !== null && h !== null) {
    if (!keep) return { width: w, height: h };
    const scale = Math.min(w / width, h / height);
    return { width: Math.min(w, side(width * scale)), height: Math.min(h, side(height * scale)) };
  }
  if (w !== null) return { width: w, height: keep ? side((height * w) / width) : height };
  if (h !== null) return { width: keep ? side((width * h) / height) : width, height: h };
  return { width, height };
}
