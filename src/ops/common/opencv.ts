/**
 * OpenCV.js (the official 4.12 build, as packaged by @techstark/opencv-js), loaded only when an
 * operation needs it: a dynamic import, so its 10.8 MB chunk is fetched from the app's own origin
 * the first time and never by the page. The WebAssembly is inlined in that chunk (an Emscripten
 * SINGLE_FILE build), so nothing else is fetched: it runs offline once the app is cached.
 */

type CvModule = typeof import('@techstark/opencv-js');

/** The library, once its runtime is initialised. */
export type OpenCv = CvModule & { onRuntimeInitialized?: () => void };

/** The version this build reports, recorded in each job's engine record. */
export const OPENCV_VERSION = '4.12.0';

let loading: Promise<{ cv: OpenCv }> | null = null;

/**
 * Resolves to `{ cv }`, never to `cv` itself: Emscripten's module object has a `then` method
 * that resolves with itself, so awaiting it directly (or returning it from an async function)
 * never settles.
 */
export function loadOpenCv(): Promise<{ cv: OpenCv }> {
  loading ??= import('./opencv-module.ts').then(
    ({ openCvModule }) =>
      new Promise<{ cv: OpenCv }>((resolve, reject) => {
        const cv = openCvModule() as OpenCv;
        if (typeof cv.Mat === 'function') {
          resolve({ cv });
          return;
        }
        const timer = setTimeout(
          () => reject(new Error('OpenCV.js did not initialise within 60 s')),
          60_000,
        );
        cv.onRuntimeInitialized = () => {
          clearTimeout(timer);
          resolve({ cv });
        };
      }),
  );
  loading.catch(() => (loading = null));
  return loading;
}

export type DiffusionMethod = 'telea' | 'navier-stokes';

/**
 * OpenCV's diffusion inpainting (`cv.inpaint`) of 8-bit RGBA pixels in place: Telea's fast
 * marching method (2004) or Bertalmío's Navier–Stokes one (2001). Both propagate the colours
 * around a defect into it: right for scratches and specks a few pixels wide, too smooth for a
 * large region. Only colour and alpha under `mask` (1 = fill) change.
 */
export function diffusionInpaint(
  cv: OpenCv,
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  mask: Uint8Array,
  options: { method?: DiffusionMethod; radius?: number; alpha?: boolean } = {},
): void {
  const flag = options.method === 'navier-stokes' ? cv.INPAINT_NS : cv.INPAINT_TELEA;
  const radius = options.radius ?? 3;
  const n = width * height;
  const rgb = new Uint8Array(n * 3);
  const maskBytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = rgba[i * 4]!;
    rgb[i * 3 + 1] = rgba[i * 4 + 1]!;
    rgb[i * 3 + 2] = rgba[i * 4 + 2]!;
    maskBytes[i] = mask[i] ? 255 : 0;
  }
  const mats: { delete(): void }[] = [];
  try {
    const src = cv.matFromArray(height, width, cv.CV_8UC3, rgb);
    const m = cv.matFromArray(height, width, cv.CV_8UC1, maskBytes);
    const dst = new cv.Mat();
    mats.push(src, m, dst);
    cv.inpaint(src, m, dst, radius, flag);
    const out = dst.data as Uint8Array;
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      rgba[i * 4] = out[i * 3]!;
      rgba[i * 4 + 1] = out[i * 3 + 1]!;
      rgba[i * 4 + 2] = out[i * 3 + 2]!;
    }
    if (options.alpha) {
      const alpha = new Uint8Array(n);
      for (let i = 0; i < n; i++) alpha[i] = rgba[i * 4 + 3]!;
      const a = cv.matFromArray(height, width, cv.CV_8UC1, alpha);
      const aOut = new cv.Mat();
      mats.push(a, aOut);
      cv.inpaint(a, m, aOut, radius, flag);
      const outAlpha = aOut.data as Uint8Array;
      for (let i = 0; i < n; i++) if (mask[i]) rgba[i * 4 + 3] = outAlpha[i]!;
    }
  } finally {
    for (const mat of mats) mat.delete();
  }
}
