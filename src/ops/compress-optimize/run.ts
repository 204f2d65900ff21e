import { sniffBlob } from '@/media/sniff.ts';
import { encodeImage, optimizePngFile } from '@/media/codecs/encode.ts';
import { hasTransparency } from '@/media/image.ts';
import type { OperationRun } from '../operation.ts';
import { isPhotographic } from './photographic.ts';

interface Candidate {
  blob: Blob;
  method: string;
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * Re-encodes the image smaller in its own format family:
 * - JPEG → MozJPEG, WebP → libwebp, AVIF → libavif, at the asked quality;
 * - PNG → oxipng on the file's own bytes (lossless: pixels, alpha and bit depth unchanged). When
 *   the PNG is a photograph with no transparency and the quality is below 100, MozJPEG at that
 *   quality is tried too and the smaller file wins: this is what the seed means by "compression
 *   via JPEG", and PNG's lossless filters cannot compete with it on photographs. A PNG with
 *   transparency stays PNG, since JPEG would lose its alpha;
 * - anything else (BMP, GIF, TIFF) is treated like a PNG made from its decoded pixels.
 * Whatever wins, the input itself is returned when the result is not smaller, and the engine
 * record says so.
 */
export const compressOptimize: OperationRun = async (params, ctx) => {
  const quality = Number(params.quality);
  const input = ctx.input;
  const type = (await sniffBlob(input)).image;
  const image = await ctx.image();
  ctx.progress(0.1, null);
  ctx.throwIfCanceled();

  const candidates: Candidate[] = [];
  switch (type) {
    case 'image/jpeg':
      candidates.push({
        blob: await encodeImage(image, 'jpg', quality),
        method: `MozJPEG q${quality}`,
      });
      break;
    case 'image/webp':
      candidates.push({
        blob: await encodeImage(image, 'webp', quality),
        method: `libwebp q${quality}`,
      });
      break;
    case 'image/avif':
      candidates.push({
        blob: await encodeImage(image, 'avif', quality),
        method: `libavif q${quality}`,
      });
      break;
    default: {
      const lossless =
        type === 'image/png'
          ? new Blob([await optimizePngFile(await input.arrayBuffer())], { type: 'image/png' })
          : await encodeImage(image, 'png');
      candidates.push({ blob: lossless, method: 'oxipng lossless' });
      ctx.progress(0.5, null);
      ctx.throwIfCanceled();
      if (quality < 100 && !hasTransparency(image) && isPhotographic(image)) {
        candidates.push({
          blob: await encodeImage(image, 'jpg', quality),
          method: `MozJPEG q${quality} (a photographic PNG with no transparency: JPEG is the seed’s compression and far smaller on photos)`,
        });
      }
    }
  }

  const best = candidates.reduce((a, b) => (b.blob.size < a.blob.size ? b : a));
  const tried = candidates.map((c) => `${c.method.split(' (')[0]} ${kilobytes(c.blob.size)}`);
  const from = `${type ?? 'unknown type'} ${kilobytes(input.size)}`;
  ctx.progress(1, 0);
  if (best.blob.size >= input.size) {
    ctx.engine({
      method: `${tried.join(', ')}: none smaller than the input (${from}), so the input is returned unchanged`,
    });
    return { blob: input, width: image.width, height: image.height };
  }
  ctx.engine({ method: `${best.method}: ${from} → ${kilobytes(best.blob.size)}` });
  return { blob: best.blob, width: image.width, height: image.height };
};
