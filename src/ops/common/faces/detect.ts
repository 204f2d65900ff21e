/*
 * Face detection with MediaPipe's BlazeFace detectors (manifest task 'face-detect'): the SSD
 * anchors, decoding of the [1, N, 17] head, the score sigmoid, MediaPipe's weighted non-maximum
 * suppression and the way back from the letterboxed model input to image pixels. Runs in the
 * inference worker; everything but detectFaces is plain maths, unit-tested beside it.
 */

import type { AnalysisModelEntry } from '@models/manifest.ts';
import type { ModelRuntime } from '@/inference/runtime.ts';
import type { RgbaImage } from '@/media/image.ts';
import {
  findAnalysisModel,
  fixedInputSize,
  pickAnalysisVariant,
  toInputTensor,
} from '@/inference/analysis-models.ts';
import { resizeImage } from '@/media/resize.ts';

/**
 * MediaPipe's SsdAnchorsCalculatorOptions, the fields these detectors use
 * (mediapipe/modules/face_detection/face_detection_{short,full}_range*.pbtxt).
 */
export interface SsdAnchorOptions {
  inputSize: number;
  numLayers: number;
  minScale: number;
  maxScale: number;
  anchorOffset: number;
  strides: readonly number[];
  aspectRatios: readonly number[];
  /** > 0 adds one anchor per cell at the geometric mean of this and the next layer's scale. */
  interpolatedScaleAspectRatio: number;
  /** Every anchor is 1 × 1 (w and h come from the regressors alone), as in both face models. */
  fixedAnchorSize: boolean;
}

/** face_detection_short_range: 128², strides 8, 16, 16, 16, two anchors per layer and cell. */
export const SHORT_RANGE_ANCHORS: SsdAnchorOptions = {
  inputSize: 128,
  numLayers: 4,
  minScale: 0.1484375,
  maxScale: 0.75,
  anchorOffset: 0.5,
  strides: [8, 16, 16, 16],
  aspectRatios: [1],
  interpolatedScaleAspectRatio: 1,
  fixedAnchorSize: true,
};

/** face_detection_full_range: 192², one stride-4 layer, one anchor per cell (48 × 48). */
export const FULL_RANGE_ANCHORS: SsdAnchorOptions = {
  inputSize: 192,
  numLayers: 1,
  minScale: 0.1484375,
  maxScale: 0.75,
  anchorOffset: 0.5,
  strides: [4],
  aspectRatios: [1],
  interpolatedScaleAspectRatio: 0,
  fixedAnchorSize: true,
};

/**
 * MediaPipe's TensorsToDetectionsCalculator and NonMaxSuppressionCalculator settings for both
 * face models: raw values are input pixels (x/y/w/h_scale = input size), the score logit is
 * clipped to ±100 before the sigmoid, and suppression is weighted with IoU > 0.3.
 */
export const SCORE_CLIPPING = 100;
export const MIN_SUPPRESSION_IOU = 0.3;
/** MediaPipe uses 0.5 (short range) and 0.6 (full range); the lower one serves both here. */
export const MIN_FACE_SCORE = 0.5;

export interface Anchor {
  x: number;
  y: number;
  w: number;
  h: number;
}

function anchorScale(min: number, max: number, index: number, count: number): number {
  return count === 1 ? (min + max) / 2 : min + ((max - min) * index) / (count - 1);
}

/** SsdAnchorsCalculator::GenerateAnchors, normalised 0..1 centres, in the model's output order. */
export function generateAnchors(o: SsdAnchorOptions): Anchor[] {
  const anchors: Anchor[] = [];
  let layer = 0;
  while (layer < o.numLayers) {
    const widths: number[] = [];
    const heights: number[] = [];
    // Layers that share a stride share a feature map: their anchors go in one cell together.
    let last = layer;
    while (last < o.strides.length && o.strides[last] === o.strides[layer]) {
      const scale = anchorScale(o.minScale, o.maxScale, last, o.strides.length);
      for (const ratio of o.aspectRatios) {
        widths.push(scale * Math.sqrt(ratio));
        heights.push(scale / Math.sqrt(ratio));
      }
      if (o.interpolatedScaleAspectRatio > 0) {
        const next =
          last === o.strides.length - 1
            ? 1
            : anchorScale(o.minScale, o.maxScale, last + 1, o.strides.length);
        const interpolated = Math.sqrt(scale * next);
        const ratio = o.interpolatedScaleAspectRatio;
        widths.push(interpolated * Math.sqrt(ratio));
        heights.push(interpolated / Math.sqrt(ratio));
      }
      last++;
    }
    const stride = o.strides[layer]!;
    const cells = Math.ceil(o.inputSize / stride);
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let k = 0; k < widths.length; k++) {
          anchors.push({
            x: (x + o.anchorOffset) / cells,
            y: (y + o.anchorOffset) / cells,
            w: o.fixedAnchorSize ? 1 : widths[k]!,
            h: o.fixedAnchorSize ? 1 : heights[k]!,
          });
        }
      }
    }
    layer = last;
  }
  return anchors;
}

