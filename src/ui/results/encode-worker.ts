/// <reference lib="webworker" />
/**
 * Re-encodes a stored result in the format a person downloads it in, off the page's thread,
 * with the same codecs as the convert operation (MozJPEG, libwebp, libavif, oxipng). Each codec
 * is a dynamic import inside encodeImage, so AVIF's large encoder loads only when AVIF is asked.
 */
import * as Comlink from 'comlink';
import { decodeImage } from '@/media/codecs/decode.ts';
import { encodeImage, type OutputFormat } from '@/media/codecs/encode.ts';

async function encode(blob: Blob, format: OutputFormat, quality: number): Promise<Blob> {
  return encodeImage(await decodeImage(blob), format, quality);
}

export type EncodeApi = { encode: typeof encode };

Comlink.expose({ encode } satisfies EncodeApi);
