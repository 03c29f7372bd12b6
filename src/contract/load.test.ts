// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../component/errors.js';
import { reviewAgeDays } from './contract.js';
import { loadContract, packageRoot, parseContract, resolveContractPath } from './load.js';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('contract files', () => {
  it('the shipped contracts load, with compiled strict and compat schemas', () => {
    for (const name of ['cometapi', 'openai']) {
      const c = loadContract(`config/contracts/${name}-chat-completions.yaml`);
      expect(c.provider).to.equal(name);
      expect(c.response.reads.map((r) => r.path)).to.include('choices[0].message.content');
      expect(c.response.strict({ choices: [] })).to.equal(false);
      expect(c.response.compat({ choices: [{ message: { content: 'x' } }] })).to.equal(true);
      expect(c.stream?.doneExpected).to.equal(true);
      expect(c.timeoutBudgetMs).to.equal(60_000);
    }
  });

  it('compiles once: the same contract object comes back from the cache', () => {
    const a = loadContract('config/contracts/openai-chat-completions.yaml');
    expect(loadContract('config/contracts/openai-chat-completions.yaml')).to.equal(a);
  });

  it('relative paths fall back to the package root (the default contract works from any directory)', () => {
    const p = resolveContractPath('config/contracts/openai-chat-completions.yaml', '/');
    expect(p).to.equal(join(packageRoot(), 'config/contracts/openai-chat-completions.yaml'));
  });

  it('reports every problem with its path', () => {
    const problems = problemsOf(() =>
      parseContract(
        `contract_version: 1
id: Bad Id
provider: x
docs: { url: ftp://nope, reviewed: 26-11-2026 }
endpoint: { path: v1/chat }
response:
  schema: { strict: a.json, compat: b.json }
  reads: [{ path: 'choices[0].', type: text }]
  colour: blue
`,
        '/tmp/c.yaml',
      ),
    );
    const text = problems.join('\n');
    expect(text).to.include('/tmp/c.yaml: id:');
    expect(text).to.include('docs.url:');
    expect(text).to.include('docs.reviewed:');
    expect(text).to.include('endpoint.path:');
    expect(text).to.include('response.reads.0.path:');
    expect(text).to.include('unknown key "colour"');
    expect(problems.length).to.be.greaterThanOrEqual(6);
  });

  it('a missing schema file or pointer is a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-contract-'));
    try {
      writeFileSync(join(dir, 's.json'), JSON.stringify({ $defs: { A: { type: 'object' } } }));
      const file = join(dir, 'c.yaml');
      const problems = problemsOf(() =>
        parseContract(
          `contract_version: 1
id: t
provider: t
docs: { url: https://example.com, reviewed: 2026-01-01 }
endpoint: { path: /v1/chat/completions }
response: { schema: { strict: s.json#/$defs/A, compat: missing.json#/$defs/A } }
stream: { schema: { strict: s.json#/$defs/Nope, compat: s.json#/$defs/A } }
`,
          file,
        ),
      );
      expect(problems.join('\n')).to.include(
        'response.schema.compat: cannot use schema "missing.json#/$defs/A"',
      );
      expect(problems.join('\n')).to.include('stream.schema.strict');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('schemas compile on first use: same verdicts, and a dangling $ref fails there, not at load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-contract-'));
    try {
      writeFileSync(
        join(dir, 's.json'),
        JSON.stringify({ $defs: { A: { type: 'object', required: ['id'] }, B: { $ref: '#/$defs/Gone' } } }),
      );
      const c = parseContract(
        `contract_version: 1
id: t
provider: t
docs: { url: https://example.com, reviewed: 2026-01-01 }
endpoint: { path: /v1/chat/completions }
response: { schema: { strict: s.json#/$defs/A, compat: s.json#/$defs/B } }
`,
        join(dir, 'c.yaml'),
      );
      expect(c.response.strict({ id: 'x' })).to.equal(true);
      expect(c.response.strict({})).to.equal(false);
      expect(c.response.strict.errors?.[0]?.keyword).to.equal('required');
      expect(() => c.response.compat({})).to.throw(/Gone/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing file says where it looked', () => {
    expect(problemsOf(() => loadContract('no/such/contract.yaml'))[0]).to.include('contract file not found');
  });

  it('review age in whole days', () => {
    const c = loadContract('config/contracts/cometapi-chat-completions.yaml');
    expect(reviewAgeDays(c, c.reviewedMs + 10.5 * 86_400_000)).to.equal(10);
    expect(reviewAgeDays(c, c.reviewedMs - 86_400_000)).to.equal(0);
  });
});
