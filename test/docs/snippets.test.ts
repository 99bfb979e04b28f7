import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './doc-blocks.js';
import { STRICT_SNIPPET_OPTIONS, snippetFileName, type TsSnippet, tsSnippets } from './ts-snippets.js';

/*
 * Every TypeScript block of README.md and docs/ compiles as printed, each as its own ES module,
 * under a user's strict settings. The package name resolves the way the package's "exports" say,
 * to the sources the published declarations are built from (dist/esm/X.d.ts <- X.ts): that keeps
 * this test at a few seconds, where packing takes minutes. test/package/pack-install-deploy.test.ts
 * compiles the same blocks inside the installed app, against the packed package itself.
 */

const SNIPPET_DIR = join(ROOT, 'test', 'docs', '.snippets');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, string | { import?: { types?: string } }>;
};

/** "faspay-sendme-token-refresher/cdk" -> infra/index.ts, from the "exports" map of package.json. */
function packagePaths(): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    const types = typeof target === 'string' ? undefined : target.import?.types;
    if (types === undefined) continue;
    const source = types.replace(/^\.\/dist\/esm\//, '').replace(/\.d\.ts$/, '.ts');
    paths[subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`] = [source];
  }
  return paths;
}

/** tsc's errors in the snippets themselves (the sources they import are checked by `npm run typecheck`). */
function compile(snippets: readonly TsSnippet[]): string[] {
  const { options, errors } = ts.convertCompilerOptionsFromJson({ ...STRICT_SNIPPET_OPTIONS, baseUrl: ROOT, paths: packagePaths() }, ROOT);
  if (errors.length > 0) throw new Error(ts.flattenDiagnosticMessageText(errors[0]!.messageText, '\n'));
  const files = new Map(snippets.map((snippet, index) => [join(SNIPPET_DIR, snippetFileName(index)), snippet]));
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name)?.code ?? readFile.call(host, name);
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  return [...files.entries()].flatMap(([name, snippet]) =>
    [...program.getSyntacticDiagnostics(program.getSourceFile(name)), ...program.getSemanticDiagnostics(program.getSourceFile(name))].map(
      (diagnostic) => {
        const line = diagnostic.start === undefined ? 0 : (diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start).line ?? 0);
        const [document, fence] = snippet.where.split(':');
        return `${document}:${Number(fence) + 1 + line} TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
      },
    ),
  );
}

describe('README.md and docs/: every TypeScript block compiles as printed, strict', () => {
  const snippets = tsSnippets();

  it('finds the blocks of the README and of the docs that hold them', () => {
    const documents = new Set(snippets.map((snippet) => snippet.where.split(':')[0]));
    expect(documents).toEqual(
      new Set(['README.md', 'docs/consumers.md', 'docs/consumers-rejections.md', 'docs/deploy.md', 'docs/go-live.md', 'docs/install.md']),
    );
    expect(snippets.length).toBeGreaterThanOrEqual(10);
  });

  it('compiles each of them under strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess, and fails on one that does not', {
    timeout: 120_000,
  }, () => {
    // One program for both (the check costs a compile of aws-cdk-lib's declarations): the documents'
    // blocks, and one that no longer compiles, as the docs' "complete consumer handler" once did.
    const broken: TsSnippet = {
      where: 'broken.md:1',
      packages: [manifest.name],
      code: `import { createFaspayTokenProvider } from '${manifest.name}';
const provider = createFaspayTokenProvider({ parameterName: '/faspay/sendme/access-token' });
export async function handler(): Promise<{ ok: boolean; responseCode?: string }> {
  const body = (await (await fetch('https://example.com')).json()) as { response_code?: string };
  void provider;
  return { ok: true, responseCode: body.response_code };
}
`,
    };
    expect(compile([...snippets, broken])).toEqual([expect.stringMatching(/^broken\.md:7 TS2375 /)]);
  });

  it('grants every consumer the report channel too, wherever a block grants it the token', () => {
    for (const { where, code } of snippets) {
      // grantConsumer(fn) does both; a block that grants with grantRead alone must add the report channel.
      const reads = [...code.matchAll(/(\w+)\.grantRead\((\w+)\)/g)];
      for (const [, refresher, consumer] of reads) expect(code, where).toContain(`${refresher}.grantReportRejection(${consumer})`);
    }
  });
});
