import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The exit-code table is typed against the union of every error class's `code`, so a new code of a
 * listed class does not compile without an exit code. This closes the remaining gap: a new
 * CodedError subclass must be added to that union.
 */
describe('Contract: the exit-code table covers every error class', () => {
  const root = new URL('../../', import.meta.url).pathname;
  const sources = ['functions', 'cli'].flatMap((dir) => filesUnder(join(root, dir)));
  const declared = sources.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/export class (\w+) extends CodedError</g)].map((match) => match[1]!),
  );
  const exitCodes = readFileSync(join(root, 'cli/exit-codes.ts'), 'utf8');
  const listed = new Set([.../type ProjectError =([^;]+);/.exec(exitCodes)![1]!.matchAll(/\|\s*(\w+)/g)].map((match) => match[1]!));

  it('lists every CodedError subclass of the tree in ProjectError', () => {
    expect(declared.length).toBeGreaterThan(10);
    expect(declared.filter((name) => !listed.has(name))).toEqual([]);
  });

  it('names each class literally, so minified bundles keep readable error names', () => {
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/export class (\w+) extends CodedError<[^\n]*\{\n\s*override readonly name = '(\w+)'/g)) {
        expect(match[2]).toBe(match[1]);
      }
      const classes = [...text.matchAll(/export class (\w+) extends CodedError</g)].length;
      const named = [...text.matchAll(/extends CodedError<[^\n]*\{\n\s*override readonly name = '\w+'/g)].length;
      expect({ file, named }).toEqual({ file, named: classes });
    }
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}
