import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FUNCTIONS = 'functions';

/** Every import of every source file under functions/, type-only and dynamic imports included. */
function sourceGraph(): Map<string, { readonly files: string[]; readonly packages: string[]; readonly text: string }> {
  const graph = new Map<string, { files: string[]; packages: string[]; text: string }>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(join(ROOT, path), 'utf8');
        const imported = ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
        graph.set(path, {
          files: imported
            .filter((name) => name.startsWith('.'))
            .map((name) => normalize(join(dirname(path), name.replace(/\.js$/, '.ts')))),
          packages: imported.filter((name) => !name.startsWith('.')),
          text,
        });
      }
    }
  };
  walk(FUNCTIONS);
  return graph;
}

const folderOf = (file: string) => relative(FUNCTIONS, file).split('/')[0]!;

/** Folder -> the folders its files import (a folder's imports of itself left out). */
function folderEdges(graph: ReturnType<typeof sourceGraph>): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const [file, { files }] of graph) {
    const from = folderOf(file);
    const targets = edges.get(from) ?? new Set<string>();
    edges.set(from, targets);
    for (const target of files) if (target.startsWith(`${FUNCTIONS}/`) && folderOf(target) !== from) targets.add(folderOf(target));
  }
  return edges;
}

/** A cycle of folders (first folder repeated at the end), or undefined when the graph has none. */
function findCycle(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (folder: string): string[] | undefined => {
    if (state.get(folder) === 'done') return undefined;
    if (state.get(folder) === 'open') return [...path.slice(path.indexOf(folder)), folder];
    state.set(folder, 'open');
    path.push(folder);
    for (const next of edges.get(folder) ?? []) {
      const cycle = visit(next);
      if (cycle !== undefined) return cycle;
    }
    path.pop();
    state.set(folder, 'done');
    return undefined;
  };
  for (const folder of edges.keys()) {
    const cycle = visit(folder);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

/** Every file reached from `entries`, following imports of every kind. */
function reachable(graph: ReturnType<typeof sourceGraph>, entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    pending.push(...(graph.get(file)?.files ?? []));
  }
  return seen;
}

const graph = sourceGraph();
const edges = folderEdges(graph);

describe('The import graph of functions/ (type-only and dynamic imports included)', () => {
  it('has no folder that imports a folder importing it back', () => {
    expect(findCycle(edges)).toBeUndefined();
    // The graph is real: the use case and the Lambda entry are in it, with their arrows inward.
    expect([...(edges.get('lambda') ?? [])]).toEqual(expect.arrayContaining(['refresher', 'adapters', 'contracts']));
  });

  it('would fail on one arrow back up (the token module importing the use case)', () => {
    const withArrowBack = new Map([...edges].map(([folder, targets]) => [folder, new Set(targets)]));
    withArrowBack.get('token')!.add('refresher');
    expect(findCycle(withArrowBack)).toEqual(expect.arrayContaining(['token', 'refresher']));
  });

  it('keeps the consumer away from the refresher and the Lambda entry, even for types', () => {
    const consumerFiles = [...graph.keys()].filter((file) => folderOf(file) === 'consumer');
    const reached = [...reachable(graph, consumerFiles)].map(folderOf);
    expect(reached.filter((folder) => folder === 'refresher' || folder === 'lambda')).toEqual([]);
    expect(reached).toEqual(expect.arrayContaining(['consumer', 'token', 'faspay', 'contracts', 'adapters']));
  });

  it('keeps the pure core free of SDKs, the environment and the clock', () => {
    for (const [file, { packages, text }] of graph) {
      if (!['shared', 'faspay', 'token', 'contracts', 'refresher'].includes(folderOf(file))) continue;
      expect(
        packages.filter((name) => name.startsWith('@aws-sdk/') || name.startsWith('aws-cdk-lib')),
        file,
      ).toEqual([]);
      expect(/process\.env|Date\.now\(\)|new Date\(\)/.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')), file).toBe(false);
    }
  });
});
