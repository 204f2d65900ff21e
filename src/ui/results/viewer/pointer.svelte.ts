import { MediaQuery } from 'svelte/reactivity';

/**
 * Whether the main pointer is a fine one (a mouse, a trackpad): keyboard hints are shown only
 * then; a phone or tablet gets the touch gestures instead.
 */
export const finePointer = new MediaQuery('(pointer: fine)', true);

/** Two pointers as a pinch: how far apart they are and their midpoint (zoom and pan around it). */
export function pinchOf(
  a: { x: number; y: number },
  b: { x: number; y: number },
): { distance: number; x: number; y: number } {
  return { distance: Math.hypot(a.x - b.x, a.y - b.y), x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}
