/** The longest side a picture is scanned at: enough to see any transparent area, cheap at any size. */
const SCAN_SIDE = 512;

/** Formats that cannot hold transparency: nothing to decode. */
const OPAQUE_TYPES = new Set(['image/jpeg', 'image/jpg', 'image/bmp']);

/**
 * Whether a picture has any pixel that is not fully opaque: only then does the viewer show the
 * transparency checkerboard behind it. JPEGs are opaque by format; anything else is decoded
 * at most SCAN_SIDE pixels on its longest side (a transparent area survives the shrink) and its
 * alpha scanned. A picture the browser cannot decode counts as opaque.
 */
export async function hasTransparency(blob: Blob): Promise<boolean> {
  if (OPAQUE_TYPES.has(blob.type)) return false;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    return false;
  }
  try {
    const shrink = Math.min(1, SCAN_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * shrink));
    const height = Math.max(1, Math.round(bitmap.height * shrink));
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) return false;
    context.drawImage(bitmap, 0, 0, width, height);
    return anyTransparent(context.getImageData(0, 0, width, height).data);
  } finally {
    bitmap.close();
  }
}

/** Whether any alpha byte of RGBA pixels is below 255. */
export function anyTransparent(rgba: Uint8ClampedArray | Uint8Array): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i]! < 255) return true;
  return false;
}
