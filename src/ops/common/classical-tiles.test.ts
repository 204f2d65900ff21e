import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '@/media/image.ts';
import { fittedTileSize, runClassicalTiled, type TileFilter } from './classical-tiles.ts';

function testImage(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  let state = 7;
  for (let i = 0; i < width * height; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const x = i % width;
    data[i * 4] = (x * 5 + (state >>> 28)) & 255;
    data[i * 4 + 1] = ((i / width) * 3) & 255;
    data[i * 4 + 2] = state >>> 24;
    data[i * 4 + 3] = 255 - (x % 4) * 40;
  }
  return { data, width, height };
}

/** A (2r + 1)² box mean with mirrored edges: a filter whose reach is exactly r pixels. */
function boxMean(rgb: Float32Array, width: number, height: number, r: number): Float32Array {
  const mirror = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);
  const out = new Float32Array(rgb.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = -r; dy <= r; dy++) {
          for (let dx = -r; dx <= r; dx++) {
            sum += rgb[(mirror(y + dy, height) * width + mirror(x + dx, width)) * 3 + c]!;
          }
        }
        out[(y * width + x) * 3 + c] = sum / (2 * r + 1) ** 2;
      }
    }
  }
  return out;
}

async function run(
  image: RgbaImage,
  tileSize: number,
  context: number,
  filter: TileFilter,
  square = true,
) {
  const out = new Uint8Array(image.width * image.height * 4);
  let row = 0;
  const progress: number[] = [];
  const { tiles } = await runClassicalTiled({
    image,
    tileSize,
    context,
    square,
    filter,
    sink: (band, rows) => {
      out.set(band.subarray(0, rows * image.width * 4), row * image.width * 4);
      row += rows;
    },
    onProgress: (done, total) => progress.push(done / total),
    throwIfCanceled: () => {},
  });
  return { out, rows: row, tiles, progress };
}

describe('runClassicalTiled', () => {
  it('puts every pixel back where it was, alpha included, band by band', async () => {
    const image = testImage(45, 31);
    for (const square of [true, false]) {
      const sizes: string[] = [];
      const { out, rows, tiles, progress } = await run(
        image,
        24,
        4,
        (rgb, width, height) => {
          sizes.push(`${width}x${height}`);
          return rgb;
        },
        square,
      );
      expect(rows).toBe(31);
      expect(tiles).toBe(3 * 2);
      expect(out).toEqual(image.data);
      expect(progress.at(-1)).toBe(1);
      // 16-px cores: the last column keeps 13 px, the last row 15, each with 4 px of context.
      expect(sizes).toEqual(
        square ? Array(6).fill('24x24') : ['24x24', '24x24', '21x24', '24x23', '24x23', '21x23'],
      );
    }
  });

  it('gives the whole-image result when the context covers the filter’s reach', async () => {
    const image = testImage(40, 36);
    const reach = 5;
    const filter: TileFilter = (rgb, width, height) => boxMean(rgb, width, height, reach);
    const tiled = await run(image, 2 * reach + 10, reach, filter, false);
    const planes = new Float32Array(40 * 36 * 3);
    for (let i = 0; i < 40 * 36; i++) {
      for (let c = 0; c < 3; c++) planes[i * 3 + c] = image.data[i * 4 + c]!;
    }
    const whole = boxMean(planes, 40, 36, reach);
    let worst = 0;
    for (let i = 0; i < 40 * 36; i++) {
      for (let c = 0; c < 3; c++) {
        const expected = Math.round(Math.min(255, Math.max(0, whole[i * 3 + c]!)));
        worst = Math.max(worst, Math.abs(tiled.out[i * 4 + c]! - expected));
      }
    }
    expect(tiled.tiles).toBeGreaterThan(4);
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('stops when canceled', async () => {
    const image = testImage(40, 40);
    await expect(
      runClassicalTiled({
        image,
        tileSize: 16,
        context: 2,
        square: true,
        filter: (rgb) => rgb,
        sink: () => {},
        onProgress: () => {},
        throwIfCanceled: () => {
          throw new Error('Canceled');
        },
      }),
    ).rejects.toThrow('Canceled');
  });
});

describe('fittedTileSize', () => {
  it('keeps the preferred size for big images and shrinks for small ones', () => {
    expect(fittedTileSize(1000, 800, 256, 32)).toBe(256);
    expect(fittedTileSize(100, 60, 256, 11)).toBe(128);
    expect(fittedTileSize(100, 60, 256, 32, true)).toBe(256);
    expect(fittedTileSize(60, 40, 256, 32, true)).toBe(128);
  });
});
