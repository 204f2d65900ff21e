import type { Operation } from '@/jobs/job.ts';

/** One brush or eraser stroke, in the photo's own pixels. */
export interface Stroke {
  kind: 'paint' | 'erase';
  /** Brush diameter in photo pixels. */
  size: number;
  /** x0, y0, x1, y1, …: a flat list keeps long strokes cheap. */
  points: number[];
  /** A pen's pressure (0–1) at each point; absent for mouse and touch, which draw at full size. */
  pressures?: number[];
}

/** "Clear": undoable like any other step. */
export interface ClearStep {
  kind: 'clear';
}

/** What undo and redo step through: a stroke, or a clear. */
export type Step = Stroke | ClearStep;

export interface PendingPhoto {
  file: File;
  /** The steps to run; the painted mask fills those that need one. */
  operations: Operation[];
}

/** Where a pointer starts a stroke: photo pixels, photo pixels per CSS pixel, which tool. */
export interface StrokeStart {
  x: number;
  y: number;
  scale: number;
  erase: boolean;
  event: PointerEvent;
}

export const BRUSH_MIN = 2;
export const BRUSH_MAX = 160;

/**
 * A painter's state: the photos waiting to be painted on, and the steps painted on the current
 * one. The component draws; this holds what to draw, so undo and redo are list moves. The mask
 * painter and the colour-hint painter differ only in what a stroke carries and the brush range.
 */
export class PaintSession<S extends { kind: string }> {
  queue = $state.raw<PendingPhoto[]>([]);
  current = $derived(this.queue[0] ?? null);
  steps = $state.raw<(S | ClearStep)[]>([]);
  undone = $state.raw<(S | ClearStep)[]>([]);
  /** Brush diameter in screen pixels, so it feels the same on a small and a large photo. */
  brush = $state(0);
  erasing = $state(false);
  /** Whether anything is painted since the last clear: an empty mask would remove nothing. */
  painted = $derived.by(() => {
    const cleared = this.steps.findLastIndex((s) => s.kind === 'clear');
    return this.steps.slice(cleared + 1).some((s) => s.kind === 'paint');
  });

  constructor(
    brush: number,
    readonly brushMin: number,
    readonly brushMax: number,
  ) {
    this.brush = brush;
  }

  enqueue(files: readonly File[], operations: Operation[]): void {
    this.queue = [...this.queue, ...files.map((file) => ({ file, operations }))];
  }

  push(step: S | ClearStep): void {
    this.steps = [...this.steps, step];
    this.undone = [];
  }

  undo(): void {
    const last = this.steps.at(-1);
    if (!last) return;
    this.steps = this.steps.slice(0, -1);
    this.undone = [...this.undone, last];
  }

  redo(): void {
    const next = this.undone.at(-1);
    if (!next) return;
    this.undone = this.undone.slice(0, -1);
    this.steps = [...this.steps, next];
  }

  clear(): void {
    if (this.steps.length && this.steps.at(-1)?.kind !== 'clear') this.push({ kind: 'clear' });
  }

  setBrush(size: number): void {
    this.brush = Math.min(this.brushMax, Math.max(this.brushMin, Math.round(size)));
  }

  /** Done with the current photo (applied or skipped): the next one starts clean. */
  next(): void {
    this.queue = this.queue.slice(1);
    this.steps = [];
    this.undone = [];
    this.erasing = false;
  }
}

export const painter = new PaintSession<Stroke>(24, BRUSH_MIN, BRUSH_MAX);
