import type { Step } from './painter.svelte.ts';

/**
 * Any opaque colour would do: the mask is read from the canvas's alpha, never from this.
 * Magenta, because photos rarely hold it, so the strokes show on skin, sky and foliage alike.
 */
const INK = '#ff00e6';

/** Draws the steps onto a canvas the photo's size: paint adds ink, erase and clear remove it. */
export function drawSteps(context: CanvasRenderingContext2D, steps: readonly Step[]): void {
  const { width, height } = context.canvas;
  context.clearRect(0, 0, width, height);
  for (const step of steps) {
    if (step.kind === 'clear') context.clearRect(0, 0, width, height);
    else drawStroke(context, step.kind, step.size, step.points, 0, step.pressures);
  }
}

/**
 * The width a pen draws at: a normal press (0.5, what most pens report resting on the screen)
 * gives the full brush, a lighter one down to a fifth of it.
 */
export function penWidth(size: number, pressure: number): number {
  return size * Math.min(1, 0.2 + 1.6 * Math.max(0, pressure));
}

/**
 * Draws a stroke from point index `from` (0 draws it whole, with its first dot). With pen
 * pressures, each segment takes the width of its two ends' mean pressure.
 */
export function drawStroke(
  context: CanvasRenderingContext2D,
  kind: 'paint' | 'erase',
  size: number,
  points: readonly number[],
  from: number,
  pressures?: readonly number[],
): void {
  context.save();
  context.globalCompositeOperation = kind === 'erase' ? 'destination-out' : 'source-over';
  context.strokeStyle = context.fillStyle = INK;
  context.lineWidth = size;
  context.lineCap = 'round';
  context.lineJoin = 'round';
  context.beginPath();
  const start = Math.max(0, from - 2);
  context.moveTo(points[start]!, points[start + 1]!);
  if (points.length === 2) {
    // A tap is a dot.
    const width = pressures ? penWidth(size, pressures[0] ?? 0.5) : size;
    context.arc(points[0]!, points[1]!, width / 2, 0, Math.PI * 2);
    context.fill();
  } else if (pressures) {
    for (let i = start + 2; i < points.length; i += 2) {
      const pressure = ((pressures[i / 2 - 1] ?? 0.5) + (pressures[i / 2] ?? 0.5)) / 2;
      context.beginPath();
      context.lineWidth = penWidth(size, pressure);
      context.moveTo(points[i - 2]!, points[i - 1]!);
      context.lineTo(points[i]!, points[i + 1]!);
      context.stroke();
    }
  } else {
    for (let i = start + 2; i < points.length; i += 2) context.lineTo(points[i]!, points[i + 1]!);
    context.stroke();
  }
  context.restore();
}

/**
 * The mask as Kintsugi reads it (src/ops/common/inpaint/mask.ts): opaque white where the user
 * painted, opaque black elsewhere. Thresholding the alpha at half keeps the antialiased stroke
 * edges from becoming greys that a reader could take either way.
 */
export function binaryMask(rgba: Uint8ClampedArray): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const value = rgba[i + 3]! >= 128 ? 255 : 0;
    out[i] = out[i + 1] = out[i + 2] = value;
    out[i + 3] = 255;
  }
  return out;
}

/** The mask of a painted canvas as a PNG data URL, the same size as the canvas. */
export function maskDataUrl(painted: HTMLCanvasElement): string {
  const { width, height } = painted;
  const source = painted.getContext('2d')!.getImageData(0, 0, width, height);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  out.getContext('2d')!.putImageData(new ImageData(binaryMask(source.data), width, height), 0, 0);
  return out.toDataURL('image/png');
}
