import { decodeImage } from '@/media/codecs/decode.ts';
import type { RgbaImage } from '@/media/image.ts';
import type { RunContext } from '../operation.ts';
import { dataUrlBlob } from '@/media/data-url.ts';
import { type Mask, maskFromRgba, resizeMask } from './inpaint/mask.ts';

export interface DecodedMask {
  mask: Mask;
  /** Set when the mask picture had another size and was scaled to the photo's. */
  scaledFrom: { width: number; height: number } | null;
}

/**
 * The mask a caller sent as a data URL, decoded here (in the worker, at run time) and scaled to
 * the photo when its size differs. White = fill (see mask.ts).
 */
export async function decodeMaskDataUrl(
  url: string,
  width: number,
  height: number,
): Promise<DecodedMask> {
  let picture: RgbaImage;
  try {
    picture = await decodeImage(dataUrlBlob(url));
  } catch (error) {
    throw new Error(
      `mask_data_url could not be decoded as an image: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const mask = maskFromRgba(picture.data, picture.width, picture.height);
  if (picture.width === width && picture.height === height) return { mask, scaledFrom: null };
  return {
    mask: resizeMask(mask, width, height),
    scaledFrom: { width: picture.width, height: picture.height },
  };
}

/** Lets a queued cancel arrive, then throws if the job was canceled: for long pure loops. */
export function pauseFor(ctx: RunContext): () => Promise<void> {
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    ctx.throwIfCanceled();
  };
}

export function scaledNote(decoded: DecodedMask, width: number, height: number): string {
  return decoded.scaledFrom
    ? `; the ${decoded.scaledFrom.width}×${decoded.scaledFrom.height} mask was scaled to the photo's ${width}×${height}`
    : '';
}
