// SPDX-License-Identifier: Apache-2.0
// The project's import graph, read with TypeScript's own pre-processor (no type checking):
// every relative import of every production file under src/, type-only imports included,
// because a type circle still ties two modules together.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export type ImportGraph = Map<string, string[]>;

function productionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : productionFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'test-harness.ts' ? [p] : [];
  });
}

export function importGraph(root = resolve('src')): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of productionFiles(root)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = info.importedFiles
      .map((f) => f.fileName)
      .filter((f) => f.startsWith('.'))
      .map((f) => relative(root, resolve(dirname(file), f.replace(/\.js$/, '.ts'))));
    graph.set(relative(root, file), [...new Set(deps)]);
  }
  return graph;
}

/** Every elementary cycle found by a depth-first search, each as a path a → … → a. */
export function cycles(graph: ImportGraph): string[][] {
  const out: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const d of graph.get(n) ?? []) {
      if (state.get(d) === 'open') out.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
  return out;
}
