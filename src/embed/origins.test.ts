import { describe, expect, it } from 'vitest';
import { ALLOWED_KEY, decide, normalizeOrigin, readOriginLists, remember } from './origins.ts';

function memorySettings() {
  const map = new Map<string, unknown>();
  return {
    map,
    setting: async <T>(key: string) => map.get(key) as T | undefined,
    putSetting: async (key: string, value: unknown) => void map.set(key, value),
  };
}

describe('normalizeOrigin', () => {
  it('keeps scheme, host and port only', () => {
    expect(normalizeOrigin('https://Example.com')).toBe('https://example.com');
    expect(normalizeOrigin(' https://example.com/ ')).toBe('https://example.com');
    expect(normalizeOrigin('http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(normalizeOrigin('https://example.com:443')).toBe('https://example.com');
  });

  it('refuses what is not an http(s) origin', () => {
    for (const text of [
      'example.com',
      'https://example.com/app',
      'https://u:p@example.com',
      'https://example.com/?a',
      'ftp://example.com',
      'javascript:alert(1)',
      '',
    ]) {
      expect(normalizeOrigin(text)).toBeNull();
    }
  });
});

describe('the lists', () => {
  it('move an origin between allowed, denied and unknown', async () => {
    const store = memorySettings();
    const a = 'https://a.example';
    expect(decide(await readOriginLists(store), a)).toBe('unknown');
    await remember(store, a, 'denied');
    expect(decide(await readOriginLists(store), a)).toBe('denied');
    await remember(store, a, 'allowed');
    expect(await readOriginLists(store)).toEqual({ allowed: [a], denied: [] });
    await remember(store, a, 'allowed'); // twice stays once
    expect(store.map.get(ALLOWED_KEY)).toEqual([a]);
    await remember(store, a, 'unknown');
    expect(await readOriginLists(store)).toEqual({ allowed: [], denied: [] });
  });

  it('ignore a corrupt stored value', async () => {
    const store = memorySettings();
    store.map.set(ALLOWED_KEY, 'https://a.example');
    expect((await readOriginLists(store)).allowed).toEqual([]);
  });
});
