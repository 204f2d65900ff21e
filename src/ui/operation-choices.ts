import type { OperationMeta, ParamSpec } from '../engine/operation.ts';
import { operationMetas } from '../engine/operations/metas.ts';
import type { JobSpec, Operation } from '../jobs/job.ts';

/** The parameter a painted mask fills (remove-object, remove-text): the painter sets it. */
export const MASK_PARAM = 'mask_data_url';

export interface Choice {
  id: string;
  label: string;
  type: string;
  /** The parameters the choice itself fixes (e.g. `{scale: 4}` for "Upscale ×4"). */
  params: Record<string, unknown>;
}

// One choice per allowed value of an operation's first choice-list parameter (e.g. each
// scale of Upscale), generated from the metas so a new operation appears by itself.
const quickValues = (spec: ParamSpec) =>
  spec.type === 'integer' ? (spec.presets ?? spec.choices ?? null) : null;

function choicesOf(meta: OperationMeta): Choice[] {
  const entry = Object.entries(meta.params).find(([, spec]) => quickValues(spec) !== null);
  if (!entry) return [{ id: meta.name, label: meta.label, type: meta.name, params: {} }];
  const [key, spec] = entry;
  return [...(quickValues(spec) ?? [])]
    .sort((a, b) => b - a)
    .map((value) => ({
      id: `${meta.name}:${value}`,
      label: `${meta.label} ×${value}`,
      type: meta.name,
      params: { [key]: value },
    }));
}

export const choices: readonly Choice[] = Object.values(operationMetas).flatMap(choicesOf);

/**
 * The operation a choice starts as: what the choice fixes, plus the defaults of the parameters
 * the operation requires (the API makes a caller name them; the picker shows the default as
 * chosen, so it must send it).
 */
export function operationOf(choice: Choice): Operation {
  const meta = operationMetas[choice.type];
  const required = Object.entries(meta?.params ?? {}).filter(
    ([, spec]) => spec.required && spec.default !== null,
  );
  return {
    type: choice.type,
    params: {
      ...Object.fromEntries(required.map(([k, spec]) => [k, spec.default])),
      ...choice.params,
    },
  };
}

/** The picker's choice an operation matches: its type, and every value the choice fixes. */
export function choiceOf(operation: Operation): Choice | undefined {
  return choices.find(
    (c) =>
      c.type === operation.type &&
      Object.entries(c.params).every(([k, v]) => operation.params[k] === v),
  );
}

/** "Upscale ×4", as the picker says it; the type itself for an operation this build lacks. */
export function describeOperation(operation: Operation): string {
  return choiceOf(operation)?.label ?? operationMetas[operation.type]?.label ?? operation.type;
}

export function describeSpec(spec: JobSpec): string {
  return spec.operations.map(describeOperation).join(' → ');
}

/**
 * Whether the operation still needs a painted mask: its meta takes one, none is given yet, and
 * it does not find what to remove by itself (remove-text with `auto_detect`).
 */
export function needsMask(operation: Operation): boolean {
  const meta = operationMetas[operation.type];
  if (!meta || !(MASK_PARAM in meta.params)) return false;
  if (operation.params[MASK_PARAM] != null) return false;
  const auto = meta.params.auto_detect;
  return !(auto && (operation.params.auto_detect ?? auto.default) === true);
}
