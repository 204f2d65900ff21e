// Writes the small, committed test images in e2e/fixtures/. Deterministic: running it again
// gives byte-identical files, so a diff after a rerun means the helpers changed, not the data.
//
//   npx tsx scripts/make-fixtures.ts

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createImage,
  decodePng,
  downscaleArea,
  encodePng,
  type RgbaImage,
} from '../e2e/support/images.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixturesDir = join(repoRoot, 'e2e', 'fixtures');

// A plain path, not require.resolve: the package's exports map hides both assets/ and
// package.json. It is a direct devDependency, so npm always installs it at the top level.
const sourcePhoto = join(repoRoot, 'node_modules/@upscalerjs/esrgan-medium/assets/fixture.png');

/** Tiles img to width x height by reflecting about the edge pixels (no edge pixel repeated). */
function mirrorTile(img: RgbaImage, width: number, height: number): RgbaImage {
  const reflect = (i: number, size: number): number => {
    const period = 2 * (size - 1);
    const m = i % period;
    return m < size ? m : period - m;
  };
  const out = createImage(width, height);
  for (let y = 0; y < height; y++) {
    const sy = reflect(y, img.height);
    for (let x = 0; x < width; x++) {
      const sx = reflect(x, img.width);
      const from = (sy * img.width + sx) * 4;
      out.data.set(img.data.subarray(from, from + 4), (y * width + x) * 4);
    }
  }
  return out;
}

/** A fixed linear congruential sequence: the same "garbage" bytes on every run and machine. */
function deterministicBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

function write(name: string, bytes: Uint8Array): void {
  const path = join(fixturesDir, name);
  writeFileSync(path, bytes);
  console.log(`wrote ${relative(repoRoot, path)} (${bytes.length} bytes)`);
}

const original = decodePng(readFileSync(sourcePhoto));
if (original.width !== 128 || original.height !== 128) {
  throw new Error(
    `expected the 128x128 esrgan-medium fixture, got ${original.width}x${original.height}`,
  );
}
for (let i = 3; i < original.data.length; i += 4) {
  // encodePng drops alpha only for opaque images; a translucent source would change every test.
  if (original.data[i] !== 255) throw new Error(`${sourcePhoto} has transparent pixels`);
}

mkdirSync(fixturesDir, { recursive: true });
write('photo-original-128.png', encodePng(original));
write('photo-small-32.png', encodePng(downscaleArea(original, 4)));
write('photo-small-64.png', encodePng(downscaleArea(original, 2)));
write('photo-wide-300x200.png', encodePng(mirrorTile(original, 300, 200)));
write('photo-wide-360x240.png', encodePng(mirrorTile(original, 360, 240)));

const pngSignature = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);
const corrupt = new Uint8Array(pngSignature.length + 256);
corrupt.set(pngSignature);
corrupt.set(deterministicBytes(256, 0x6b696e74), pngSignature.length);
write('corrupt.png', corrupt);
write(
  'not-an-image.jpg',
  new TextEncoder().encode('This is plain text, not a JPEG, whatever the file name says.\n'),
);
