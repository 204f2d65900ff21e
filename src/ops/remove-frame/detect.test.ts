import { describe, expect, it } from 'vitest';
import { decodePng } from '../../../e2e/support/images.ts';
import photoDataUrl from '../../../e2e/fixtures/photo-wide-300x200.png?inline';
import type { RgbaImage } from '@/media/image.ts';
import { detectFrame } from './detect.ts';

// Imported as a data: URL, so the test needs no Node API and type-checks with the app.
const photo = decodePng(
  Uint8Array.from(atob(photoDataUrl.slice(photoDataUrl.indexOf(',') + 1)), (c) => c.charCodeAt(0)),
);

let seed = 12345;
/** Deterministic noise in -amplitude..amplitude. */
function noise(amplitude: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return (seed % (2 * amplitude + 1)) - amplitude;
}

function canvas(width: number, height: number, colour: readonly number[], grain = 0): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    for (let c = 0; c < 3; c++) data[i + c] = colour[c]! + noise(grain);
    data[i + 3] = 255;
  }
  return { data, width, height };
}

/** Pastes a w × h piece of the hibiscus photo at (x, y), turned by `degrees` about its centre. */
function pastePhoto(target: RgbaImage, x: number, y: number, w: number, h: number, degrees = 0) {
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const cx = x + w / 2;
  const cy = y + h / 2;
  for (let ty = 0; ty < target.height; ty++) {
    for (let tx = 0; tx < target.width; tx++) {
      // Inverse rotation: where in the upright photo this target pixel comes from.
      const dx = tx + 0.5 - cx;
      const dy = ty + 0.5 - cy;
      const sx = Math.floor(cos * dx + sin * dy + w / 2);
      const sy = Math.floor(-sin * dx + cos * dy + h / 2);
      if (sx < 0 || sy < 0 || sx >= w || sy >= h) continue;
      const from = ((sy + 20) * photo.width + sx + 30) * 4;
      target.data.set(photo.data.subarray(from, from + 4), (ty * target.width + tx) * 4);
    }
  }
}

describe('detectFrame', () => {
  it('finds an uneven white border within 2 px of the true inner rectangle', () => {
    const image = canvas(17 + 240 + 9, 14 + 160 + 22, [246, 244, 240], 4);
    pastePhoto(image, 17, 14, 240, 160);
    const found = detectFrame(image);
    expect(found).not.toBeNull();
    const { x, y, width, height } = found!.rect;
    expect(Math.abs(x - 17)).toBeLessThanOrEqual(2);
    expect(Math.abs(y - 14)).toBeLessThanOrEqual(2);
    expect(Math.abs(x + width - (17 + 240))).toBeLessThanOrEqual(2);
    expect(Math.abs(y + height - (14 + 160))).toBeLessThanOrEqual(2);
  });

  it('finds a frame on a picture that is itself pale along its top edge', () => {
    const image = canvas(12 + 240 + 12, 10 + 160 + 10, [250, 250, 250], 2);
    pastePhoto(image, 12, 10, 240, 160);
    // A pale sky over the photo's top 40 rows, 30 levels darker than the frame.
    for (let y = 10; y < 50; y++) {
      for (let x = 12; x < 252; x++) image.data.set([205, 220, 238], (y * image.width + x) * 4);
    }
    const { rect } = detectFrame(image)!;
    expect(Math.abs(rect.x - 12)).toBeLessThanOrEqual(2);
    expect(Math.abs(rect.y - 10)).toBeLessThanOrEqual(2);
    expect(Math.abs(rect.x + rect.width - 252)).toBeLessThanOrEqual(2);
    expect(Math.abs(rect.y + rect.height - 170)).toBeLessThanOrEqual(2);
  });

  it('crops all of a cream mat around a print turned by 1.5°, losing little of the print', () => {
    const mat: [number, number, number] = [232, 224, 204];
    const image = canvas(280, 210, mat, 3);
    pastePhoto(image, 20, 25, 240, 160, 1.5);
    const { rect } = detectFrame(image)!;
    let matPixels = 0;
    for (let y = rect.y; y < rect.y + rect.height; y++) {
      for (let x = rect.x; x < rect.x + rect.width; x++) {
        const i = (y * image.width + x) * 4;
        if (mat.every((v, c) => Math.abs(image.data[i + c]! - v) <= 6)) matPixels++;
      }
    }
    expect(matPixels / (rect.width * rect.height)).toBeLessThan(0.002);
    // The largest upright rectangle inside the turned print is about 231 × 147.
    expect(rect.width).toBeGreaterThanOrEqual(226);
    expect(rect.height).toBeGreaterThanOrEqual(142);
  });

  it('finds nothing in a photo without a frame', () => {
    const image = canvas(240, 160, [0, 0, 0]);
    pastePhoto(image, 0, 0, 240, 160);
    expect(detectFrame(image)).toBeNull();
  });

  it('leaves a uniform band on one side alone: sky, not a frame', () => {
    const image = canvas(240, 200, [0, 0, 0]);
    pastePhoto(image, 0, 40, 240, 160);
    for (let i = 0; i < 240 * 40 * 4; i += 4) image.data.set([120, 170, 230, 255], i);
    expect(detectFrame(image)).toBeNull();
  });

  it('crops a scanner bed showing on two sides', () => {
    const image = canvas(260, 190, [250, 250, 250], 2);
    pastePhoto(image, 0, 0, 240, 160);
    const found = detectFrame(image)!;
    expect(found.depths).toMatchObject({ top: 0, left: 0 });
    expect(found.rect).toEqual({ x: 0, y: 0, width: 240, height: 160 });
  });
});
