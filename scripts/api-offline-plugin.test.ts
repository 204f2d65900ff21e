import { describe, expect, it } from 'vitest';
import { dialects } from '../src/api/index.ts';
import { isApiPath } from './api-offline-plugin.ts';

describe('the no-service-worker answer', () => {
  it('covers every prefix a dialect owns, and no page or asset', () => {
    for (const prefix of dialects.flatMap((d) => d.prefixes)) {
      expect(isApiPath(prefix), prefix).toBe(true);
      expect(isApiPath(`${prefix}/x`), prefix).toBe(true);
    }
    for (const path of ['/', '/index.html', '/embed', '/assets/index-1.js', '/v10', '/api/v2'])
      expect(isApiPath(path), path).toBe(false);
  });
});
