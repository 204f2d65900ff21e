import type { OperationModule } from '../../operation.ts';
import { runInWorker } from '../run-in-worker.ts';
import { meta } from './meta.ts';

export const cropResize: OperationModule = { meta, run: runInWorker(meta.name) };
