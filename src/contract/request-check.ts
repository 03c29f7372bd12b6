// SPDX-License-Identifier: Apache-2.0
// Request-side contract check: the request a probe builds from its configuration must contain
// the contract's minimum body (every key path, same JSON type) and use its method. Exported so
// the probe receiver can run it *before* sending; the validate processor runs it again on
// `request.requestBody` and reports `findings.requestSchemaValid`.
import type { Contract } from './contract.js';
import { shapeLineSet } from './shape.js';

export interface RequestProblem {
  /** `request.<path>` or `request.method`. */
  path: string;
  kind: 'missing' | 'type' | 'value';
}

export function requestProblems(c: Contract, body: unknown, method?: string): RequestProblem[] {
  const out: RequestProblem[] = [];
  if (c.request.minimumShape.length > 0) {
    const have = shapeLineSet(body);
    let havePaths: Set<string> | undefined; // only when a line is missing
    for (const line of c.request.minimumShape) {
      if (have.has(line)) continue;
      havePaths ??= new Set([...have].map((l) => l.slice(0, l.lastIndexOf(':'))));
      const path = line.slice(0, line.lastIndexOf(':'));
      out.push({ path: `request.${path}`, kind: havePaths.has(path) ? 'type' : 'missing' });
    }
  }
  if (method !== undefined && method.toUpperCase() !== c.method)
    out.push({ path: 'request.method', kind: 'value' });
  return out;
}
