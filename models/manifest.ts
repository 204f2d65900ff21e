// Shape of models/manifest.json, which the app reads to know which models exist and how to run
// them. Changing a field here is a change to the app's contract.

export interface ModelVariant {
  id: string;
  /** Path relative to the site root, e.g. 'models/esrgan-medium-x4.fp32.onnx'. */
  file: string;
  bytes: number;
  sha256: string;
  weights: 'float32' | 'float16' | 'int8';
  compute: 'float32' | 'float16';
  /**
   * PSNR in dB of this variant's output against the float32 file's on the build's check picture
   * (null: identical); absent on the float32 file itself.
   */
  psnr?: number | null;
}

export interface ModelEntry {
  id: string; // 'esrgan-medium-x4'
  label: string; // 'ESRGAN medium ×4 (idealo RDN)'
  operations: string[]; // ['enhance']
  scale: number; // 4
  /** The built-in models are all NCHW; a model added in Settings may be NHWC. */
  input: { name: string; layout: 'NCHW' | 'NHWC'; channels: 3; range: [number, number] };
  output: { name: string; layout: 'NCHW' | 'NHWC'; channels: 3; range: [number, number] };
  // Input pixels. context = the margin each side that is cropped off; min..max bound the edge
  // src/inference/tiler.ts tileSizeFor picks per image; size = the base tile a cold start is timed at.
  tile: { size: number; context: number; min: number; max: number; whole?: boolean };
  // whole: the model averages over its whole input (squeeze-excitation), so it runs on the whole
  // image (with context) when that fits src/inference/whole-image.ts's budget, tiles only beyond it.
  /** The first float32-compute variant is the one a backend without shader-f16 loads. */
  variants: ModelVariant[];
  /**
   * sha256 covers the source files in order: model.json then its weight shards in
   * weightsManifest order (TF.js), or the .param then the .bin (ncnn; `path` is the .param).
   */
  source: { package: string; version: string; path: string; sha256: string };
  license: string; // 'MIT'
  /** For 'denoise' models: the strength they were trained for, 0 (lightest) to 3. */
  noiseLevel?: number;
}

/** What an analysis model finds; the app picks its decoder by this. */
export type AnalysisTask =
  'face-detect' | 'face-landmarks' | 'person-segmentation' | 'text-detect' | 'matting';

/** A tensor dimension: a fixed size, or a name for a size the model takes at runtime. */
export type Dim = number | string;

/**
 * A model that reads a picture and gives something other than a picture back (boxes, landmarks,
 * masks): no scale, no tiles, any number of outputs. Fed NCHW float32, RGB or BGR.
 */
export interface AnalysisModelEntry {
  id: string; // 'face-detect-full'
  label: string;
  task: AnalysisTask;
  input: {
    name: string;
    layout: 'NCHW';
    dims: Dim[]; // [1, 3, 128, 128] or ['batch', 3, 'height', 'width']
    /** A runtime height and width must be a multiple of this. */
    sizeMultiple?: number;
    channelOrder: 'RGB' | 'BGR';
    /**
     * Channel c of an 8-bit pixel p is fed as (p / 255 - mean[c]) / std[c], in channelOrder. A
     * model trained on the range [low, high] has mean = -low / (high - low), std = 1 / (high - low).
     */
    mean: [number, number, number];
    std: [number, number, number];
  };
  /**
   * Only the outputs the app reads; a model may have more (ISNet), so ask the session for these
   * by name. 'probability': already through a sigmoid, 0..1; 'raw': logits and coordinates.
   */
  outputs: { name: string; dims: Dim[]; kind: 'probability' | 'raw' }[];
  /**
   * The first float32-compute variant is the one a backend without shader-f16 loads. ISNet has
   * none: its one file computes in float16 (the WASM backend runs it, slowly).
   */
  variants: ModelVariant[];
  /**
   * sha256 covers model.json then its weight shards (TF.js, converted here), or the ONNX file
   * itself (shipped as is; `path` may name a resource inside the package, e.g. 'x.json#key').
   */
  source: ModelEntry['source'];
  /** The weights' licence. */
  license: string;
  /** Where the weights' licence and the package's differ, both, and which says what. */
  licenseNote?: string;
}

/**
 * A frame interpolation model: two frames and a time t between them (0: the first, 1: the
 * second) give the frame at t. Frames are RGB planes, NCHW float32 in `range`; the time is a
 * one-channel plane of the frames' size filled with t. Height and width must be multiples of
 * `sizeMultiple`: pad the frames (edge pixels repeated), then crop the output back.
 */
export interface InterpolationModelEntry {
  id: string; // 'rife-v4.6'
  label: string;
  operations: string[]; // ['interpolate']
  input: {
    frames: [string, string];
    time: string;
    layout: 'NCHW';
    channels: 3;
    range: [number, number];
    sizeMultiple: number;
  };
  output: { name: string; layout: 'NCHW'; channels: 3; range: [number, number] };
  /** The first float32-compute variant is the one a backend without shader-f16 loads. */
  variants: ModelVariant[];
  source: ModelEntry['source'];
  license: string;
}

export interface Manifest {
  version: 1;
  /** Image-to-image models (upscalers, denoisers), sorted by id. */
  models: ModelEntry[];
  /** Face, segmentation, text and matting models, sorted by id. */
  analysis: AnalysisModelEntry[];
  /** Frame interpolation models, sorted by id. */
  interpolation: InterpolationModelEntry[];
}
