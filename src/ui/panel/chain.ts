import type { Operation } from '@/jobs/job.ts';

/**
 * The steps of a chain, as the picker edits them: every change returns a new list, so the
 * settings store only ever sees whole chains. A chain never becomes empty.
 */
export function addStep(chain: readonly Operation[], step: Operation): Operation[] {
  return [...chain, step];
}

export function removeStep(chain: readonly Operation[], index: number): Operation[] {
  if (chain.length <= 1 || index < 0 || index >= chain.length) return [...chain];
  return chain.filter((_, i) => i !== index);
}

/** Moves step `index` by `by` places (-1 up, +1 down); a move past either end does nothing. */
export function moveStep(chain: readonly Operation[], index: number, by: number): Operation[] {
  const target = index + by;
  if (index < 0 || index >= chain.length || target < 0 || target >= chain.length) return [...chain];
  const next = [...chain];
  const [step] = next.splice(index, 1);
  next.splice(target, 0, step!);
  return next;
}

export function replaceStep(
  chain: readonly Operation[],
  index: number,
  step: Operation,
): Operation[] {
  return chain.map((s, i) => (i === index ? step : s));
}
