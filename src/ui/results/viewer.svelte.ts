export type ViewMode = 'slider' | 'side-by-side' | 'magnifier';

export const viewModes: readonly ViewMode[] = ['slider', 'side-by-side', 'magnifier'];

const MIN_SCALE = 1 / 64;
const MAX_SCALE = 32;

/**
 * One pan and zoom for every picture of a result: the before and the after (and both halves of
 * the lens) read this same transform, so they can never drift apart. Coordinates are CSS
 * pixels of the viewport; `scale` is CSS pixels per image pixel.
 */
export class ViewTransform {
  /**
   * @param floorAtFit Whether zooming out stops at "fit" (the painter: the photo never shrinks
   *   below the room it has); the result view may zoom out further.
   */
  constructor(private readonly floorAtFit = false) {}

  scale = $state(1);
  x = $state(0);
  y = $state(0);
  /** Whether the user has zoomed or panned; until then, the view follows "fit". */
  moved = $state(false);
  viewport = $state({ width: 0, height: 0 });
  image = $state({ width: 1, height: 1 });
  css = $derived(`translate(${this.x}px, ${this.y}px) scale(${this.scale})`);
  percent = $derived(Math.round(this.scale * devicePixelRatio * 100));

  /** The image pixel under a viewport point. */
  toImage(vx: number, vy: number): { x: number; y: number } {
    return { x: (vx - this.x) / this.scale, y: (vy - this.y) / this.scale };
  }

  setViewport(width: number, height: number): void {
    if (width === this.viewport.width && height === this.viewport.height) return;
    this.viewport = { width, height };
    if (this.moved) this.clamp();
    else this.fit();
  }

  setImage(width: number, height: number): void {
    this.image = { width, height };
    this.fit();
  }

  /** The scale at which the whole image just fits the viewport. */
  fitScale(): number {
    const { width, height } = this.viewport;
    return Math.min(width / this.image.width, height / this.image.height);
  }

  /** The whole image in view, as large as the viewport allows. */
  fit(): void {
    const { width, height } = this.viewport;
    if (!width || !height) return;
    this.scale = this.fitScale();
    this.moved = false;
    this.clamp();
  }

  /** One image pixel on one device pixel: the real output, never resampled down. */
  actualSize(): void {
    this.zoomTo(1 / devicePixelRatio);
  }

  /** Zooms keeping the image point under (vx, vy) where it is; the centre by default. */
  zoomTo(scale: number, vx = this.viewport.width / 2, vy = this.viewport.height / 2): void {
    const floor = this.floorAtFit ? this.fitScale() : MIN_SCALE;
    const next = Math.min(MAX_SCALE, Math.max(floor, scale));
    const at = this.toImage(vx, vy);
    this.scale = next;
    this.x = vx - at.x * next;
    this.y = vy - at.y * next;
    this.moved = true;
    this.clamp();
  }

  zoomBy(factor: number, vx?: number, vy?: number): void {
    this.zoomTo(this.scale * factor, vx, vy);
  }

  panBy(dx: number, dy: number): void {
    this.x += dx;
    this.y += dy;
    this.moved = true;
    this.clamp();
  }

  /** A smaller image stays centred; a larger one cannot be dragged away from the edges. */
  private clamp(): void {
    const w = this.image.width * this.scale;
    const h = this.image.height * this.scale;
    const { width, height } = this.viewport;
    this.x = w <= width ? (width - w) / 2 : Math.min(0, Math.max(width - w, this.x));
    this.y = h <= height ? (height - h) / 2 : Math.min(0, Math.max(height - h, this.y));
  }
}
