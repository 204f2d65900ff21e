import { describe, expect, it } from 'vitest';
import { type RgbaImage, hasTransparency } from '@/media/image.ts';
import {
  bandByteLength,
  bandHeight,
  bandTiles,
  TILE_CAP,
  planTiles,
  readTile,
  reflectIndex,
  tileSizeFor,
  uniformTileColor,
  upscaleAlphaIntoBand,
  writeTile,
  type TileGrid,
} from './tiler.ts';

function makeImage(
  width: number,
  height: number,
  pixel: (x: number, y: number) => [number, number, number, number],
): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  }
  return { data, width, height };
}

/** Deterministic pseudo-random bytes so failures reproduce. */
function noiseImage(width: number, height: number, seed = 1): RgbaImage {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  };
  return makeImage(width, height, () => [next(), next(), next(), 255]);
}

function allTiles(grid: TileGrid) {
  return Array.from({ length: grid.rows }, (_, row) => bandTiles(grid, row)).flat();
}

/** Stands in for the network: nearest-neighbour ×scale of the whole input tile, context included. */
function nearestModel(input: Float32Array, tileSize: number, scale: number): Float32Array {
  const outSize = tileSize * scale;
  const output = new Float32Array(3 * outSize * outSize);
  for (let c = 0; c < 3; c++) {
    for (let oy = 0; oy < outSize; oy++) {
      for (let ox = 0; ox < outSize; ox++) {
        output[c * outSize * outSize + oy * outSize + ox] =
          input[
            c * tileSize * tileSize + Math.floor(oy / scale) * tileSize + Math.floor(ox / scale)
          ]!;
      }
    }
  }
  return output;
}

/** A model whose output depends on the context: 3x3 box blur, then nearest-neighbour ×scale. */
function blurModel(input: Float32Array, tileSize: number, scale: number): Float32Array {
  const blurred = new Float32Array(input.length);
  const plane = tileSize * tileSize;
  for (let c = 0; c < 3; c++) {
    for (let y = 1; y < tileSize - 1; y++) {
      for (let x = 1; x < tileSize - 1; x++) {
        let sum = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) sum += input[c * plane + (y + dy) * tileSize + x + dx]!;
        }
        blurred[c * plane + y * tileSize + x] = sum / 9;
      }
    }
  }
  return nearestModel(blurred, tileSize, scale);
}

/** Runs every tile through `model` and stitches the bands into one RGBA image. */
function upscaleThroughTiles(
  src: RgbaImage,
  tileSize: number,
  context: number,
  scale: number,
  range: [number, number],
  model: (input: Float32Array, tileSize: number, scale: number) => Float32Array,
): Uint8Array {
  const grid = planTiles(src.width, src.height, tileSize, context);
  const result = new Uint8Array(src.width * scale * src.height * scale * 4);
  const input = new Float32Array(3 * tileSize * tileSize);
  for (let row = 0; row < grid.rows; row++) {
    const band = new Uint8Array(bandByteLength(grid, scale, row));
    for (const tile of bandTiles(grid, row)) {
      readTile(src, grid, tile, range, input);
      writeTile(model(input, tileSize, scale), scale, grid, tile, range, band);
    }
    result.set(band, row * grid.stride * scale * src.width * scale * 4);
  }
  return result;
}

function nearestUpscale(src: RgbaImage, scale: number): Uint8Array {
  const outWidth = src.width * scale;
  const out = new Uint8Array(outWidth * src.height * scale * 4);
  for (let y = 0; y < src.height * scale; y++) {
    for (let x = 0; x < outWidth; x++) {
      const s = (Math.floor(y / scale) * src.width + Math.floor(x / scale)) * 4;
      const d = (y * outWidth + x) * 4;
      out.set([src.data[s]!, src.data[s + 1]!, src.data[s + 2]!, 255], d);
    }
  }
  return out;
}

/** Reference for blurModel over the whole image, padding by reflection as the tiler should. */
function blurredNearestUpscale(src: RgbaImage, scale: number): Uint8Array {
  const { width, height, data } = src;
  const blurred = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            sum +=
              data[(reflectIndex(y + dy, height) * width + reflectIndex(x + dx, width)) * 4 + c]!;
          }
        }
        blurred[(y * width + x) * 4 + c] = Math.round(sum / 9);
      }
      blurred[(y * width + x) * 4 + 3] = 255;
    }
  }
  return nearestUpscale({ data: blurred, width, height }, scale);
}

function firstMismatch(actual: Uint8Array, expected: Uint8Array): number {
  if (actual.length !== expected.length) return -2;
  for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) return i;
  return -1;
}

