/*
 * The frame side of the embed protocol: every message from the host page is checked here,
 * with no DOM and no storage, before anything acts on it. The message types themselves are
 * defined once, in the client (src/client/client.ts), so both ends read the same contract.
 */
import {
  type DistributiveOmit,
  type EmbedJob,
  type EmbedReply,
  type EmbedRequest,
  type ErrorCode,
  type JobInput,
  type OperationRequest,
  PROTOCOL,
  PROTOCOL_VERSION,
} from '@/client/client.ts';
import { ParamError, type OperationMeta, resolveParams } from '@/ops/operation.ts';
import type { Job, Operation } from '@/jobs/job.ts';

export { PROTOCOL, PROTOCOL_VERSION };

/** As the operations API: a longer chain is almost surely a mistake. */
export const maxOperations = 10;
/** As the operations API's uploads. */
export const maxInputBytes = 50 * 1024 * 1024;
export const maxListLimit = 100;

/** A request the frame can act on: its operations already checked and filled with defaults. */
export type ValidRequest =
  | (EmbedRequest & { type: 'hello' | 'cancel' | 'list' | 'delete' })
  | (Omit<Extract<EmbedRequest, { type: 'create' }>, 'operations'> & { operations: Operation[] });

export interface ProtocolError {
  /** The request's id when it had a readable one, so the host can match the error to it. */
  reply_to: string | null;
  code: ErrorCode;
  message: string;
}

export type Parsed = { ok: true; request: ValidRequest } | { ok: false; error: ProtocolError };

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Invalid extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function nonEmptyString(body: Fields, key: string, code: ErrorCode = 'malformed'): string {
  const value = body[key];
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new Invalid(code, `${key} must be a non-empty string of at most 200 characters`);
  }
  return value;
}

function optionalName(input: Fields): string | undefined {
  const name = input.name;
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || name.length > 255) {
    throw new Invalid('invalid_input', 'input.name must be a string of at most 255 characters');
  }
  return name;
}

/** https anywhere, http only on this machine, or a data: URL: what the engine may fetch. */
export function inputUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'input.url is not a URL';
  }
  if (url.protocol === 'https:' || url.protocol === 'data:') return null;
  const local = ['localhost', '127.0.0.1'].includes(url.hostname);
  if (url.protocol === 'http:' && local) return null;
  return 'input.url must be https (or http on localhost) or a data: URL';
}

export function parseInput(value: unknown): JobInput {
  if (!isObject(value)) throw new Invalid('invalid_input', 'input must be an object with a kind');
  const name = optionalName(value);
  switch (value.kind) {
    case 'blob': {
      const blob = value.blob;
      if (!(blob instanceof Blob)) throw new Invalid('invalid_input', 'input.blob must be a Blob');
      if (blob.size === 0) throw new Invalid('invalid_input', 'input.blob is empty');
      if (blob.size > maxInputBytes) throw new Invalid('invalid_input', tooLarge(blob.size));
      return { kind: 'blob', blob, name };
    }
    case 'buffer': {
      const buffer = value.buffer;
      if (!(buffer instanceof ArrayBuffer)) {
        throw new Invalid('invalid_input', 'input.buffer must be an ArrayBuffer');
      }
      if (buffer.byteLength === 0) throw new Invalid('invalid_input', 'input.buffer is empty');
      if (buffer.byteLength > maxInputBytes) {
        throw new Invalid('invalid_input', tooLarge(buffer.byteLength));
      }
      const type = value.type ?? '';
      if (typeof type !== 'string') {
        throw new Invalid('invalid_input', 'input.type must be a MIME type string');
      }
      return { kind: 'buffer', buffer, type, name };
    }
    case 'url': {
      if (typeof value.url !== 'string')
        throw new Invalid('invalid_input', 'input.url must be a string');
      const problem = inputUrlProblem(value.url);
      if (problem) throw new Invalid('invalid_input', problem);
      return { kind: 'url', url: value.url, name };
    }
    default:
      throw new Invalid('invalid_input', 'input.kind must be "blob", "buffer" or "url"');
  }
}

function tooLarge(bytes: number): string {
  return `input is ${bytes} bytes; at most ${maxInputBytes} (50 MB) are accepted`;
}

