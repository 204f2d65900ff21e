import { HINTS_PARAM, hasHints } from '@/ops/common/colorize/hints-param.ts';
import type { Installed } from '@/ops/operation.ts';
import { operationMetas } from '@/ops/registry.ts';
import type { Operation } from '@/jobs/job.ts';
import { type ClearStep, PaintSession } from './painter.svelte.ts';

/** One stroke of colour (or of the eraser), in the photo's own pixels. */
export interface HintStroke {
  kind: 'paint' | 'erase';
  /** CSS colour of the paint. */
  color: string;
  /** Brush diameter in photo pixels. */
  size: number;
  /** x0, y0, x1, y1, … */
  points: number[];
}

export type HintStep = HintStroke | ClearStep;

export const HINT_BRUSH_MIN = 2;
export const HINT_BRUSH_MAX = 80;

/** A step that asks for colour and takes painted hints, and has none yet. */
export function wantsHints(operation: Operation): boolean {
  const meta = operationMetas[operation.type];
  if (!meta || !(HINTS_PARAM in meta.params) || hasHints(operation.params)) return false;
  return (
    (operation.params.enable_colorization ?? meta.params.enable_colorization?.default) === true
  );
}

/**
 * A colorizing restore-old-photo step with no model on this device to run it and no hints yet:
 * the app asks the person to paint colour hints instead (an API caller gets the "no model" error).
 */
export function needsHints(operation: Operation, installed: Installed): boolean {
  const meta = operationMetas[operation.type];
  if (!meta || !wantsHints(operation)) return false;
  const defaults = Object.fromEntries(Object.entries(meta.params).map(([k, s]) => [k, s.default]));
  return meta.check?.({ ...defaults, ...operation.params }, installed) != null;
}

/** The colour-hint painter: the mask painter's session with a colour to paint in. */
class HintSession extends PaintSession<HintStroke> {
  color = $state('#b4643c');
}

/** Hints are dabs, so the brush starts smaller than the mask painter's. */
export const hintPainter = new HintSession(12, HINT_BRUSH_MIN, HINT_BRUSH_MAX);

/** Draws a stroke from point index `from` (0 draws it whole, with its first dot). */
export function drawHintStroke(
  context: CanvasRenderingContext2D,
  stroke: HintStroke,
  from: number,
): void {
  const { points } = stroke;
  context.save();
  context.globalCompositeOperation = stroke.kind === 'erase' ? 'destination-out' : 'source-over';
  context.strokeStyle = context.fillStyle = stroke.color;
  context.lineWidth = stroke.size;
  context.lineCap = 'round';
  context.lineJoin = 'round';
  context.beginPath();
  if (points.length === 2) {
    context.arc(points[0]!, points[1]!, stroke.size / 2, 0, Math.PI * 2);
    context.fill();
  } else {
    const start = Math.max(0, from - 2);
    context.moveTo(points[start]!, points[start + 1]!);
    for (let i = start + 2; i < points.length; i += 2) context.lineTo(points[i]!, points[i + 1]!);
    context.stroke();
  }
  context.restore();
}

export function drawHintSteps(context: CanvasRenderingContext2D, steps: readonly HintStep[]): void {
  const { width, height } = context.canvas;
  context.clearRect(0, 0, width, height);
  for (const step of steps) {
    if (step.kind === 'clear') context.clearRect(0, 0, width, height);
    else drawHintStroke(context, step, 0);
  }
}
