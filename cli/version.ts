import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's version, read when asked from the nearest package.json above this module that has
 * a name and a version: the repository's in a clone (cli/), the installed package's from its
 * compiled CLI (dist/cli/; dist/cjs/package.json, which only sets the module type, is not above it).
 */
export function packageVersion(moduleUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
      if (typeof name === 'string' && typeof version === 'string') return version;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no package.json with a name and version above the CLI');
    dir = parent;
  }
}
