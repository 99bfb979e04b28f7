import { readdirSync } from 'node:fs';
import { ROOT, readDoc } from './doc-blocks.js';

/**
 * Every TypeScript block of README.md and docs/*.md, as printed: each is compiled as a module of
 * its own (test/docs/snippets.test.ts against this repository's entries, test/package against the
 * packed package), under the settings docs/install.md names.
 */
export interface TsSnippet {
  /** `docs/consumers.md:42`: the document and the line its fence opens on. */
  readonly where: string;
  readonly code: string;
  /** Bare package names it imports (`aws-cdk-lib`, `@aws-lambda-powertools/parameters`, ...). */
  readonly packages: readonly string[];
}

export const SNIPPET_DOCUMENTS: readonly string[] = [
  'README.md',
  ...readdirSync(new URL('docs/', `file://${ROOT}`))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

const FENCE = /^```(ts|typescript|tsx)\s*\n([\s\S]*?)^```\s*$/gm;

export function tsSnippets(documents: readonly string[] = SNIPPET_DOCUMENTS): TsSnippet[] {
  return documents.flatMap((document) => {
    const markdown = readDoc(document);
    return [...markdown.matchAll(FENCE)].map((match) => {
      const code = match[2] ?? '';
      const line = markdown.slice(0, match.index).split('\n').length;
      return { where: `${document}:${line}`, code, packages: packagesOf(code) };
    });
  });
}

function packagesOf(code: string): string[] {
  const names = [...code.matchAll(/from '([^'.][^']*)'/g)].map((match) => {
    const specifier = match[1] ?? '';
    const parts = specifier.split('/');
    return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
  });
  return [...new Set(names)].filter((name) => !name.startsWith('node:'));
}

/**
 * The compiler settings a user's strict app has (docs/install.md; examples/payments-app/tsconfig.json
 * without its `noPropertyAccessFromIndexSignature`, which snippets reading `process.env.NAME` would
 * trip over); `skipLibCheck` as aws-cdk-lib needs it.
 */
export const STRICT_SNIPPET_OPTIONS = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  lib: ['ES2022'],
  types: ['node'],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  skipLibCheck: true,
  noEmit: true,
} as const;

/** A file name for a snippet: ES module TypeScript, one per block. */
export function snippetFileName(index: number): string {
  return `snippet-${String(index + 1).padStart(2, '0')}.mts`;
}
