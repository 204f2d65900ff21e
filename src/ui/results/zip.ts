import { zipSync } from 'fflate';

export interface ZipEntry {
  name: string;
  bytes: Uint8Array;
}

/**
 * Names made unique the way a file manager would (`photo.enhance-x4 (2).png`), so two results
 * of the same photo and operation both reach the zip.
 */
export function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    const dot = name.lastIndexOf('.');
    const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let n = 2; taken.has(candidate); n++) candidate = `${stem} (${n})${extension}`;
    taken.add(candidate);
    return candidate;
  });
}

/** A zip of the files, stored rather than deflated: PNG, JPEG and WebP are compressed already. */
export function zipFiles(entries: readonly ZipEntry[]): Uint8Array {
  const names = uniqueNames(entries.map((e) => e.name));
  const files: Record<string, Uint8Array> = {};
  entries.forEach((entry, i) => (files[names[i]!] = entry.bytes));
  return zipSync(files, { level: 0 });
}
