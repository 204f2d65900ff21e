import { MediaQuery } from 'svelte/reactivity';

/**
 * Whether the main pointer is a fine one (a mouse, a trackpad): keyboard hints are shown only
 * then; a phone or tablet gets the touch gestures instead.
 */
export const finePointer = new MediaQuery('(pointer: fine)', true);
