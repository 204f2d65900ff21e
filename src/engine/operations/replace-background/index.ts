import type { OperationModule } from '../../operation.ts';
import { runInWorker } from '../run-in-worker.ts';
import { meta } from './meta.ts';
import { readUploadBlob } from './upload-blob.ts';

const inWorker = runInWorker(meta.name);

/** Resolves background_image_key to its file here, where the uploads are, for the worker. */
export const replaceBackground: OperationModule = {
  meta,
  async run(input, params, ctx) {
    const extra =
      params.background_type === 'image'
        ? { background_image: await readUploadBlob(String(params.background_image_key)) }
        : {};
    return inWorker(input, { ...params, ...extra }, ctx);
  },
};
