import { describe, expect, it } from 'vitest';
import { fields, file, harness } from './test-support.ts';

/** A PNG's signature and IHDR declaring 32×24: all the header an upload's size is read from. */
const png32x24 = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 32,
  0, 0, 0, 24, 8, 6, 0, 0, 0,
]);

describe('the operations dialect with a pixel crop as its first step', () => {
  async function job(crop: number[]) {
    const h = harness();
    const body = new FormData();
    body.append('file', file(png32x24, 'image.png', 'image/png'));
    const upload = await h.call('POST', '/api/v1/upload/api', { body });
    const input_key = String(fields(upload).storage_key);
    const response = await h.call('POST', '/api/v1/jobs/api', {
      json: {
        input_key,
        operations: [{ type: 'crop-resize', params: { crop: { pixels: crop } } }],
      },
    });
    return { h, response };
  }

  it('refuses at once a crop outside the uploaded image, saying its size', async () => {
    const { h, response } = await job([8, 0, 32, 24]);
    expect(response.status).toBe(400);
    expect(String(fields(response).detail)).toContain('reaches outside the 32×24 image');
    expect(h.store.jobs.size).toBe(0);
  });

  it('takes a crop inside it', async () => {
    const { response } = await job([8, 0, 24, 24]);
    expect(response.status).toBe(200);
  });
});