/** The anchor layout for a detector input size: 128 is short range, 192 full range. */
export function anchorOptionsFor(inputSize: number): SsdAnchorOptions {
  if (inputSize === SHORT_RANGE_ANCHORS.inputSize) return SHORT_RANGE_ANCHORS;
  if (inputSize === FULL_RANGE_ANCHORS.inputSize) return FULL_RANGE_ANCHORS;
  throw new Error(`No BlazeFace anchor layout is known for a ${inputSize}-pixel input`);
}

/** Keypoints in BlazeFace order. */
export const KEYPOINT_NAMES = [
  'right eye',
  'left eye',
  'nose tip',
  'mouth centre',
  'right ear tragion',
  'left ear tragion',
] as const;
export const KEYPOINTS = KEYPOINT_NAMES.length;
/** Values per anchor: score logit, box (cx, cy, w, h), then x, y of each keypoint. */
export const VALUES_PER_ANCHOR = 1 + 4 + 2 * KEYPOINTS;

export interface Point {
  x: number;
  y: number;
}

/** A face: box corner and size, keypoints in KEYPOINT_NAMES order, score 0..1. */
export interface Detection {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
  keypoints: Point[];
}

export function sigmoid(logit: number): number {
  const clipped = Math.max(-SCORE_CLIPPING, Math.min(SCORE_CLIPPING, logit));
  return 1 / (1 + Math.exp(-clipped));
}

/**
 * Detections above `minScore` from the raw head output, in normalised model-input coordinates
 * (0..1 over the letterboxed square): TensorsToDetectionsCalculator's decoding.
 */
export function decodeDetections(
  raw: Float32Array,
  anchors: readonly Anchor[],
  inputSize: number,
  minScore = MIN_FACE_SCORE,
): Detection[] {
  if (raw.length !== anchors.length * VALUES_PER_ANCHOR) {
    throw new Error(
      `The detector gave ${raw.length} values for ${anchors.length} anchors; expected ${VALUES_PER_ANCHOR} each`,
    );
  }
  const out: Detection[] = [];
  for (let i = 0; i < anchors.length; i++) {
    const base = i * VALUES_PER_ANCHOR;
    const score = sigmoid(raw[base]!);
    if (score < minScore) continue;
    const a = anchors[i]!;
    const cx = (raw[base + 1]! / inputSize) * a.w + a.x;
    const cy = (raw[base + 2]! / inputSize) * a.h + a.y;
    const w = (raw[base + 3]! / inputSize) * a.w;
    const h = (raw[base + 4]! / inputSize) * a.h;
    const keypoints: Point[] = [];
    for (let k = 0; k < KEYPOINTS; k++) {
      keypoints.push({
        x: (raw[base + 5 + 2 * k]! / inputSize) * a.w + a.x,
        y: (raw[base + 6 + 2 * k]! / inputSize) * a.h + a.y,
      });
    }
    out.push({ x: cx - w / 2, y: cy - h / 2, width: w, height: h, score, keypoints });
  }
  return out;
}

export function iou(a: Detection, b: Detection): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * NonMaxSuppressionCalculator's WEIGHTED algorithm: take the best remaining detection, gather
 * every remaining one overlapping it by more than `threshold` IoU (itself included), and keep
 * their score-weighted mean box and keypoints with the best one's score.
 */
export function weightedNms(
  detections: readonly Detection[],
  threshold = MIN_SUPPRESSION_IOU,
): Detection[] {
  let remaining = [...detections].sort((a, b) => b.score - a.score);
  const out: Detection[] = [];
  while (remaining.length > 0) {
    const best = remaining[0]!;
    const candidates: Detection[] = [];
    const rest: Detection[] = [];
    for (const d of remaining) (iou(best, d) > threshold ? candidates : rest).push(d);
    // best's IoU with itself is 1 unless its box is empty; keep it either way.
    if (!candidates.includes(best)) candidates.unshift(best);
    const total = candidates.reduce((sum, d) => sum + d.score, 0);
    const mean = (pick: (d: Detection) => number) =>
      candidates.reduce((sum, d) => sum + pick(d) * d.score, 0) / total;
    out.push({
      x: mean((d) => d.x),
      y: mean((d) => d.y),
      width: mean((d) => d.width),
      height: mean((d) => d.height),
      score: best.score,
      keypoints: best.keypoints.map((_, k) => ({
        x: mean((d) => d.keypoints[k]!.x),
        y: mean((d) => d.keypoints[k]!.y),
      })),
    });
    remaining = rest.filter((d) => !candidates.includes(d));
  }
  return out;
}

