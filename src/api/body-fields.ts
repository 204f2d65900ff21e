import {
  checkInteger,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
  optionalWebhookUrl,
  sourceUrl,
} from './fields.ts';
import type { JsonObject } from './request-body.ts';

/*
 * A JSON request body described once: the dialect reads it with `readBody` and the OpenAPI
 * document describes it with `bodySchema`, so what the validator accepts and what the document
 * promises come from the same lines. Fields are read in declaration order, so the first problem
 * a client hears about is the first field it wrote wrong.
 */

export type BodyField =
  | {
      type: 'source';
      /** The media a data: URL must declare. */
      kind: 'image' | 'video';
      /** Largest payload a data: URL may carry, in bytes. */
      maxDataBytes: number;
      description?: string;
    }
  | { type: 'enum'; choices: readonly string[]; default: string; description?: string }
  | { type: 'boolean'; default: boolean; description?: string }
  | { type: 'text'; min: number; max: number; description?: string }
  /** Absent: `default`; a default of null leaves the field unset (the dialect picks). */
  | { type: 'integer'; min: number; max: number; default: number | null; description?: string }
  | { type: 'webhook'; description?: string };

type ValueOf<F extends BodyField> = F extends { type: 'source' }
  ? string
  : F extends { type: 'enum'; choices: readonly (infer C)[] }
    ? C
    : F extends { type: 'boolean' }
      ? boolean
      : F extends { type: 'integer'; default: number }
        ? number
        : F extends { type: 'integer' }
          ? number | null
          : string | null;

export type BodyValues<F extends Record<string, BodyField>> = { [K in keyof F]: ValueOf<F[K]> };

/** Reads and checks every described field; throws the 400 (or 413) that names the first bad one. */
export function readBody<const F extends Record<string, BodyField>>(
  body: JsonObject,
  fields: F,
  origin: string,
): BodyValues<F> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) out[key] = readField(body, key, field, origin);
  return out as BodyValues<F>;
}

function readField(body: JsonObject, key: string, field: BodyField, origin: string): unknown {
  switch (field.type) {
    case 'source':
      return sourceUrl(body, key, { kind: field.kind, maxDataBytes: field.maxDataBytes, origin });
    case 'enum':
      return optionalEnum(body, key, field.choices, field.default);
    case 'boolean':
      return optionalBoolean(body, key, field.default);
    case 'text':
      return optionalString(body, key, field);
    case 'integer': {
      if (field.default !== null) return optionalInteger(body, key, field, field.default);
      const value = body[key];
      return value === undefined || value === null ? null : checkInteger(key, value, field);
    }
    case 'webhook':
      return optionalWebhookUrl(body, key);
  }
}

type Schema = Record<string, unknown>;

/** The JSON Schema of one field, as the OpenAPI document shows it. */
export function fieldSchema(field: BodyField): Schema {
  const description = field.description === undefined ? {} : { description: field.description };
  switch (field.type) {
    case 'source':
    case 'webhook':
      return { type: 'string', format: 'uri', ...description };
    case 'enum':
      return { type: 'string', enum: [...field.choices], default: field.default, ...description };
    case 'boolean':
      return { type: 'boolean', default: field.default, ...description };
    case 'text':
      return { type: 'string', minLength: field.min, maxLength: field.max, ...description };
    case 'integer':
      return {
        type: 'integer',
        minimum: field.min,
        maximum: field.max,
        ...(field.default === null ? {} : { default: field.default }),
        ...description,
      };
  }
}

/**
 * The request body's object schema: sources are required, every other field optional. `notes`
 * adds descriptions the dialect module cannot hold (e.g. text written from the engine's metas).
 */
export function bodySchema(
  fields: Readonly<Record<string, BodyField>>,
  notes: Readonly<Record<string, string>> = {},
): Schema {
  const required = Object.entries(fields)
    .filter(([, field]) => field.type === 'source')
    .map(([key]) => key);
  return {
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(fields).map(([key, field]) => {
        const note = notes[key];
        return [
          key,
          note === undefined ? fieldSchema(field) : { ...fieldSchema(field), description: note },
        ];
      }),
    ),
    ...(required.length > 0 ? { required } : {}),
  };
}
