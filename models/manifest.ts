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
}

export interface ModelEntry {
  id: string; // 'esrgan-medium-x4'
  label: string; // 'ESRGAN medium ×4 (idealo RDN)'
  operations: string[]; // ['enhance']
  scale: number; // 4
  input: { name: string; layout: 'NCHW'; channels: 3; range: [number, number] };
  output: { name: string; layout: 'NCHW'; channels: 3; range: [number, number] };
  tile: { size: number; context: number; min: number; max: number }; // input pixels; context = margin of extra pixels each side that gets cropped off
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

export interface Manifest {
  version: 1;
  models: ModelEntry[];
}
