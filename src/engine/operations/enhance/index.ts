import type { OperationModule } from '../../operation.ts';
import { meta } from './meta.ts';
import { run } from './run.ts';

export const enhance: OperationModule = { meta, run };
