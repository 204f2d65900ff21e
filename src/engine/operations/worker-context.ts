import type { RgbaImage } from '../../../workers/tiler.ts';
import type { ModelRuntime } from '../../../workers/runtime.ts';

/**
 * What an operation's worker side gets: its input (as the Blob it came as, and decoded on
 * demand), the model runtime, and the means to report progress, notice a cancel and say which
 * engine ran.
 */
export interface OpContext {
  input: Blob;
  /** The input decoded to straight RGBA, EXIF orientation applied (decoded once, on demand). */
  image(): Promise<RgbaImage>;
  models: ModelRuntime;
  progress(fraction: number, etaSeconds: number | null): void;
  /** Throws a CanceledError once the job was canceled; call it between units of work. */
  throwIfCanceled(): void;
  isCanceled(): boolean;
  /** Which model/variant or classical method produced the result, recorded on the job. */
  engine(record: { model?: string; variant?: string; method?: string; tiles?: number }): void;
}

export interface OpOutput {
  blob: Blob;
  width: number;
  height: number;
}

/** The worker side of an operation: params already checked against its meta. */
export type OpWorker = (params: Record<string, unknown>, ctx: OpContext) => Promise<OpOutput>;
