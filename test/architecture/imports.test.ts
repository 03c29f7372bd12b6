// SPDX-License-Identifier: Apache-2.0
// The layers point one way. Each production module under src/ belongs to a layer; it may
// import its own layer or lower ones, never higher. Components (receivers, processors,
// exporters, extensions) never import each other: what two of them share lives lower. And
// no module imports itself back through a circle, type-only imports included.
import { expect } from 'chai';
import { cycles, importGraph } from './import-graph.js';

const LAYERS: ReadonlyArray<readonly string[]> = [
  ['util', 'runtime', 'model', 'sse'],
  ['telemetry', 'signals', 'http-call'],
  ['component', 'config', 'contract', 'pipeline'],
  ['receivers', 'processors', 'exporters', 'extensions', 'simulator'],
  ['service'],
  ['cli', 'components.ts'],
];
const COMPONENT_FOLDERS = new Set(['receivers', 'processors', 'exporters', 'extensions']);

/**
 * Imports between components that are accepted for now (issue 18, "layers point one way"):
 * none. The test fails when a listed one is gone, so the list can only shrink; what two
 * components share belongs in a lower layer (e.g. src/http-call/, src/contract/error-class/).
 */
const KNOWN_LEAKS = new Set<string>([]);

function layerOf(file: string): number {
  const top = file.split('/')[0];
  const i = LAYERS.findIndex((l) => l.includes(top));
  if (i < 0) throw new Error(`src/${file}: its folder "${top}" is in no layer; add it to LAYERS`);
  return i;
}

/** `receivers/probe` for component files, else the top folder. */
function unitOf(file: string): string {
  const parts = file.split('/');
  return COMPONENT_FOLDERS.has(parts[0]) && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

describe('import graph of src/', () => {
  const graph = importGraph();

  it('reads the whole tree', () => {
    expect(graph.size).to.be.greaterThan(100);
    expect(graph.get('cli/main.ts')?.length ?? 0).to.be.greaterThan(0);
  });

  it('has no circle', () => {
    expect(cycles(graph).map((c) => c.join(' → '))).to.deep.equal([]);
  });

  it('every folder has a layer, and no import points to a higher layer or a sibling component', () => {
    const found = new Set<string>();
    const upward: string[] = [];
    for (const [file, deps] of graph) {
      for (const dep of deps) {
        const [a, b] = [unitOf(file), unitOf(dep)];
        if (a === b) continue;
        if (layerOf(dep) > layerOf(file)) upward.push(`${file} -> ${dep}`);
        else if (layerOf(dep) === layerOf(file) && a.includes('/') && b.includes('/'))
          found.add(`${a} -> ${b}`);
      }
    }
    expect(upward, 'imports from a lower layer to a higher one').to.deep.equal([]);
    expect(
      [...found].filter((l) => !KNOWN_LEAKS.has(l)),
      'new imports between components',
    ).to.deep.equal([]);
    expect(
      [...KNOWN_LEAKS].filter((l) => !found.has(l)),
      'fixed leaks still listed in KNOWN_LEAKS',
    ).to.deep.equal([]);
  });

  it('finds a circle and an upward import when there is one', () => {
    const g = new Map([
      ['util/a.ts', ['cli/b.ts']],
      ['cli/b.ts', ['util/a.ts']],
    ]);
    expect(cycles(g)).to.deep.equal([['util/a.ts', 'cli/b.ts', 'util/a.ts']]);
    expect(layerOf('util/a.ts')).to.be.lessThan(layerOf('cli/b.ts'));
  });
});
