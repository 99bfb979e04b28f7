import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/*
 * `npm install` on a fresh clone must leave `git status` clean: it rewrites package-lock.json when
 * the lock's record of package.json differs from package.json. This compares that record, so a
 * dependency added to one file and not the other fails here instead of dirtying every clone.
 */

type Manifest = Record<string, unknown>;
const readJson = (file: string): Manifest => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')) as Manifest;

const FIELDS = [
  'name',
  'version',
  'license',
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'optionalDependencies',
  'engines',
  'bin',
];

/** npm records a bin given as a string under the package's name. */
function normalizedBin(manifest: Manifest): unknown {
  const bin = manifest.bin;
  return typeof bin === 'string' ? { [String(manifest.name)]: bin } : bin;
}

describe('package-lock.json', () => {
  it('records package.json as it is (name, version, every dependency range, engines, bin)', () => {
    const manifest = readJson('package.json');
    const lock = readJson('package-lock.json') as {
      name: string;
      version: string;
      lockfileVersion: number;
      packages: Record<string, Manifest>;
    };
    const root = lock.packages['']!;
    const pick = (source: Manifest, bin: unknown) =>
      Object.fromEntries(FIELDS.map((field) => [field, field === 'bin' ? bin : source[field]]).filter(([, value]) => value !== undefined));

    expect(lock.lockfileVersion).toBe(3);
    expect([lock.name, lock.version]).toEqual([manifest.name, manifest.version]);
    expect(pick(root, root.bin)).toEqual(pick(manifest, normalizedBin(manifest)));
  });

  it('has an installed entry for every direct dependency', () => {
    const manifest = readJson('package.json');
    const lock = readJson('package-lock.json') as { packages: Record<string, Manifest> };
    const direct = ['dependencies', 'devDependencies'].flatMap((field) =>
      Object.keys((manifest[field] as Record<string, string> | undefined) ?? {}),
    );

    expect(direct.filter((name) => lock.packages[`node_modules/${name}`] === undefined)).toEqual([]);
  });
});
