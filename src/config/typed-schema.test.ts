// SPDX-License-Identifier: Apache-2.0
// The config schemas are built by typed-schema.ts's own builders and typed by TypeBox (its
// runtime is not loaded by the agent). These tests pin the claim that the builders make what
// TypeBox's would, symbols included, so `Static<>` describes what the loader really gets.
import { Type as TypeBox } from '@sinclair/typebox';
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from './typed-schema.js';

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/** Own string keys and symbol keys, recursively: deep.equal alone does not compare symbols. */
function withSymbols(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withSymbols);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Reflect.ownKeys(v))
    out[String(k)] = withSymbols((v as Record<string | symbol, unknown>)[k]);
  return out;
}

const same = (ours: unknown, theirs: unknown): void => {
  expect(withSymbols(ours)).to.deep.equal(withSymbols(theirs));
  expect(JSON.stringify(ours), 'same key order in the generated schema').to.equal(JSON.stringify(theirs));
};

describe('typed-schema builders build what TypeBox builds', () => {
  it('scalars with and without options', () => {
    same(Type.String(), TypeBox.String());
    same(
      Type.String({ default: 'x', pattern: '^/', description: 'd' }),
      TypeBox.String({ default: 'x', pattern: '^/', description: 'd' }),
    );
    same(Type.Integer({ minimum: 1, default: 4 }), TypeBox.Integer({ minimum: 1, default: 4 }));
    same(Type.Number({ minimum: 0, maximum: 1 }), TypeBox.Number({ minimum: 0, maximum: 1 }));
    same(Type.Boolean({ default: false }), TypeBox.Boolean({ default: false }));
  });

  it('arrays, optional keys, objects and unsafe nodes', () => {
    same(
      Type.Array(Type.String({ minLength: 1 }), { default: [] }),
      TypeBox.Array(TypeBox.String({ minLength: 1 }), { default: [] }),
    );
    same(Type.Optional(Type.Integer({ minimum: 1 })), TypeBox.Optional(TypeBox.Integer({ minimum: 1 })));
    same(
      Type.Object({ a: Type.String(), b: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      TypeBox.Object(
        { a: TypeBox.String(), b: TypeBox.Optional(TypeBox.Boolean()) },
        { additionalProperties: false },
      ),
    );
    same(
      Type.Object({ b: Type.Optional(Type.Boolean()) }),
      TypeBox.Object({ b: TypeBox.Optional(TypeBox.Boolean()) }),
    );
    same(
      Type.Unsafe<number>({ type: 'string', default: '1s' }),
      TypeBox.Unsafe<number>({ type: 'string', default: '1s' }),
    );
    same(Type.Unsafe(), TypeBox.Unsafe());
  });

  it('the agent imports TypeBox for its types only (erased at build)', () => {
    const valueImports = sourceFiles('src')
      .filter((f) => !f.endsWith('.test.ts'))
      .flatMap((f) =>
        [
          ...readFileSync(f, 'utf8').matchAll(/^import\s+(?!type\b)[^;]*?from\s+'@sinclair\/typebox[^']*'/gm),
        ].map((m) => `${f}: ${m[0]}`),
      );
    expect(valueImports).to.deep.equal([]);
  });
});