/**
 * How an image sits in a square model input with its aspect kept: scaled by `scale`, drawn at
 * (padX, padY) in an input of `size` pixels, the rest padding (ImageToTensorCalculator with
 * keep_aspect_ratio).
 */
export interface Letterbox {
  size: number;
  /** The image's size inside the input, in input pixels (integers). */
  width: number;
  height: number;
  padX: number;
  padY: number;
  /** Input pixels per image pixel, per axis (the rounding to integers makes them differ a hair). */
  scaleX: number;
  scaleY: number;
}

export function letterbox(width: number, height: number, size: number): Letterbox {
  const scale = size / Math.max(width, height);
  const w = Math.max(1, Math.min(size, Math.round(width * scale)));
  const h = Math.max(1, Math.min(size, Math.round(height * scale)));
  const padX = Math.floor((size - w) / 2);
  const padY = Math.floor((size - h) / 2);
  return { size, width: w, height: h, padX, padY, scaleX: w / width, scaleY: h / height };
}

/** A normalised model-input point back to image pixels (DetectionLetterboxRemovalCalculator). */
export function fromLetterbox(box: Letterbox, p: Point): Point {
  return {
    x: (p.x * box.size - box.padX) / box.scaleX,
    y: (p.y * box.size - box.padY) / box.scaleY,
  };
}

/** An image pixel point to normalised model-input coordinates (the inverse, for tests). */
export function toLetterbox(box: Letterbox, p: Point): Point {
  return {
    x: (p.x * box.scaleX + box.padX) / box.size,
    y: (p.y * box.scaleY + box.padY) / box.size,
  };
}

/** A detection in normalised model-input coordinates to image pixels. */
export function detectionToImage(box: Letterbox, d: Detection): Detection {
  const corner = fromLetterbox(box, { x: d.x, y: d.y });
  const far = fromLetterbox(box, { x: d.x + d.width, y: d.y + d.height });
  return {
    x: corner.x,
    y: corner.y,
    width: far.x - corner.x,
    height: far.y - corner.y,
    score: d.score,
    keypoints: d.keypoints.map((k) => fromLetterbox(box, k)),
  };
}

