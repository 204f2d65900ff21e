import { describe, expect, it } from 'vitest';
import { blobResponse, parseRange } from './files.ts';

describe('parseRange', () => {
  it.each([
    ['bytes=0-9', 100, [0, 9]],
    ['bytes=90-', 100, [90, 99]],
    ['bytes=-10', 100, [90, 99]],
    ['bytes=50-500', 100, [50, 99]],
    ['bytes=-500', 100, [0, 99]],
  ] as const)('%s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });

  it('says when a range cannot be served, and ignores what it does not understand', () => {
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=9-3', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
  });
});

describe('blobResponse', () => {
  const blob = new Blob([new Uint8Array(Array.from({ length: 100 }, (_, i) => i))], {
    type: 'image/png',
  });

  it('serves the whole file with its type and length', async () => {
    const response = blobResponse(blob, 'a b.png', null);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-length')).toBe('100');
    expect(response.headers.get('content-disposition')).toContain("UTF-8''a%20b.png");
  });

  it('serves a byte range with 206 and the exact bytes', async () => {
    const response = blobResponse(blob, 'a.png', 'bytes=10-14');
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 10-14/100');
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([10, 11, 12, 13, 14]);
  });

  it('answers 416 for a range past the end', () => {
    const response = blobResponse(blob, 'a.png', 'bytes=200-');
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */100');
  });
});
