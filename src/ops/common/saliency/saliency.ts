/*
 * Spectral-residual saliency (Hou and Zhang, "Saliency Detection: A Spectral Residual
 * Approach", CVPR 2007), the method OpenCV ships as StaticSaliencySpectralResidual: what is
 * left of the log amplitude spectrum after its local average is the "unexpected" part of the
 * image; transformed back with the original phase and squared, it lights up the regions that
 * stand out from their surroundings. Computed on a 64 × 64 grey thumbnail, as the paper does.
 */

import type { RgbaImage } from '@/media/image.ts';
import { resizeImage } from '@/media/resize.ts';
import { boxMean, gaussianBlur } from '@/media/pixels/blur.ts';
import { resizePlane } from '@/media/pixels/resample.ts';
import { fft2d } from './fft.ts';

export const SALIENCY_SIZE = 64;

export interface SaliencyMap {
  /** 0..1, the most salient point 1. */
  map: Float32Array;
  width: number;
  height: number;
}

/** The spectral residual of a size² grey image, smoothed, 0..1. */
export function spectralResidual(grey: Float32Array, size: number): Float32Array {
  const n = size * size;
  const re = Float64Array.from(grey);
  const im = new Float64Array(n);
  fft2d(re, im, size);
  const logAmplitude = new Float32Array(n);
  const phase = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    logAmplitude[i] = Math.log(Math.hypot(re[i]!, im[i]!) + 1e-9);
    phase[i] = Math.atan2(im[i]!, re[i]!);
  }
  const average = boxMean(logAmplitude, size, size, 1);
  for (let i = 0; i < n; i++) {
    const magnitude = Math.exp(logAmplitude[i]! - average[i]!);
    re[i] = magnitude * Math.cos(phase[i]!);
    im[i] = magnitude * Math.sin(phase[i]!);
  }
  fft2d(re, im, size, true);
  const energy = new Float32Array(n);
  for (let i = 0; i < n; i++) energy[i] = re[i]! * re[i]! + im[i]! * im[i]!;
  const smooth = gaussianBlur(energy, size, size, size / 24);
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, smooth[i]!);
  if (max > 0) for (let i = 0; i < n; i++) smooth[i]! /= max;
  return smooth;
}

/**
 * Saliency of an image at `width` × `height` (its own aspect, any size), 0..1. Alpha counts:
 * transparent pixels are seen as mid grey, so they do not look like content.
 */
export function saliencyMap(image: RgbaImage, width: number, height: number): SaliencyMap {
  const thumb = resizeImage(image, SALIENCY_SIZE, SALIENCY_SIZE);
  const n = SALIENCY_SIZE * SALIENCY_SIZE;
  const grey = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = i * 4;
    const a = thumb.data[p + 3]! / 255;
    const luma =
      (0.299 * thumb.data[p]! + 0.587 * thumb.data[p + 1]! + 0.114 * thumb.data[p + 2]!) / 255;
    grey[i] = luma * a + 0.5 * (1 - a);
  }
  const residual = spectralResidual(grey, SALIENCY_SIZE);
  const map = resizePlane(residual, SALIENCY_SIZE, SALIENCY_SIZE, width, height, 'bilinear');
  return { map, width, height };
}
