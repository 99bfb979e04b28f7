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
  it('loads no Secrets Manager or EventBridge client, the refresher or CDK, and nothing lazily', () => {
    const graph = staticGraph(ENTRY);

    expect(
      [...graph.packages].filter((name) => /client-secrets-manager|client-eventbridge|aws-cdk|constructs|powertools/.test(name)),
    ).toEqual([]);
    expect([...graph.files].filter((file) => /functions\/refresher|infra\/|cli\//.test(file))).toEqual([]);
    // Bundled whole (one file), a lazily imported module would be in the file anyway.
    expect([...graph.dynamic]).toEqual([]);
    // The graph is real: the SSM client, the shared protocol module and the signed AWS calls are in it.
    expect(graph.packages).toContain('@aws-sdk/client-ssm');
    expect(graph.packages).toContain('@smithy/signature-v4');
    expect(graph.files).toContain('functions/faspay/headers.ts');
    expect(graph.files).toContain('functions/adapters/aws-json-call.ts');
  });

  it('keeps the rejection-report contract free of dependencies, so that sender, construct and refresher can share it', () => {
    expect(metafile.inputs['functions/contracts/rejection-report.ts']?.imports).toEqual([]);
  });
});
