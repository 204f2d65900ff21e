import { describe, expect, it } from 'vitest';
import {
  integerText,
  nameFromUrl,
  optionalInteger,
  optionalWebhookUrl,
  sourceUrl,
} from './fields.ts';
import { origin } from './test-support.ts';
import { ApiError } from './types.ts';

const rules = { kind: 'image', maxDataBytes: 1000, origin } as const;

function failure(run: () => unknown): ApiError {
  try {
    run();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('sourceUrl', () => {
  it.each([
    ['https://example.com/a.jpg', 'https://example.com/a.jpg'],
    ['http://localhost:3001/a.jpg', 'http://localhost:3001/a.jpg'],
    ['http://127.0.0.1/a.jpg', 'http://127.0.0.1/a.jpg'],
    [`${origin}/files/out:1`, `${origin}/files/out:1`],
    ['/files/x.jpg', `${origin}/files/x.jpg`],
    [pngData(1, 1), pngData(1, 1)],
  ])('accepts %s', (given, expected) => {
    expect(sourceUrl({ image_url: given }, 'image_url', rules)).toBe(expected);
  });

  it.each([
    ['http://example.com/a.jpg', /must be an https URL/],
    ['ftp://example.com/a.jpg', /must be an https URL/],
    ['//evil.example/a.jpg', /not a valid URL/],
    ['javascript:alert(1)', /must be an https URL/],
    ['not a url', /not a valid URL/],
    ['https://user:pw@example.com/a.jpg', /user name or password/],
    ['data:text/html,<b>hi</b>', /data: URL but not of a image/],
    // Issue 18 #9: what can only fail later is refused now, with the reason.
    ['http://[::1]:8080/a.jpg', /must be an https URL/],
    [
      `data:image/png;base64,${btoa('hello, not an image')}`,
      /data: URL of plain text, not an image/,
    ],
    [
      `data:image/svg+xml;base64,${btoa('<svg xmlns="http://www.w3.org/2000/svg"/>')}`,
      /an SVG image/,
    ],
    [pngData(100_000, 100_000), /declares 100000×100000 pixels/],
    [`blob:${origin}/0d8f0f8e-0000-4000-8000-000000000000`, /blob: URL/],
    [`${origin}/api/v1/restorations`, /a path of this API/],
    ['/v1/jobs', /a path of this API/],
    ['data:image/png;base64', /data: URL but not of a image/],
    ['', /must not be empty/],
  ])('refuses %s', (given, message) => {
    const error = failure(() => sourceUrl({ image_url: given }, 'image_url', rules));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });

  it('needs the field, as a string', () => {
    expect(failure(() => sourceUrl({}, 'image_url', rules)).message).toBe('image_url is required');
    expect(failure(() => sourceUrl({ image_url: null }, 'image_url', rules)).message).toBe(
      'image_url is required',
    );
    expect(failure(() => sourceUrl({ image_url: 5 }, 'image_url', rules)).message).toBe(
      'image_url must be a string (got 5)',
    );
  });

  it('refuses a data: URL carrying more than the limit with 413', () => {
    const png = pngData(1, 1);
    const big = `${png}${'A'.repeat(1400 - png.length + 22)}`;
    const error = failure(() => sourceUrl({ image_url: big }, 'image_url', rules));
    expect(error.status).toBe(413);
    const fits = `${png}${'A'.repeat(1332 - png.length + 22)}`;
    expect(sourceUrl({ image_url: fits }, 'image_url', rules)).toMatch(/^data:/);
  });
});

/** A data: URL of a PNG's signature and IHDR chunk declaring width × height. */
function pngData(width: number, height: number): string {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24);
  return `data:image/png;base64,${btoa(String.fromCharCode(...bytes))}`;
}

describe('optionalWebhookUrl', () => {
  it('takes https and loopback http, nothing else', () => {
    expect(optionalWebhookUrl({}, 'w')).toBeNull();
    expect(optionalWebhookUrl({ w: 'https://a.example/h' }, 'w')).toBe('https://a.example/h');
    expect(optionalWebhookUrl({ w: 'http://localhost:9/h' }, 'w')).toBe('http://localhost:9/h');
    expect(failure(() => optionalWebhookUrl({ w: 'http://a.example/h' }, 'w')).message).toBe(
      'w must be an https URL (http only for localhost or 127.0.0.1)',
    );
    expect(failure(() => optionalWebhookUrl({ w: 'nope' }, 'w')).message).toMatch(
      /not a valid URL/,
    );
  });
});

describe('integers', () => {
  const range = { min: 2, max: 8 };

  it('takes JSON integers in range only', () => {
    expect(optionalInteger({}, 'scale', range, 4)).toBe(4);
    expect(optionalInteger({ scale: 8 }, 'scale', range, 4)).toBe(8);
    expect(failure(() => optionalInteger({ scale: 9 }, 'scale', range, 4)).message).toBe(
      'scale must be from 2 to 8 (got 9)',
    );
    expect(failure(() => optionalInteger({ scale: 2.5 }, 'scale', range, 4)).message).toBe(
      'scale must be an integer from 2 to 8 (got 2.5)',
    );
    expect(failure(() => optionalInteger({ scale: '4' }, 'scale', range, 4)).message).toBe(
      'scale must be an integer from 2 to 8 (got "4")',
    );
  });

  it('reads integers from text strictly', () => {
    expect(integerText('scale', '3', range)).toBe(3);
    for (const bad of ['', '3.0', '3x', '0x4', '1e1', ' ']) {
      expect(failure(() => integerText('scale', bad, range)).status, bad).toBe(400);
    }
  });
});

describe('nameFromUrl', () => {
  it('takes the last path segment, decoded', () => {
    expect(nameFromUrl('https://example.com/photos/grandma%201952.jpg', 'image')).toBe(
      'grandma 1952.jpg',
    );
    expect(nameFromUrl('https://example.com/', 'image')).toBe('image');
    expect(nameFromUrl('data:image/png;base64,AAAA', 'image')).toBe('image');
  });
});
