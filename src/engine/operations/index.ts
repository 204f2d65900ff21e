import type { OperationModule } from '../operation.ts';
import { enhance } from './enhance/index.ts';

/** Every operation the engine runs, by name. Adding an operation is adding a folder and a line. */
export const operations: Readonly<Record<string, OperationModule>> = {
  [enhance.meta.name]: enhance,
};
