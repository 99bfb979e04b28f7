import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const ENTRY = 'functions/consumer/index.ts';

let metafile: Metafile;

/** Every project file and package reached from `entry` by static imports only (dynamic import() is not followed). */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string>; dynamic: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const dynamic = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const edge of metafile.inputs[file]?.imports ?? []) {
      if (edge.kind === 'dynamic-import') dynamic.add(edge.path);
      else if (edge.external) packages.add(edge.path);
      else pending.push(edge.path);
    }
  }
  return { files, packages, dynamic };
}

beforeAll(async () => {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  metafile = result.metafile;
});

describe('Module: functions/consumer/index.ts', () => {
  it('does not statically load Secrets Manager, EventBridge, the refresher or CDK', () => {
    const graph = staticGraph(ENTRY);

    expect(
      [...graph.packages].filter((name) => /client-secrets-manager|client-eventbridge|aws-cdk|constructs|powertools/.test(name)),
    ).toEqual([]);
    expect(
      [...graph.files].filter((file) => /functions\/(refresher|adapters\/(secrets|rejection-reports))|infra\/|cli\//.test(file)),
    ).toEqual([]);
    // The graph is real: the SSM client and the shared protocol module are in it.
    expect(graph.packages).toContain('@aws-sdk/client-ssm');
    expect(graph.files).toContain('functions/faspay/headers.ts');
  });

  it('reaches Secrets Manager and EventBridge only through dynamic import() of their adapters', () => {
    const graph = staticGraph(ENTRY);
    expect([...graph.dynamic].sort()).toEqual(['functions/adapters/rejection-reports.ts', 'functions/adapters/secrets.ts']);
    // The adapters import the SDK by name, so a bundle keeps only the client and the command they use.
    const sdkImports = (file: string) =>
      metafile.inputs[file]?.imports.filter((edge) => edge.path.startsWith('@aws-sdk/')).map((edge) => [edge.path, edge.kind]);
    expect(sdkImports('functions/adapters/secrets.ts')).toEqual([['@aws-sdk/client-secrets-manager', 'import-statement']]);
    expect(sdkImports('functions/adapters/rejection-reports.ts')).toEqual([['@aws-sdk/client-eventbridge', 'import-statement']]);
  });

  it('keeps the rejection-report contract free of dependencies, so that sender, construct and refresher can share it', () => {
    expect(metafile.inputs['functions/contracts/rejection-report.ts']?.imports).toEqual([]);
  });
});
