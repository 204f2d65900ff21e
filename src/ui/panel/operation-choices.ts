import type { OperationMeta, ParamSpec } from '@/ops/operation.ts';
import { operationMetas } from '@/ops/registry.ts';
import type { JobSpec, Operation } from '@/jobs/job.ts';
import { formParams } from './controls/form-params.ts';

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
  const params = {
    ...Object.fromEntries(required.map(([k, spec]) => [k, spec.default])),
    ...choice.params,
  };
  // The settings panel's own defaults (a white background colour): every choice runs as offered.
  return { type: choice.type, params: meta ? formParams(meta, params) : params };
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

/** The cards' groups, by outcome, in the order a person meets them. */
export const operationGroups = [
  { id: 'enlarge', types: ['enhance', 'enhance-anime'] },
  {
    id: 'repair',
    types: ['restore-old-photo', 'denoise', 'deblur', 'enhance-face', 'remove-frame'],
  },
  { id: 'cutout', types: ['remove-background', 'replace-background', 'blur-background'] },
  { id: 'retouch', types: ['remove-object', 'remove-text'] },
  { id: 'convert', types: ['convert', 'compress-optimize', 'crop-resize', 'smart-crop'] },
] as const satisfies readonly { id: string; types: readonly string[] }[];

/** The choice a card starts at: the one matching the operation's own defaults (Upscale ×4). */
export function defaultChoice(type: string): Choice | undefined {
  const meta = operationMetas[type];
  const ofType = choices.filter((c) => c.type === type);
  return (
    ofType.find((c) =>
      Object.entries(c.params).every(([k, v]) => meta?.params[k]?.default === v),
    ) ?? ofType[0]
  );
}

/**
 * What "Add a step" starts from: the cheapest step that makes sense after any other, a
 * format conversion (no model, no download, instant).
 */
export const cheapestStep = (): Operation => operationOf(defaultChoice('convert') ?? choices[0]!);
