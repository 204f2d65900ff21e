import { decodeImage } from '@/media/codecs/decode.ts';
import { encodeImage } from '@/media/codecs/encode.ts';
import { resizeImage } from '@/media/resize.ts';
import type { RgbaImage } from '@/media/image.ts';
import { type Backdrop, composite, parseHexColor, rgbPlanes } from '../common/matte/compose.ts';
import { cutOutSubject } from '../common/matte/subject.ts';
import { cropPixels } from '../common/saliency/smart-crop.ts';
import type { OperationRun } from '../operation.ts';

/** The backdrop image scaled to cover width × height (aspect kept) and centre-cropped. */
export function coverImage(backdrop: RgbaImage, width: number, height: number): RgbaImage {
  const scale = Math.max(width / backdrop.width, height / backdrop.height);
  const w = Math.max(width, Math.round(backdrop.width * scale));
  const h = Math.max(height, Math.round(backdrop.height * scale));
  const scaled = resizeImage(backdrop, w, h);
  const box = { x: Math.floor((w - width) / 2), y: Math.floor((h - height) / 2), width, height };
  return { width, height, data: cropPixels(scaled.data, w, box) };
}

/** The subject over a colour, an image, or nothing: αF + (1 − α)·background, always PNG. */
export const replaceBackground: OperationRun = async (params, ctx) => {
  const type = String(params.background_type);
  // The meta refuses a prompt when the job is created; a job stored before that rule still
  // fails here with the same reason rather than running.
  if (type === 'prompt') throw new Error('background_type "prompt" needs a text-to-image model');
  let backdropImage: RgbaImage | null = null;
  if (type === 'image') {
    const file = params.background_image;
    if (!(file instanceof Blob)) throw new Error('The background image did not reach the engine');
    backdropImage = await decodeImage(file);
  }
  const subject = await cutOutSubject(ctx, 0.85);
  const { width, height } = subject.image;
  let backdrop: Backdrop | null = null;
  if (type === 'color') backdrop = { color: parseHexColor(String(params.background_color)) };
  if (backdropImage) backdrop = { image: rgbPlanes(coverImage(backdropImage, width, height)) };
  ctx.engine({
    method: `${subject.method}; composited (premultiplied) over ${type === 'image' ? 'the background image, scaled to cover' : type === 'color' ? String(params.background_color) : 'nothing (alpha kept)'}`,
  });
  const data = composite(subject.fg, subject.alpha, backdrop);
  const blob = await encodeImage({ width, height, data }, 'png');
  ctx.progress(1, 0);
  return { blob, width, height };
};
