import type { OperationModule } from '../operation.ts';
import { runInWorker } from '../operations/run-in-worker.ts';
import { meta } from './meta.ts';

/**
 * The page side of a video job. Its work runs in the inference worker (workers/video.ts), so the
 * frames go through the very ONNX sessions image jobs use: one per model and backend.
 */
export const videoEnhance: OperationModule = { meta, run: runInWorker(meta.name) };
