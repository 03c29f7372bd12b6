// SPDX-License-Identifier: Apache-2.0
// ajv errors → findings on bounded paths (array indices collapsed to `[]`).
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Findings, FindingKind, FindingLevel } from '../../model/call-record.js';
import type { SchemaPair } from '../../contract/contract.js';
import { addFinding } from '../../contract/findings.js';
import { templatePath } from '../../contract/json-path.js';

function kindOf(e: ErrorObject): FindingKind {
  switch (e.keyword) {
    case 'required':
      return 'missing';
    case 'type':
      return 'type';
    case 'enum':
    case 'const':
      return 'enum';
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'unexpected';
    default:
      return 'value';
  }
}

function add(f: Findings, fn: ValidateFunction, level: FindingLevel, prefix: string, max: number): void {
  for (const e of fn.errors ?? []) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if' || e.keyword === '$ref')
      continue;
    const extra =
      e.keyword === 'required'
        ? (e.params as { missingProperty: string }).missingProperty
        : e.keyword === 'additionalProperties'
          ? (e.params as { additionalProperty: string }).additionalProperty
          : undefined;
    let path = templatePath(e.instancePath, extra);
    if (prefix) path = path === '$' ? prefix : `${prefix}.${path}`;
    // an empty `choices` array counts as missing choices
    const kind = e.keyword === 'minItems' && path.endsWith('choices') ? 'missing' : kindOf(e);
    addFinding(f, { path, kind, level, note: `schema:${e.keyword}` }, max);
  }
}

/** Checks `value` against compat then strict; returns which levels passed. */
export function checkPair(
  f: Findings,
  pair: SchemaPair,
  value: unknown,
  max: number,
  prefix = '',
): { strict: boolean; compat: boolean } {
  const compat = pair.compat(value) as boolean;
  if (!compat) add(f, pair.compat, 'violation', prefix, max);
  const strict = pair.strict(value) as boolean;
  if (!strict) add(f, pair.strict, 'drift', prefix, max);
  return { strict, compat };
}
