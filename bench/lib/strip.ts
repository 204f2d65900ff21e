import type { RgbaImage } from '../../e2e/support/images.ts';

/** Panels left to right with a 4 px white gap. */
export function strip(panels: readonly RgbaImage[]): RgbaImage {
  const gap = 4;
  const height = Math.max(...panels.map((p) => p.height));
  const width = panels.reduce((sum, p) => sum + p.width, 0) + gap * (panels.length - 1);
  const data = new Uint8Array(width * height * 4).fill(255);
  let x0 = 0;
  for (const panel of panels) {
    for (let y = 0; y < panel.height; y++) {
      data.set(
        panel.data.subarray(y * panel.width * 4, (y + 1) * panel.width * 4),
        (y * width + x0) * 4,
      );
    }
    x0 += panel.width + gap;
  }
  return { width, height, data };
}
