import type { PagePrepare } from '../operation.ts';
import { readUploadBlob } from './upload-blob.ts';

/** Resolves background_image_key to its file here, where the uploads are, for the worker. */
export const prepare: PagePrepare = async (params) =>
  params.background_type === 'image'
    ? { ...params, background_image: await readUploadBlob(String(params.background_image_key)) }
    : params;
