// SPDX-License-Identifier: Apache-2.0
// Reads pipeline YAML files, keeping where each key came from (file:line:col) so every
// error can name the file and the key.
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';

/** `receivers::probe/x::model` → "file.yaml:12:5". */
export type Provenance = Map<string, string>;

export const PATH_SEP = '::';

export function pathKey(path: readonly (string | number)[]): string {
  return path.join(PATH_SEP);
}

export interface ParsedSource {
  file: string;
  tree: unknown;
}

/** Parses one file; problems (missing file, syntax errors with line and column) are appended to `problems`. */
export function readConfigFile(
  file: string,
  provenance: Provenance,
  problems: string[],
): ParsedSource | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push(
      code === 'ENOENT'
        ? `${file}: config file not found`
        : code === 'EISDIR'
          ? `${file}: is a directory, expected a YAML file`
          : `${file}: cannot read config file (${code ?? 'error'})`,
    );
    return undefined;
  }
  return parseConfigText(text, file, provenance, problems);
}

export function parseConfigText(
  text: string,
  file: string,
  provenance: Provenance,
  problems: string[],
): ParsedSource | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lc.linePos(e.pos[0]);
      const msg = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      problems.push(`${file}:${pos.line}:${pos.col}: YAML syntax error: ${msg}`);
    }
    return undefined;
  }
  let tree: unknown;
  try {
    // Aliases are resolved here: an unknown anchor or an alias bomb throws.
    tree = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    problems.push(`${file}: YAML error: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
  if (tree !== null && tree !== undefined && (typeof tree !== 'object' || Array.isArray(tree))) {
    problems.push(
      `${file}: the top level must be a mapping (receivers:, processors:, exporters:, service: …)`,
    );
    return undefined;
  }
  walk(doc.contents, [], (path, node) => {
    const r = node.range;
    if (!r) return;
    const pos = lc.linePos(r[0]);
    provenance.set(pathKey(path), `${file}:${pos.line}:${pos.col}`);
  });
  return { file, tree: tree ?? {} };
}

function walk(
  node: unknown,
  path: (string | number)[],
  visit: (path: (string | number)[], node: YamlNode) => void,
): void {
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
      const childPath = [...path, key];
      // Point at the key: that is where a user looks for a misspelling.
      if (isScalar(item.key)) visit(childPath, item.key);
      walk(item.value, childPath, visit);
    }
  } else if (isSeq(node)) {
    node.items.forEach((child, i) => {
      const childPath = [...path, i];
      if (child && typeof child === 'object' && 'range' in child) visit(childPath, child as YamlNode);
      walk(child, childPath, visit);
    });
  }
}

/** Where a path (or its nearest configured ancestor) was set. */
export function locate(provenance: Provenance, path: readonly (string | number)[], fallback: string): string {
  for (let n = path.length; n > 0; n--) {
    const where = provenance.get(pathKey(path.slice(0, n)));
    if (where) return where;
  }
  return fallback;
}
