import { operations } from './operations.ts';
import { restorations } from './restorations.ts';
import type { DialectModule } from './types.ts';
import { upscale } from './upscale.ts';
import { video } from './video.ts';

/** The four hosted APIs the service worker answers (shared/seeds/). */
export const dialects: readonly DialectModule[] = [restorations, operations, upscale, video];

export { handleApi, matchRoute } from './router.ts';
