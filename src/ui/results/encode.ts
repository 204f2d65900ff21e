import * as Comlink from 'comlink';
import type { EncodeApi } from './encode-worker.ts';

/** The formats a result can be downloaded in, as the codecs name them. */
export const downloadFormats = ['png', 'jpeg', 'webp', 'avif'] as const;
export type DownloadFormat = (typeof downloadFormats)[number];

export const lossy = (format: DownloadFormat): boolean => format !== 'png';

const mimeTypes: Record<DownloadFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
};

const extensions: Record<DownloadFormat, string> = {
  png: 'png',
  jpeg: 'jpg',
  webp: 'webp',
  avif: 'avif',
};

/** The format a stored file already is, from its media type; null for one we do not write. */
export function formatOf(type: string): DownloadFormat | null {
  const found = downloadFormats.find((f) => mimeTypes[f] === type.toLowerCase());
  return found ?? (type.toLowerCase() === 'image/jpg' ? 'jpeg' : null);
}

/** The result's file name with the extension of the format it is saved in. */
export function fileNameFor(name: string, format: DownloadFormat): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return `${stem}.${extensions[format]}`;
}

/**
 * The result written again as `format` at `quality` (1–100, lossy formats only), in a worker
 * of its own that ends with the encode, so the codecs' memory goes with it.
 */
export async function encodeAs(blob: Blob, format: DownloadFormat, quality: number): Promise<Blob> {
  const worker = new Worker(new URL('./encode-worker.ts', import.meta.url), { type: 'module' });
  try {
    return await Comlink.wrap<EncodeApi>(worker).encode(blob, format, quality);
  } finally {
    worker.terminate();
  }
}

/** Hands a file to the browser's downloads, as a click on a download link would. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
