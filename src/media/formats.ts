/**
 * The file formats operations can write, with their media types and file extensions. Plain data
 * (no codec), so metas, the API validators and the service worker can read it without loading
 * an encoder.
 */
export const outputFormats = ['png', 'jpg', 'jpeg', 'webp', 'avif'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export const formatMimeTypes: Readonly<Record<OutputFormat, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
};

/** Which formats keep an alpha channel (JPEG has none: it is composited over white). */
export const formatHasAlpha: Readonly<Record<OutputFormat, boolean>> = {
  png: true,
  jpg: false,
  jpeg: false,
  webp: true,
  avif: true,
};

/** The lossy formats' quality when none is asked: high enough that artefacts are hard to see. */
export const defaultQuality = 90;
