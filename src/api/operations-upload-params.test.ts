import { describe, expect, it } from 'vitest';
import { fields, file, harness, samples } from './test-support.ts';

describe('the operations dialect with replace-background', () => {
  const uploadPath = '/api/v1/upload/api';

  async function upload(h: ReturnType<typeof harness>, apiKeyId?: string): Promise<string> {
    const body = new FormData();
    body.append('file', file(samples.png, 'image.png', 'image/png'));
    const response = await h.call('POST', uploadPath, { body, apiKeyId });
    expect(response.status).toBe(200);
    return String(fields(response).storage_key);
  }

  it('answers 400 for a prompt before any job exists', async () => {
    const h = harness();
    const input_key = await upload(h);
    const response = await h.call('POST', '/api/v1/jobs/api', {
      json: {
        input_key,
        operations: [
          {
            type: 'replace-background',
            params: { background_type: 'prompt', background_prompt: 'a beach' },
          },
        ],
      },
    });
    expect(response.status).toBe(400);
    expect(String(fields(response).detail)).toContain('needs a text-to-image model');
    expect(h.store.jobs.size).toBe(0);
  });

  it('checks that background_image_key is an upload of the same API key', async () => {
    const h = harness();
    const input_key = await upload(h);
    const background = await upload(h);
    const others = await upload(h, 'key-b');
    const job = (key: string) => ({
      input_key,
      operations: [
        {
          type: 'replace-background',
          params: { background_type: 'image', background_image_key: key },
        },
      ],
    });
    const ok = await h.call('POST', '/api/v1/jobs/api', { json: job(background) });
    expect(ok.status).toBe(200);
    for (const bad of [others, 'uploads/key-a/missing.png']) {
      const refused = await h.call('POST', '/api/v1/jobs/api', { json: job(bad) });
      expect(refused.status).toBe(400);
      expect(String(fields(refused).detail)).toMatch(
        /params\.background_image_key ".+" is not an upload of this API key/,
      );
    }
  });
});
