import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { uniqueNames, zipFiles } from './zip.ts';

describe('zipFiles', () => {
  it('holds every file under its name, byte for byte', () => {
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array([4, 5]);
    const zip = zipFiles([
      { name: 'photo.enhance-x4.png', bytes: a },
      { name: 'other.enhance-x2.png', bytes: b },
    ]);
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['other.enhance-x2.png', 'photo.enhance-x4.png']);
    expect([...files['photo.enhance-x4.png']!]).toEqual([1, 2, 3]);
    expect([...files['other.enhance-x2.png']!]).toEqual([4, 5]);
  });

  it('keeps two results of the same name apart', () => {
    expect(uniqueNames(['a.png', 'a.png', 'b', 'b', 'a.png'])).toEqual([
      'a.png',
      'a (2).png',
      'b',
      'b (2)',
      'a (3).png',
    ]);
  });
});
