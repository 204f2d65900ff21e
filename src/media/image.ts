/** Straight (not premultiplied) RGBA pixels, row by row: what decoders give and encoders take. */
export interface RgbaImage {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

export function hasTransparency(src: RgbaImage): boolean {
  const data = src.data;
  const end = src.width * src.height * 4;
  for (let i = 3; i < end; i += 4) {
    if (data[i]! !== 255) return true;
  }
  return false;
}
