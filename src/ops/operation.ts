import type { EngineRecord } from '@/jobs/job.ts';
import type { PreviewBand } from '@/inference/preview.ts';
import type { ModelRuntime } from '@/inference/runtime.ts';
import type { RgbaImage } from '@/media/image.ts';

// The contract of an operation, on both sides. Its folder under src/ops/ holds `meta.ts` (an
// OperationMeta: data only, read by the page, the service worker's API and the worker), `run.ts`
// (an OperationRun, in the inference worker) and, where the page must prepare the input first,
// `page.ts` (a PagePrepare). The page runs every operation through the worker (PageOperation).

/** How the app's settings panel shows a parameter; the API and its docs ignore it. */
export interface ParamForm {
  /**
   * The value the settings panel starts with where the API has no default (null): what makes
   * the operation run as it first appears (a white background, the whole photo as the crop).
   */
  formDefault?: unknown;
  /** The panel shows and sends this parameter only while another one has this value. */
  shownWhen?: { param: string; equals: string };
  /** Which control edits a structured value; without one, a JSON text box. */
  control?: 'colour' | 'crop' | 'resize' | 'upload';
  /** Detail for those who want it, shown behind a disclosure under the short help. */
  more?: string;
}

/** A parameter as the UI, the API validators and the docs all read it. */
export type ParamSpec = ParamForm &
  (
    | {
        type: 'integer' | 'number';
        label: string;
        help: string;
        default: number;
        min: number;
        max: number;
        /** When set, only these values are allowed (e.g. the scales a model exists for). */
        choices?: readonly number[];
        /** Values the UI offers as one-click choices; unlike `choices`, all of min..max is allowed. */
        presets?: readonly number[];
        /** Unit shown after the value in the app (e.g. 'px', '%'). */
        unit?: string;
        required?: boolean;
      }
    | { type: 'boolean'; label: string; help: string; default: boolean; required?: boolean }
    | {
        type: 'enum';
        label: string;
        help: string;
        default: string;
        choices: readonly string[];
        /** Plain words for each choice in the app, by value; the API takes the values. */
        choiceLabels?: Readonly<Record<string, string>>;
        /** Choices the app leaves out: another name for one shown, or one that cannot run here. */
        hiddenChoices?: readonly string[];
        required?: boolean;
      }
    | {
        /** A structured value (an object or an array), checked by its own `validate`. */
        type: 'json';
        label: string;
        help: string;
        /** Absent unless given; `null` given explicitly means the same. */
        default: null;
        /** JSON Schema of the value, for /openapi.json and any form that edits it. */
        schema: Readonly<Record<string, unknown>>;
        /** What is wrong with a non-null value, as a phrase after its name; null when it is fine. */
        validate(value: unknown): string | null;
        required?: boolean;
      }
  );

/**
 * What this device has installed that a meta's `check` may depend on, read by its caller (the
 * service worker reads Cache Storage before it validates). Absent where unknown: a check then
 * lets the request through and the run says what is missing.
 */
export interface Installed {
  /** Operations a model on this device can run: built in, added in Settings, or optional. */
  operations: ReadonlySet<string>;
}

export interface OperationMeta {
  name: string;
  label: string;
  description: string;
  params: Record<string, ParamSpec>;
  /** Manifest ids of the models this operation may use. */
  models: readonly string[];
  /** A rule across parameters (e.g. "crop or resize"), checked after each one passed alone. */
  check?(params: Record<string, unknown>, installed?: Installed): string | null;
  /** Short tag for output file names: `photo.enhance-x4.png`. */
  tag(params: Record<string, unknown>): string;
}

export interface PageRunContext {
  signal: AbortSignal;
  /** done/total of this operation's own work, with an ETA in seconds when it can be estimated. */
  progress(fraction: number, etaSeconds: number | null): void;
  backend: BackendPreference;
  /** Called as soon as the engine knows which backend and model run, before the work ends. */
  engine(record: EngineRecord): void;
  /** Receives the output as it is made, band by band, at preview size (tiled model runs). */
  preview?(band: PreviewBand): void;
}

export type BackendPreference = 'auto' | 'webgpu' | 'wasm';

export interface OperationResult {
  blob: Blob;
  width: number;
  height: number;
  engine: EngineRecord;
}

export interface PageOperation {
  meta: OperationMeta;
  run(input: Blob, params: Record<string, unknown>, ctx: PageRunContext): Promise<OperationResult>;
}

/**
 * The page's part of an operation, where it has one: turns params into what the worker needs
 * from the page (e.g. a stored upload read into a Blob), before the run is sent.
 */
export type PagePrepare = (params: Record<string, unknown>) => Promise<Record<string, unknown>>;

/**
 * What an operation's worker side gets: its input (as the Blob it came as, and decoded on
 * demand), the model runtime, and the means to report progress, notice a cancel and say which
 * engine ran.
 */
export interface RunContext {
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

export interface RunOutput {
  blob: Blob;
  width: number;
  height: number;
}

/** The worker side of an operation: params already checked against its meta. */
export type OperationRun = (params: Record<string, unknown>, ctx: RunContext) => Promise<RunOutput>;

export class ParamError extends Error {}

/** Fills defaults and checks every value against the meta; unknown parameters are refused. */
export function resolveParams(
  meta: OperationMeta,
  given: Record<string, unknown>,
  installed?: Installed,
): Record<string, unknown> {
  for (const key of Object.keys(given)) {
    if (!(key in meta.params)) throw new ParamError(`${meta.name} has no parameter "${key}"`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(meta.params)) {
    const value = given[key];
    if (value === undefined) {
      if (spec.required) throw new ParamError(`${meta.name} needs the parameter "${key}"`);
      out[key] = spec.default;
      continue;
    }
    out[key] = checkParam(meta.name, key, spec, value);
  }
  const problem = meta.check?.(out, installed);
  if (problem) throw new ParamError(`${meta.name}: ${problem}`);
  return out;
}

function checkParam(op: string, key: string, spec: ParamSpec, value: unknown): unknown {
  const where = `${op}.${key}`;
  switch (spec.type) {
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new ParamError(`${where} must be a number`);
      if (spec.type === 'integer' && !Number.isInteger(value))
        throw new ParamError(`${where} must be a whole number`);
      if (spec.choices && !spec.choices.includes(value))
        throw new ParamError(`${where} must be one of ${spec.choices.join(', ')}`);
      if (value < spec.min || value > spec.max)
        throw new ParamError(`${where} must be between ${spec.min} and ${spec.max}`);
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw new ParamError(`${where} must be true or false`);
      return value;
    case 'enum':
      if (typeof value !== 'string' || !spec.choices.includes(value))
        throw new ParamError(`${where} must be one of ${spec.choices.join(', ')}`);
      return value;
    case 'json': {
      const problem = value === null ? null : spec.validate(value);
      if (problem) throw new ParamError(`${where} ${problem}`);
      return value;
    }
  }
}
