import type { OperationMeta, ParamSpec } from '@/ops/operation.ts';

/** The value a parameter has in the form: what is set, else the form's default, else the API's. */
export function valueOf(spec: ParamSpec, params: Record<string, unknown>, name: string): unknown {
  return params[name] ?? spec.formDefault ?? spec.default;
}

/** Whether the form shows (and sends) the parameter, given the others (`shownWhen`). */
export function isShown(
  meta: OperationMeta,
  params: Record<string, unknown>,
  name: string,
): boolean {
  const when = meta.params[name]?.shownWhen;
  if (!when) return true;
  const other = meta.params[when.param];
  return other !== undefined && valueOf(other, params, when.param) === when.equals;
}

/**
 * The parameters as the form sends them: a shown parameter with a form default gets it when
 * unset (a white background, the whole photo as the crop), a hidden one is left out (the API
 * refuses a colour with a transparent background). So an operation runs as it first appears.
 */
export function formParams(
  meta: OperationMeta,
  params: Record<string, unknown>,
): Record<string, unknown> {
  const next = { ...params };
  for (const [name, spec] of Object.entries(meta.params)) {
    if (!isShown(meta, params, name)) delete next[name];
    else if (next[name] == null && spec.formDefault !== undefined) {
      next[name] = structuredClone(spec.formDefault);
    }
  }
  return next;
}

/** Whether two parameter sets send the same thing (key order aside). */
export function sameParams(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}