/** The image drawn into a size² square at the letterbox's place, black around it. */
export function letterboxPixels(image: RgbaImage, box: Letterbox): RgbaImage {
  const scaled = resizeImage(image, box.width, box.height);
  const data = new Uint8ClampedArray(box.size * box.size * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  for (let y = 0; y < box.height; y++) {
    const from = y * box.width * 4;
    data.set(
      scaled.data.subarray(from, from + box.width * 4),
      ((y + box.padY) * box.size + box.padX) * 4,
    );
  }
  return { width: box.size, height: box.size, data };
}

export interface FaceDetectionResult {
  faces: Detection[];
  /** Which detector models ran, for the job's engine record. */
  models: string[];
  /** How many detector runs that took (whole image and windows). */
  windows: number;
}

/** A window of the image a detector looks at, in image pixels. */
export interface DetectionWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Windows are only cut while they stay this many times the detector's input size. */
const MIN_WINDOW_OVER_INPUT = 1.5;
/** Neighbouring windows overlap by this share of their side, so no face is cut in every one. */
const WINDOW_OVERLAP = 0.25;
/** The finest grid: 8 windows across (~80 detector runs on a 4:3 photo, a few seconds on WASM). */
const MAX_WINDOWS_ACROSS = 8;

/**
 * Where to look for faces: the whole image, then finer grids of overlapping windows (2, 4 and 8
 * across the longer side) while a window still holds 1.5 × the detector's input or more. A 4000-pixel group photo letterboxed whole into 192 pixels would shrink a 100-pixel
 * face to 5; in a 4 × 4 grid it keeps 19, which the full-range detector finds.
 */
export function detectionWindows(
  width: number,
  height: number,
  inputSize: number,
): DetectionWindow[] {
  const windows: DetectionWindow[] = [{ x: 0, y: 0, width, height }];
  const longer = Math.max(width, height);
  for (let n = 2; n <= MAX_WINDOWS_ACROSS; n *= 2) {
    const side = Math.ceil((longer / n) * (1 + WINDOW_OVERLAP));
    if (side < inputSize * MIN_WINDOW_OVER_INPUT) break;
    const w = Math.min(width, side);
    const h = Math.min(height, side);
    const stepsX = Math.max(1, Math.ceil((width - w) / (w * (1 - WINDOW_OVERLAP))) + 1);
    const stepsY = Math.max(1, Math.ceil((height - h) / (h * (1 - WINDOW_OVERLAP))) + 1);
    for (let j = 0; j < stepsY; j++) {
      for (let i = 0; i < stepsX; i++) {
        const x = stepsX === 1 ? 0 : Math.round(((width - w) * i) / (stepsX - 1));
        const y = stepsY === 1 ? 0 : Math.round(((height - h) * j) / (stepsY - 1));
        windows.push({ x, y, width: w, height: h });
      }
    }
  }
  return windows;
}

/**
 * A face a window cut through is a partial face: a detection touching a window edge that is not
 * also an image edge is dropped (another, overlapping window holds that face whole).
 */
export function touchesInnerEdge(
  d: Detection,
  win: DetectionWindow,
  width: number,
  height: number,
): boolean {
  const slack = 0.02 * Math.max(win.width, win.height);
  return (
    (win.x > 0 && d.x < win.x + slack) ||
    (win.y > 0 && d.y < win.y + slack) ||
    (win.x + win.width < width && d.x + d.width > win.x + win.width - slack) ||
    (win.y + win.height < height && d.y + d.height > win.y + win.height - slack)
  );
}

function windowPixels(image: RgbaImage, win: DetectionWindow): RgbaImage {
  if (win.width === image.width && win.height === image.height) return image;
  const data = new Uint8ClampedArray(win.width * win.height * 4);
  for (let y = 0; y < win.height; y++) {
    const from = ((win.y + y) * image.width + win.x) * 4;
    data.set(image.data.subarray(from, from + win.width * 4), y * win.width * 4);
  }
  return { width: win.width, height: win.height, data };
}

/** One detector over one window: letterbox, run, decode, back to image pixels. */
async function runDetector(
  entry: AnalysisModelEntry,
  image: RgbaImage,
  win: DetectionWindow,
  runtime: ModelRuntime,
  minScore: number,
): Promise<Detection[]> {
  const { width: size } = fixedInputSize(entry);
  const box = letterbox(win.width, win.height, size);
  const input = toInputTensor(entry, letterboxPixels(windowPixels(image, win), box));
  const output = entry.outputs[0];
  if (!output) throw new Error(`The model ${entry.id} lists no output`);
  const results = await runtime.runWhole(
    pickAnalysisVariant(entry),
    { [entry.input.name]: { data: input, dims: [1, 3, size, size] } },
    [output.name],
  );
  const raw = results[output.name];
  if (!raw) throw new Error(`The model ${entry.id} gave no output named ${output.name}`);
  const anchors = generateAnchors(anchorOptionsFor(size));
  return decodeDetections(raw.data, anchors, size, minScore).map((d) => {
    const local = detectionToImage(box, d);
    return {
      ...local,
      x: local.x + win.x,
      y: local.y + win.y,
      keypoints: local.keypoints.map((k) => ({ x: k.x + win.x, y: k.y + win.y })),
    };
  });
}

/**
 * Faces in the image, best first. The short-range detector (large, close faces) looks at the
 * whole image; the full-range one (faces from close up to ~5 m) at the whole image and, on large
 * photos, at overlapping windows so small faces keep enough pixels. Everything is merged by
 * weighted non-maximum suppression. Empty when no face reaches `minScore`.
 */
export async function detectFaces(
  image: RgbaImage,
  runtime: ModelRuntime,
  minScore = MIN_FACE_SCORE,
): Promise<FaceDetectionResult> {
  const entries = ['face-detect-full', 'face-detect-short']
    .map((id) => findAnalysisModel(id))
    .filter((e): e is AnalysisModelEntry => e !== undefined && e.task === 'face-detect');
  if (entries.length === 0) throw new Error('No face detection model is installed');
  const { width, height } = image;
  const all: Detection[] = [];
  let windows = 0;
  for (const entry of entries) {
    const whole = { x: 0, y: 0, width, height };
    const wins =
      entry.id === 'face-detect-full'
        ? detectionWindows(width, height, fixedInputSize(entry).width)
        : [whole];
    for (const win of wins) {
      const found = await runDetector(entry, image, win, runtime, minScore);
      all.push(...found.filter((d) => !touchesInnerEdge(d, win, width, height)));
      windows++;
    }
  }
  return { faces: weightedNms(all), models: entries.map((e) => e.id), windows };
}
