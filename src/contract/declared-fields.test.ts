// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { declarePath, declaredTree, undeclaredPaths } from './declared-fields.js';

const SCHEMA = {
  $defs: {
    Usage: { type: 'object', properties: { total_tokens: { type: 'integer' } } },
    Body: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        choices: {
          type: 'array',
          items: { properties: { message: { type: 'object', additionalProperties: true } } },
        },
        usage: { $ref: '#/$defs/Usage' },
        meta: { type: 'object' },
      },
    },
  },
};

describe('declared fields of a contract schema', () => {
  it('names fields outside the schema, through $ref and array items; free-form objects accept anything', () => {
    const t = declaredTree(SCHEMA, '/$defs/Body');
    const body = {
      id: 'x',
      extra: 1,
      choices: [{ message: { anything: 1 }, cfr: {} }],
      usage: { total_tokens: 1, cost: 2 },
      meta: { a: 1 },
    };
    expect(undeclaredPaths(body, t)).to.deep.equal(['extra', 'choices[].cfr', 'usage.cost']);
  });

  it('declared extra paths and usage locations are not drift; a path the schema describes stays checked', () => {
    const t = declaredTree(SCHEMA, '/$defs/Body');
    declarePath(t, 'choices[].cfr');
    declarePath(t, 'x_groq.usage');
    declarePath(t, 'usage');
    const body = {
      choices: [{ cfr: { hate: 1 } }],
      x_groq: { usage: { q: 1 }, id: 'r' },
      usage: { cost: 1 },
    };
    expect(undeclaredPaths(body, t)).to.deep.equal(['x_groq.id', 'usage.cost']);
  });
});
