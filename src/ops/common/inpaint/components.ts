import type { Mask } from './mask.ts';

/** One 8-connected region of a mask. */
export interface Component {
  /** Label in `labels` (1-based). */
  label: number;
  area: number;
  x0: number;
  y0: number;
  /** Exclusive. */
  x1: number;
  y1: number;
  /** Fill pixels with a 4-neighbour outside the region (or on the image edge). */
  perimeter: number;
}

export interface Components {
  /** Per pixel: 0 outside the mask, else the component's label. */
  labels: Int32Array;
  list: Component[];
}

/** Labels the 8-connected regions of a mask, with each one's area, box and perimeter. */
export function labelComponents(mask: Mask): Components {
  const { width, height, data } = mask;
  const labels = new Int32Array(width * height);
  const list: Component[] = [];
  const stack = new Int32Array(width * height);
  for (let start = 0; start < data.length; start++) {
    if (!data[start] || labels[start]) continue;
    const label = list.length + 1;
    const c: Component = {
      label,
      area: 0,
      x0: width,
      y0: height,
      x1: 0,
      y1: 0,
      perimeter: 0,
    };
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % width;
      const y = (i - x) / width;
      c.area++;
      if (x < c.x0) c.x0 = x;
      if (x >= c.x1) c.x1 = x + 1;
      if (y < c.y0) c.y0 = y;
      if (y >= c.y1) c.y1 = y + 1;
      const edge =
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        !data[i - 1] ||
        !data[i + 1] ||
        !data[i - width] ||
        !data[i + width];
      if (edge) c.perimeter++;
      for (let dy = -1; dy <= 1; dy++) {
        const v = y + dy;
        if (v < 0 || v >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const u = x + dx;
          if (u < 0 || u >= width) continue;
          const j = v * width + u;
          if (data[j] && !labels[j]) {
            labels[j] = label;
            stack[top++] = j;
          }
        }
      }
    }
    list.push(c);
  }
  return { labels, list };
}
