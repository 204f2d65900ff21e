/**
 * The hint-guided colorization step of restore-old-photo, in the inference worker: the painted
 * hints arrive as a data: URL (as remove-object's mask does) and are decoded here, at run time.
 */
import { decodeImage } from '@/media/codecs/decode.ts';
import type { RgbaImage } from '@/media/image.ts';
import { dataUrlBlob } from '@/media/data-url.ts';
import type { RunContext } from '../../operation.ts';
import { HINTS_PARAM } from './hints-param.ts';
import { colorizeWithHints } from './hints.ts';

/** Colours `image` from the painted hints; returns the colorized image and a note for the job. */
export async function colorizeFromHints(
  image: RgbaImage,
  url: string,
  strength: number,
  ctx: RunContext,
  progress: (fraction: number) => void,
): Promise<{ image: RgbaImage; note: string }> {
  let hints: RgbaImage;
  try {
    hints = await decodeImage(dataUrlBlob(url));
  } catch (error) {
    throw new Error(
      `${HINTS_PARAM} could not be decoded as an image: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const result = await colorizeWithHints(image, hints, {
    strength,
    onLevel: async (done, total) => {
      progress(done / total);
      // Let a queued cancel arrive between levels.
      await new Promise((resolve) => setTimeout(resolve, 0));
      ctx.throwIfCanceled();
    },
  });
  const { width, height } = result.working;
  return {
    image: result.image,
    note: `colorize: from ${result.hinted} painted hint pixels (Levin et al. 2004 optimisation, solved at ${width}×${height}, ${result.iterations} CG iterations) at ${strength}`,
  };
}