/** Checks each operation against its meta (names, parameter types and ranges) and fills defaults. */
export function parseOperations(
  value: unknown,
  metas: Readonly<Record<string, OperationMeta>>,
): Operation[] {
  const fail = (message: string) => new Invalid('invalid_operations', message);
  if (!Array.isArray(value)) throw fail('operations must be an array of {type, params}');
  if (value.length === 0) throw fail('operations must not be empty');
  if (value.length > maxOperations) {
    throw fail(`operations has ${value.length} items; at most ${maxOperations} are allowed`);
  }
  return value.map((item: unknown, i): Operation => {
    const where = `operations[${i}]`;
    if (!isObject(item)) throw fail(`${where} must be an object {type, params}`);
    const type = item.type;
    if (typeof type !== 'string') throw fail(`${where}.type must be a string`);
    const meta = Object.hasOwn(metas, type) ? metas[type] : undefined;
    if (!meta) {
      throw fail(
        `${where}.type "${type}" is not an operation; use one of ${Object.keys(metas).join(', ')}`,
      );
    }
    const params = item.params ?? {};
    if (!isObject(params)) throw fail(`${where}.params must be an object`);
    try {
      return { type, params: resolveParams(meta, params) };
    } catch (error) {
      if (error instanceof ParamError) throw fail(`${where}: ${error.message}`);
      throw error;
    }
  });
}

/**
 * Validates one message from the host page. Anything that is not a well-formed request of this
 * protocol version comes back as an error to send, never as something to ignore.
 */
export function parseRequest(
  data: unknown,
  metas: Readonly<Record<string, OperationMeta>>,
): Parsed {
  const id =
    isObject(data) && typeof data.id === 'string' && data.id.length <= 200 ? data.id : null;
  const error = (code: ErrorCode, message: string): Parsed => ({
    ok: false,
    error: { reply_to: id, code, message },
  });
  if (!isObject(data) || data.protocol !== PROTOCOL) {
    return error(
      'malformed',
      `Not a ${PROTOCOL} message: expected an object with protocol "${PROTOCOL}"`,
    );
  }
  if (data.version !== PROTOCOL_VERSION) {
    return error(
      'unsupported_version',
      `This frame speaks ${PROTOCOL} version ${PROTOCOL_VERSION}, not ${JSON.stringify(data.version)}`,
    );
  }
  try {
    const base = { protocol: PROTOCOL, version: PROTOCOL_VERSION, id: nonEmptyString(data, 'id') };
    switch (data.type) {
      case 'hello':
        return { ok: true, request: { ...base, type: 'hello' } };
      case 'create':
        return {
          ok: true,
          request: {
            ...base,
            type: 'create',
            input: parseInput(data.input),
            operations: parseOperations(data.operations, metas),
          },
        };
      case 'cancel':
      case 'delete':
        return {
          ok: true,
          request: { ...base, type: data.type, job_id: nonEmptyString(data, 'job_id') },
        };
      case 'list': {
        const limit = data.limit ?? 50;
        if (
          typeof limit !== 'number' ||
          !Number.isInteger(limit) ||
          limit < 1 ||
          limit > maxListLimit
        ) {
          throw new Invalid('malformed', `limit must be a whole number from 1 to ${maxListLimit}`);
        }
        return { ok: true, request: { ...base, type: 'list', limit } };
      }
      default:
        return error(
          'unknown_type',
          `Unknown message type ${JSON.stringify(data.type)}; use hello, create, cancel, list or delete`,
        );
    }
  } catch (e) {
    if (e instanceof Invalid) return error(e.code, e.message);
    throw e;
  }
}

/** A reply, stamped with the protocol and the request it answers. */
export function reply(
  replyTo: string | null,
  body: DistributiveOmit<EmbedReply, Stamp>,
): EmbedReply {
  return {
    protocol: PROTOCOL,
    version: PROTOCOL_VERSION,
    reply_to: replyTo,
    ...body,
  } as EmbedReply;
}

type Stamp = 'protocol' | 'version' | 'reply_to';

/** How a stored job looks to the host page: what it needs, none of the engine's bookkeeping. */
export function summarize(job: Job): EmbedJob {
  const output = job.output && {
    name: job.output.name,
    type: job.output.type,
    bytes: job.output.bytes,
    width: job.output.width,
    height: job.output.height,
  };
  return {
    id: job.id,
    status: job.status,
    progress: job.progress,
    eta_seconds: job.eta_seconds,
    error: job.error,
    operations: job.spec.operations.map((op): OperationRequest => ({
      type: op.type,
      params: op.params,
    })),
    input: { name: job.input.name, type: job.input.type, bytes: job.input.bytes },
    output,
    created_at: job.created_at,
    completed_at: job.completed_at,
  };
}