describe('planTiles and bands', () => {
  const cases: [number, number, number, number][] = [
    [100, 70, 32, 4], // width not a multiple of the stride
    [96, 48, 32, 4], // exact multiples
    [10, 7, 64, 8], // smaller than one tile
    [1, 1, 16, 2],
    [1, 50, 16, 0],
    [3840, 2160, 128, 16],
  ];

  it.each(cases)('%ix%i, T=%i, C=%i: tile cores cover every pixel exactly once', (w, h, t, c) => {
    const grid = planTiles(w, h, t, c);
    expect(grid.stride).toBe(t - 2 * c);
    expect(grid.count).toBe(grid.cols * grid.rows);
    const covered = new Uint8Array(w * h);
    const tiles = allTiles(grid);
    expect(tiles.map((tile) => tile.index)).toEqual([...Array(grid.count).keys()]);
    for (const tile of tiles) {
      expect(tile.w).toBeGreaterThan(0);
      expect(tile.h).toBeGreaterThan(0);
      expect(tile.w).toBeLessThanOrEqual(grid.stride);
      for (let y = tile.y; y < tile.y + tile.h; y++) {
        for (let x = tile.x; x < tile.x + tile.w; x++) covered[y * w + x]!++;
      }
    }
    expect(covered.every((n) => n === 1)).toBe(true);
  });

  it.each(cases)('%ix%i, T=%i, C=%i: bands cover all rows in order', (w, h, t, c) => {
    const grid = planTiles(w, h, t, c);
    let y = 0;
    for (let row = 0; row < grid.rows; row++) {
      const tiles = bandTiles(grid, row);
      expect(tiles).toHaveLength(grid.cols);
      for (const tile of tiles) {
        expect(tile.y).toBe(y);
        expect(tile.h).toBe(bandHeight(grid, row));
      }
      y += bandHeight(grid, row);
    }
    expect(y).toBe(h);
  });

  it('describes an image smaller than a tile as one tile', () => {
    const grid = planTiles(10, 7, 64, 8);
    expect(grid).toMatchObject({ stride: 48, cols: 1, rows: 1, count: 1 });
    expect(bandTiles(grid, 0)).toEqual([{ index: 0, col: 0, row: 0, x: 0, y: 0, w: 10, h: 7 }]);
  });

  it('gives the last column and row the remainder', () => {
    const grid = planTiles(100, 70, 32, 4); // stride 24
    expect(grid).toMatchObject({ cols: 5, rows: 3 });
    expect(bandTiles(grid, 2).at(-1)).toEqual({
      index: 14,
      col: 4,
      row: 2,
      x: 96,
      y: 48,
      w: 4,
      h: 22,
    });
  });

  it('rejects a tile with no core and bad sizes', () => {
    expect(() => planTiles(10, 10, 32, 16)).toThrow(RangeError);
    expect(() => planTiles(10, 10, 32, 20)).toThrow(RangeError);
    expect(() => planTiles(0, 10, 32, 4)).toThrow(RangeError);
    expect(() => planTiles(10, 10.5, 32, 4)).toThrow(RangeError);
    expect(() => planTiles(10, 10, 32, -1)).toThrow(RangeError);
    expect(() => bandTiles(planTiles(10, 10, 8, 2), 3)).toThrow(RangeError);
  });
});

