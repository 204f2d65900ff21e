import cvModule from '@techstark/opencv-js';

/**
 * The OpenCV.js module object, behind a function. This file exists so `loadOpenCv` can import it
 * lazily: importing '@techstark/opencv-js' itself with import() would hand the module object
 * (or a namespace copying its keys) to a promise, and Emscripten's module has a `then` that
 * resolves with itself, so that promise would never settle.
 */
export function openCvModule(): unknown {
  return cvModule;
}
