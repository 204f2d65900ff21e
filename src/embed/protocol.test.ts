import { describe, expect, it } from 'vitest';
import { operationMetas } from '@/ops/registry.ts';
import { createJob } from '@/jobs/job.ts';
import {
  PROTOCOL,
  PROTOCOL_VERSION,
  inputUrlProblem,
  maxInputBytes,
  parseRequest,
  reply,
  summarize,
} from './protocol.ts';

const envelope = { protocol: PROTOCOL, version: PROTOCOL_VERSION, id: 'r1' };
const png = new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
const convert = [{ type: 'convert', params: { output_format: 'webp' } }];

function parse(data: unknown) {
  return parseRequest(data, operationMetas);
}

function errorOf(data: unknown) {
  const parsed = parse(data);
  if (parsed.ok) throw new Error(`expected an error, got ${JSON.stringify(parsed.request)}`);
  return parsed.error;
}

describe('parseRequest', () => {
  it('accepts hello, list, cancel and delete', () => {
    expect(parse({ ...envelope, type: 'hello' })).toEqual({
      ok: true,
      request: { ...envelope, type: 'hello' },
    });
    expect(parse({ ...envelope, type: 'list' })).toMatchObject({
      ok: true,
      request: { limit: 50 },
    });
    expect(parse({ ...envelope, type: 'list', limit: 3 })).toMatchObject({ request: { limit: 3 } });
    expect(parse({ ...envelope, type: 'cancel', job_id: 'j' })).toMatchObject({
      request: { type: 'cancel', job_id: 'j' },
    });
    expect(parse({ ...envelope, type: 'delete', job_id: 'j' })).toMatchObject({
      request: { type: 'delete', job_id: 'j' },
    });
  });

  it('accepts a create with a Blob and fills the parameters from the meta', () => {
    const parsed = parse({
      ...envelope,
      type: 'create',
      input: { kind: 'blob', blob: png },
      operations: convert,
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.request.type !== 'create') return;
    expect(parsed.request.input).toEqual({ kind: 'blob', blob: png, name: undefined });
    // quality's default comes from convert's meta
    expect(parsed.request.operations).toEqual([
      {
        type: 'convert',
        params: { output_format: 'webp', quality: operationMetas.convert!.params.quality!.default },
      },
    ]);
  });

  it('accepts an ArrayBuffer with its type, and a URL', () => {
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    expect(
      parse({
        ...envelope,
        type: 'create',
        input: { kind: 'buffer', buffer, type: 'image/png', name: 'a.png' },
        operations: convert,
      }),
    ).toMatchObject({
      ok: true,
      request: { input: { kind: 'buffer', buffer, type: 'image/png', name: 'a.png' } },
    });
    expect(
      parse({
        ...envelope,
        type: 'create',
        input: { kind: 'url', url: 'https://example.com/a.jpg' },
        operations: convert,
      }),
    ).toMatchObject({
      ok: true,
      request: { input: { kind: 'url', url: 'https://example.com/a.jpg' } },
    });
  });

  it('answers anything that is not this protocol with a malformed error', () => {
    for (const data of [
      null,
      'hello',
      42,
      [],
      { type: 'hello' },
      { ...envelope, protocol: 'other' },
    ]) {
      expect(errorOf(data).code).toBe('malformed');
    }
    // the id is carried back whenever there is one to read
    expect(errorOf({ protocol: 'other', id: 'x7' })).toMatchObject({
      reply_to: 'x7',
      code: 'malformed',
    });
    expect(errorOf('junk').reply_to).toBeNull();
  });

  it('refuses another protocol version, an unknown type, and a missing or empty id', () => {
    expect(errorOf({ ...envelope, version: 2, type: 'hello' })).toMatchObject({
      reply_to: 'r1',
      code: 'unsupported_version',
    });
    expect(errorOf({ ...envelope, type: 'explode' })).toMatchObject({
      reply_to: 'r1',
      code: 'unknown_type',
    });
    expect(errorOf({ ...envelope, id: '', type: 'hello' }).code).toBe('malformed');
    expect(errorOf({ protocol: PROTOCOL, version: PROTOCOL_VERSION, type: 'hello' }).code).toBe(
      'malformed',
    );
  });

  it('refuses bad inputs with the reason', () => {
    const create = (input: unknown) =>
      errorOf({ ...envelope, type: 'create', input, operations: convert });
    expect(create(undefined)).toMatchObject({ code: 'invalid_input' });
    expect(create({ kind: 'file' }).message).toContain('"blob", "buffer" or "url"');
    expect(create({ kind: 'blob', blob: 'bytes' }).message).toBe('input.blob must be a Blob');
    expect(create({ kind: 'blob', blob: new Blob([]) }).message).toBe('input.blob is empty');
    const huge = { size: maxInputBytes + 1 } as Blob;
    Object.setPrototypeOf(huge, Blob.prototype);
    expect(create({ kind: 'blob', blob: huge }).message).toContain('at most 52428800');
    expect(create({ kind: 'buffer', buffer: new Uint8Array([1]) }).message).toBe(
      'input.buffer must be an ArrayBuffer',
    );
    expect(create({ kind: 'url', url: 'ftp://example.com/a.png' }).message).toContain('https');
    expect(create({ kind: 'blob', blob: png, name: 7 }).message).toContain('input.name');
  });

  it('checks operations against their metas', () => {
    const create = (operations: unknown) =>
      errorOf({ ...envelope, type: 'create', input: { kind: 'blob', blob: png }, operations });
    expect(create(undefined)).toMatchObject({ reply_to: 'r1', code: 'invalid_operations' });
    expect(create([]).message).toBe('operations must not be empty');
    expect(create([{ type: 'teleport' }]).message).toContain('"teleport" is not an operation');
    expect(create([{ type: 'toString' }]).message).toContain('is not an operation');
    expect(create([{ type: 'convert', params: { output_format: 'bmp' } }]).message).toContain(
      'output_format must be one of',
    );
    expect(
      create([{ type: 'convert', params: { output_format: 'png', quality: 101 } }]).message,
    ).toContain('between 1 and 100');
    expect(
      create([{ type: 'convert', params: { output_format: 'png', speed: 1 } }]).message,
    ).toContain('no parameter "speed"');
    expect(create(Array.from({ length: 11 }, () => convert[0])).message).toContain('at most 10');
  });

  it('refuses a list limit out of range', () => {
    expect(errorOf({ ...envelope, type: 'list', limit: 0 }).code).toBe('malformed');
    expect(errorOf({ ...envelope, type: 'list', limit: 2.5 }).code).toBe('malformed');
  });
});

describe('inputUrlProblem', () => {
  it('allows https, data: and http only on this machine', () => {
    expect(inputUrlProblem('https://example.com/a.png')).toBeNull();
    expect(inputUrlProblem('data:image/png;base64,AAAA')).toBeNull();
    expect(inputUrlProblem('http://127.0.0.1:8080/a.png')).toBeNull();
    expect(inputUrlProblem('http://example.com/a.png')).not.toBeNull();
    expect(inputUrlProblem('not a url')).toBe('input.url is not a URL');
  });
});

describe('replies', () => {
  it('stamp the protocol, version and request id', () => {
    expect(reply('r9', { type: 'error', code: 'not_found', message: 'no' })).toEqual({
      protocol: PROTOCOL,
      version: PROTOCOL_VERSION,
      reply_to: 'r9',
      type: 'error',
      code: 'not_found',
      message: 'no',
    });
  });

  it('summarize a job without the engine bookkeeping', () => {
    const job = createJob({
      id: 'j1',
      dialect: 'app',
      spec: {
        operations: [{ type: 'convert', params: { output_format: 'png' } }],
        options: { embed_origin: 'https://a.example' },
      },
      input: { key: 'in:j1', name: 'a.png', type: 'image/png', bytes: 10 },
      now: 5,
    });
    const summary = summarize(job);
    expect(summary).toEqual({
      id: 'j1',
      status: 'queued',
      progress: 0,
      eta_seconds: null,
      error: null,
      operations: [{ type: 'convert', params: { output_format: 'png' } }],
      input: { name: 'a.png', type: 'image/png', bytes: 10 },
      output: null,
      created_at: 5,
      completed_at: null,
    });
    expect(Object.keys(summary)).not.toContain('lease_owner');
  });
});