describe('reflectIndex', () => {
  it('mirrors without repeating the edge pixel', () => {
    expect([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6].map((i) => reflectIndex(i, 4))).toEqual([
      3, 2, 1, 0, 1, 2, 3, 2, 1, 0,
    ]);
  });

  it('folds repeatedly for windows much wider than the image', () => {
    expect([-7, -6, -5, 7, 8, 9, 13].map((i) => reflectIndex(i, 3))).toEqual([1, 2, 1, 1, 0, 1, 1]);
    expect([-3, -2, -1, 0, 1, 2, 3].map((i) => reflectIndex(i, 2))).toEqual([1, 0, 1, 0, 1, 0, 1]);
  });

  it('repeats a 1-pixel dimension', () => {
    expect([-5, -1, 0, 1, 7].map((i) => reflectIndex(i, 1))).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('readTile', () => {
  // R encodes x and G encodes y, so each sample shows which source pixel it came from.
  const coords = makeImage(4, 3, (x, y) => [x * 10, y * 10, 200, 255]);
  const grid = planTiles(4, 3, 8, 2); // stride 4: one tile, window [-2, 6) on both axes
  const tile = bandTiles(grid, 0)[0]!;
  const out = new Float32Array(3 * 64);
  readTile(coords, grid, tile, [0, 255], out);
  const sample = (plane: number, tx: number, ty: number) => out[plane * 64 + ty * 8 + tx];

  it('reflects at the left and right edges', () => {
    expect(Array.from({ length: 8 }, (_, tx) => sample(0, tx, 3))).toEqual([
      20, 10, 0, 10, 20, 30, 20, 10,
    ]);
  });

  it('reflects at the top and bottom edges, folding again past a short image', () => {
    expect(Array.from({ length: 8 }, (_, ty) => sample(1, 3, ty))).toEqual([
      20, 10, 0, 10, 20, 10, 0, 10,
    ]);
  });

  it('reflects corners on both axes and fills the blue plane', () => {
    expect([sample(0, 0, 0), sample(1, 0, 0), sample(2, 0, 0)]).toEqual([20, 20, 200]);
    expect([sample(0, 7, 7), sample(1, 7, 7), sample(2, 7, 7)]).toEqual([10, 10, 200]);
  });

  it('takes interior tiles’ context from neighbouring tiles', () => {
    const wide = makeImage(20, 1, (x) => [x, 0, 0, 255]);
    const wideGrid = planTiles(20, 1, 8, 2);
    const second = bandTiles(wideGrid, 0)[1]!; // core x 4..7, window 2..9
    const buffer = new Float32Array(3 * 64);
    readTile(wide, wideGrid, second, [0, 255], buffer);
    expect(Array.from(buffer.subarray(0, 8))).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('maps 0..255 linearly onto the range', () => {
    const ramp = makeImage(3, 1, (x) => [[0, 51, 255][x]!, 255, 0, 255]);
    const rampGrid = planTiles(3, 1, 4, 1);
    const buffer = new Float32Array(3 * 16);
    readTile(ramp, rampGrid, bandTiles(rampGrid, 0)[0]!, [-1, 1], buffer);
    expect(buffer[1]).toBeCloseTo(-1, 6);
    expect(buffer[2]).toBeCloseTo(-0.6, 6);
    expect(buffer[3]).toBeCloseTo(1, 6);
    expect(buffer[16 + 1]).toBeCloseTo(1, 6);
    expect(buffer[32 + 1]).toBeCloseTo(-1, 6);

    readTile(ramp, rampGrid, bandTiles(rampGrid, 0)[0]!, [0, 1], buffer);
    expect(buffer[2]).toBeCloseTo(0.2, 6);
  });

  it('rejects a short buffer or an image that does not match the grid', () => {
    expect(() => readTile(coords, grid, tile, [0, 1], new Float32Array(10))).toThrow(RangeError);
    expect(() => readTile(coords, planTiles(5, 3, 8, 2), tile, [0, 1], out)).toThrow(RangeError);
    expect(() => readTile(coords, grid, tile, [1, 1], out)).toThrow(RangeError);
  });
});

describe('writeTile', () => {
  it('rounds, clamps and sets alpha', () => {
    const grid = planTiles(5, 1, 3, 1); // stride 1: five tiles, one pixel each
    const band = new Uint8Array(bandByteLength(grid, 1, 0));
    const values = [-0.2, 0.6 / 255, 1.49 / 255, 1.7, Number.NaN];
    for (const tile of bandTiles(grid, 0)) {
      const output = new Float32Array(27).fill(values[tile.col]!);
      writeTile(output, 1, grid, tile, [0, 1], band);
    }
    expect(Array.from(band.filter((_, i) => i % 4 === 0))).toEqual([0, 1, 1, 255, 0]);
    expect(Array.from(band.filter((_, i) => i % 4 === 3))).toEqual([255, 255, 255, 255, 255]);
  });

  it('rejects short outputs and bands', () => {
    const grid = planTiles(8, 8, 8, 2);
    const tile = bandTiles(grid, 0)[0]!;
    const band = new Uint8Array(bandByteLength(grid, 2, 0));
    expect(() => writeTile(new Float32Array(3 * 64), 2, grid, tile, [0, 1], band)).toThrow(
      RangeError,
    );
    expect(() =>
      writeTile(new Float32Array(3 * 256), 2, grid, tile, [0, 1], band.subarray(1)),
    ).toThrow(RangeError);
  });
});

describe('readTile → model → writeTile round trip', () => {
  const cases: [string, number, number, number, number, number, [number, number]][] = [
    ['odd size, several tiles', 37, 23, 16, 3, 3, [0, 1]],
    ['exact multiples, no context', 48, 32, 16, 0, 2, [0, 1]],
    ['smaller than a tile', 5, 4, 16, 4, 2, [-1, 1]],
    ['1x1', 1, 1, 8, 2, 4, [0, 255]],
    ['one row', 29, 1, 8, 1, 2, [0, 1]],
    ['one column', 1, 29, 8, 3, 3, [0, 1]],
    ['realistic tile shape', 300, 170, 128, 16, 4, [0, 1]],
  ];

  it.each(cases)('%s: nearest-neighbour model gives a seamless upscale', (_, w, h, t, c, s, r) => {
    const src = noiseImage(w, h, w * 31 + h);
    const stitched = upscaleThroughTiles(src, t, c, s, r, nearestModel);
    expect(firstMismatch(stitched, nearestUpscale(src, s))).toBe(-1);
  });

  it.each(cases.filter(([, , , , c]) => c >= 1))(
    '%s: a model that reads the context matches the whole-image result',
    (_, w, h, t, c, s, r) => {
      const src = noiseImage(w, h, w + h * 17);
      const stitched = upscaleThroughTiles(src, t, c, s, r, blurModel);
      expect(firstMismatch(stitched, blurredNearestUpscale(src, s))).toBe(-1);
    },
  );
});

describe('upscaleAlphaIntoBand', () => {
  function upscaleAlpha(src: RgbaImage, scale: number, tileSize: number, context: number) {
    const grid = planTiles(src.width, src.height, tileSize, context);
    const outWidth = src.width * scale;
    const alpha = new Uint8Array(outWidth * src.height * scale);
    for (let row = 0; row < grid.rows; row++) {
      const band = new Uint8Array(bandByteLength(grid, scale, row)).fill(7);
      upscaleAlphaIntoBand(src, scale, grid, row, band);
      const firstRow = row * grid.stride * scale;
      for (let i = 0; i < band.length; i += 4) {
        expect(band[i]).toBe(7); // RGB untouched
        alpha[firstRow * outWidth + i / 4] = band[i + 3]!;
      }
    }
    return alpha;
  }

  /** Straightforward per-pixel bilinear with centre alignment, edge-clamped. */
  function referenceAlpha(src: RgbaImage, scale: number): Uint8Array {
    const outWidth = src.width * scale;
    const outHeight = src.height * scale;
    const a = (x: number, y: number) => src.data[(y * src.width + x) * 4 + 3]!;
    const out = new Uint8Array(outWidth * outHeight);
    for (let oy = 0; oy < outHeight; oy++) {
      const fy = Math.min(Math.max((oy + 0.5) / scale - 0.5, 0), src.height - 1);
      const y0 = Math.floor(fy);
      const y1 = Math.min(y0 + 1, src.height - 1);
      for (let ox = 0; ox < outWidth; ox++) {
        const fx = Math.min(Math.max((ox + 0.5) / scale - 0.5, 0), src.width - 1);
        const x0 = Math.floor(fx);
        const x1 = Math.min(x0 + 1, src.width - 1);
        const top = a(x0, y0) + (a(x1, y0) - a(x0, y0)) * (fx - x0);
        const bottom = a(x0, y1) + (a(x1, y1) - a(x0, y1)) * (fx - x0);
        out[oy * outWidth + ox] = Math.round(top + (bottom - top) * (fy - y0));
      }
    }
    return out;
  }

  const gradient = makeImage(5, 4, (x, y) => [0, 0, 0, Math.min(255, x * 60 + y * 5)]);

  it('keeps a gradient smooth rather than binarising it', () => {
    const alpha = upscaleAlpha(gradient, 4, 6, 1);
    const distinct = new Set(alpha);
    expect(distinct.size).toBeGreaterThan(20);
    const row = Array.from(alpha.subarray(0, 20));
    for (let i = 1; i < row.length; i++) expect(row[i]!).toBeGreaterThanOrEqual(row[i - 1]!);
  });

  it('equals the source alpha where output pixel centres sit on source centres (odd scale)', () => {
    const scale = 3;
    const alpha = upscaleAlpha(gradient, scale, 6, 1);
    for (let y = 0; y < gradient.height; y++) {
      for (let x = 0; x < gradient.width; x++) {
        const centre = (y * scale + 1) * gradient.width * scale + x * scale + 1;
        expect(alpha[centre]).toBe(gradient.data[(y * gradient.width + x) * 4 + 3]);
      }
    }
  });

  it.each([
    [1, 6, 1],
    [2, 6, 1],
    [4, 8, 2],
    [3, 4, 1],
  ])('matches a per-pixel reference across bands (scale %i, T=%i, C=%i)', (s, t, c) => {
    const src = makeImage(13, 11, (x, y) => [0, 0, 0, (x * 37 + y * y * 11) % 256]);
    expect(firstMismatch(upscaleAlpha(src, s, t, c), referenceAlpha(src, s))).toBe(-1);
  });

  it('handles a 1x1 image', () => {
    const dot = makeImage(1, 1, () => [0, 0, 0, 100]);
    expect(Array.from(upscaleAlpha(dot, 2, 4, 1))).toEqual([100, 100, 100, 100]);
  });
});

describe('hasTransparency', () => {
  it('finds a single non-opaque pixel', () => {
    const opaque = makeImage(3, 2, () => [1, 2, 3, 255]);
    expect(hasTransparency(opaque)).toBe(false);
    opaque.data[(1 * 3 + 2) * 4 + 3] = 254;
    expect(hasTransparency(opaque)).toBe(true);
  });
});

describe('tileSizeFor', () => {
  const esrgan = { context: 16, min: 32, max: 512 };
  /** Model input pixels for an image at a tile edge: runs × edge². */
  const work = (w: number, h: number, edge: number) => {
    const grid = planTiles(w, h, edge, esrgan.context);
    return grid.count * edge * edge;
  };

  it('shrinks to fit an image smaller than one tile, never below min', () => {
    expect(tileSizeFor(esrgan, 40, 30)).toBe(72);
    expect(tileSizeFor(esrgan, 4, 4)).toBe(40);
    expect(tileSizeFor({ ...esrgan, min: 48 }, 4, 4)).toBe(48);
  });

  it('runs a photo that fits under the cap as one tile', () => {
    expect(tileSizeFor(esrgan, 256, 256)).toBe(288);
    expect(planTiles(256, 256, 288, 16).count).toBe(1);
    expect(planTiles(300, 200, tileSizeFor(esrgan, 300, 200), 16).count).toBeLessThanOrEqual(2);
  });

  it('does less work than fixed 128 or 256 tiles on common photo sizes', () => {
    for (const [w, h] of [
      [1024, 1024],
      [1920, 1080],
      [3840, 2160],
      [640, 480],
      [1200, 1600],
      [4000, 3000],
    ] as const) {
      const edge = tileSizeFor(esrgan, w, h);
      const chosen = work(w, h, edge);
      expect(chosen, `${w}x${h} at ${edge}`).toBeLessThanOrEqual(work(w, h, 256));
      expect(chosen, `${w}x${h} at ${edge}`).toBeLessThan(work(w, h, 128));
      expect(chosen / (w * h), `${w}x${h} at ${edge}`).toBeLessThan(1.5);
    }
  });

  it('stays within the model max and the cap', () => {
    expect(tileSizeFor({ ...esrgan, max: 192 }, 4000, 4000)).toBeLessThanOrEqual(192);
    for (const [w, h] of [
      [3840, 2160],
      [5000, 5000],
    ] as const) {
      expect(tileSizeFor(esrgan, w, h)).toBeLessThanOrEqual(TILE_CAP);
    }
    expect(tileSizeFor({ context: 48, min: 112, max: 512 }, 4000, 4000)).toBeGreaterThanOrEqual(
      112,
    );
  });
});

describe('uniformTileColor', () => {
  const flat = makeImage(300, 200, () => [10, 20, 30, 255]);

  it('gives the colour of a window that is one RGB value, alpha aside', () => {
    const grid = planTiles(300, 200, 64, 8);
    const withAlpha = makeImage(300, 200, (x) => [10, 20, 30, x % 256]);
    expect(uniformTileColor(flat, grid, bandTiles(grid, 1)[2]!)).toBe(0x0a141e);
    expect(uniformTileColor(withAlpha, grid, bandTiles(grid, 0)[0]!)).toBe(0x0a141e);
  });

  it('sees a single different pixel anywhere in the window', () => {
    const grid = planTiles(300, 200, 64, 8);
    // (3, 3) is in tile (0, 0)'s window, and again at the mirrored (-3, -3).
    const dot = makeImage(300, 200, (x, y) =>
      x === 3 && y === 3 ? [10, 20, 31, 255] : [10, 20, 30, 255],
    );
    const [first, second] = bandTiles(grid, 0);
    expect(uniformTileColor(dot, grid, first!)).toBe(-1);
    // Tile 1's window starts at x = 48 - 8 = 40: it never sees the dot.
    expect(uniformTileColor(dot, grid, second!)).toBe(0x0a141e);
    const edge = makeImage(300, 200, (x, y) =>
      x === 299 && y === 100 ? [0, 0, 0, 255] : [10, 20, 30, 255],
    );
    const last = bandTiles(grid, 1).at(-1)!;
    expect(uniformTileColor(edge, grid, last)).toBe(-1);
  });
});
