import { declaredSizeOf, oversizeReason } from '@/media/image-size.ts';
import { formatMB } from './request-body.ts';
import { type ImageType, imageTypeNames, sniffBlob } from '@/media/sniff.ts';
import { ApiError } from './types.ts';

/** Multipart fields: the image file of an upload, and the text fields beside it. */

export interface ImageFile {
  /** The file's bytes, typed as what they really are. */
  blob: Blob;
  /** The client's file name without any path it sent along. */
  name: string;
}

function list(types: readonly ImageType[]): string {
  const names = types.map((t) => imageTypeNames[t]);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names.join('');
}

/** The file name without a client-side path ("C:\\photos\\a.jpg" arrives from some clients). */
function baseName(name: string, fallback: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return base === '' ? fallback : base.slice(0, 255);
}

/**
 * The image in a file field: present, not empty, within the size limit, and one of the allowed
 * types by its bytes (the client's declared type is ignored).
 */
export async function imageField(
  form: FormData,
  field: string,
  rules: { maxBytes: number; types: readonly ImageType[] },
): Promise<ImageFile> {
  const value = form.get(field);
  if (value === null) {
    throw new ApiError(
      400,
      `${field} is required: send the image as the multipart field "${field}"`,
    );
  }
  if (typeof value === 'string')
    throw new ApiError(400, `${field} must be a file, not a text field`);
  if (value.size === 0) throw new ApiError(400, `${field} is empty`);
  if (value.size > rules.maxBytes) {
    throw new ApiError(
      413,
      `${field} is ${formatMB(value.size)}; the limit is ${formatMB(rules.maxBytes)}`,
    );
  }
  const sniffed = await sniffBlob(value);
  if (sniffed.image === null || !rules.types.includes(sniffed.image)) {
    const found =
      sniffed.image === null ? sniffed.found : `a ${imageTypeNames[sniffed.image]} image`;
    throw new ApiError(400, `${field} must be ${list(rules.types)} (found ${found})`);
  }
  const oversize = oversizeReason(await declaredSizeOf(value));
  if (oversize) throw new ApiError(400, `${field}: ${oversize}`);
  return {
    blob: value.slice(0, value.size, sniffed.image),
    name: baseName(value.name, 'image'),
  };
}

/** A text field's value; undefined when absent or empty (an HTML form sends empty fields). */
export function textField(form: FormData, field: string): string | undefined {
  const value = form.get(field);
  if (value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ApiError(400, `${field} must be a text field`);
  return value;
}
