// SPDX-License-Identifier: Apache-2.0
// A table of broken contract files, each with the exact, complete list of messages it must
// produce: every message names the contract file (with line:col for YAML syntax) and the key.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/component/errors.js';
import { loadServiceConfig } from '../../src/config/load.js';
import { loadContract } from '../../src/contract/load.js';
import { testRegistry } from '../../src/testing/test-registry.js';

const HEAD =
  'contract_version: 1\nid: t\nprovider: t\n' +
  'docs: { url: https://example.com, reviewed: 2026-01-01 }\nendpoint: { path: /v1/chat/completions }\n';
const SCHEMA = 'schema: { strict: s.json#/$defs/A, compat: s.json#/$defs/A }';
const RESP = `response: { ${SCHEMA} }\n`;
const GOOD = HEAD + RESP;
const CLASSES =
  '"auth", "bad_request", "rate_limit", "timeout", "upstream", "network", "redirect", "parse", "schema", "client_abort", "unknown"';

interface Case {
  name: string;
  text: string;
  /** Every problem, exactly, in order; `F` stands for the contract file, `D` for its directory. */
  expect: string[];
}

const CONTRACT_CASES: Case[] = [
  {
    name: 'YAML syntax error, with line and column',
    text: `${HEAD}response: { schema: { strict: s.json\n`,
    expect: [
      'F:7:1: not valid YAML: Flow map in block collection must be sufficiently indented and end with a }',
    ],
  },
  {
    name: 'JSON contract cut short',
    text: '{"contract_version": 1, "id": "t"',
    expect: ['F:1:34: not valid YAML: Flow map must end with a }'],
  },
  { name: 'top level is a list', text: '- a\n', expect: ['F: a contract file must be a mapping'] },
  { name: 'empty file', text: '', expect: ['F: a contract file must be a mapping'] },
  {
    name: 'missing contract_version',
    text: GOOD.replace('contract_version: 1\n', ''),
    expect: ['F: contract_version: missing required key "contract_version"'],
  },
  {
    name: 'unsupported contract_version',
    text: GOOD.replace('contract_version: 1', 'contract_version: 2'),
    expect: ['F: contract_version: must be 1 (got number 2)'],
  },
  {
    name: 'id not lower-case',
    text: GOOD.replace('id: t', 'id: Chat Completions'),
    expect: ['F: id: "Chat Completions" is not valid (lower-case id)'],
  },
  {
    name: 'unknown top-level key with suggestion',
    text: `${GOOD}reponse: {}\n`,
    expect: ['F: reponse: unknown key "reponse" (did you mean "response"?)'],
  },
  {
    name: 'docs.url not http(s)',
    text: GOOD.replace('https://example.com', 'example.com'),
    expect: ['F: docs.url: "example.com" is not valid (an http(s) URL)'],
  },
  {
    name: 'docs.reviewed in another date format',
    text: GOOD.replace('2026-01-01', '01/02/2026'),
    expect: ['F: docs.reviewed: "01/02/2026" is not valid (the date of the last review, YYYY-MM-DD)'],
  },
  {
    name: 'docs.reviewed not a real date (February 31st)',
    text: GOOD.replace('2026-01-01', '2026-02-31'),
    expect: ['F: docs.reviewed: "2026-02-31" is not a real date'],
  },
  {
    name: 'endpoint.path without a leading slash',
    text: GOOD.replace('/v1/chat/completions', 'v1/chat'),
    expect: ['F: endpoint.path: "v1/chat" is not valid (a route template starting with /)'],
  },
  {
    name: 'endpoint.method not supported',
    text: GOOD.replace('endpoint: {', 'endpoint: { method: PUT,'),
    expect: ['F: endpoint.method: must be one of "POST", "GET" (got "PUT") (did you mean "POST"?)'],
  },
  {
    name: 'endpoint.timeout_budget not a duration',
    text: GOOD.replace('endpoint: {', 'endpoint: { timeout_budget: soon,'),
    expect: ['F: endpoint.timeout_budget: "soon" is not valid (a duration such as 30s)'],
  },
  { name: 'no response section', text: HEAD, expect: ['F: response: missing required key "response"'] },
  {
    name: 'schema pair without compat',
    text: `${HEAD}response: { schema: { strict: s.json#/$defs/A } }\n`,
    expect: ['F: response.schema.compat: missing required key "compat"'],
  },
  {
    name: 'schema file missing',
    text: `${HEAD}response: { schema: { strict: s.json#/$defs/A, compat: missing.json#/$defs/A } }\n`,
    expect: [
      'F: response.schema.compat: cannot use schema "missing.json#/$defs/A": schema file not found (looked at D/missing.json)',
    ],
  },
  {
    name: 'schema file not JSON',
    text: `${HEAD}response: { schema: { strict: broken.json#/$defs/A, compat: s.json#/$defs/A } }\n`,
    expect: [
      'F: response.schema.strict: cannot use schema "broken.json#/$defs/A": D/broken.json is not valid JSON: Unexpected end of JSON input',
    ],
  },
  {
    name: 'schema file not a schema object',
    text: `${HEAD}response: { schema: { strict: list.json#/0, compat: s.json#/$defs/A } }\n`,
    expect: [
      'F: response.schema.strict: cannot use schema "list.json#/0": D/list.json is not a JSON Schema object',
    ],
  },
  {
    name: 'schema pointer names nothing',
    text: `${HEAD}response: { schema: { strict: s.json#/$defs/Nope, compat: s.json#/$defs/A } }\n`,
    expect: [
      'F: response.schema.strict: cannot use schema "s.json#/$defs/Nope": D/s.json has nothing at "#/$defs/Nope"',
    ],
  },
  {
    name: 'stream schema pointer names nothing',
    text: `${GOOD}stream: { schema: { strict: s.json#/$defs/A, compat: s.json#/$defs/Gone } }\n`,
    expect: [
      'F: stream.schema.compat: cannot use schema "s.json#/$defs/Gone": D/s.json has nothing at "#/$defs/Gone"',
    ],
  },
  {
    name: 'a read path that is not a path',
    text: `${HEAD}response: { ${SCHEMA}, reads: [{ path: 'choices[0].' }] }\n`,
    expect: [
      'F: response.reads.0.path: "choices[0]." is not valid (a path such as choices[0].message.content)',
    ],
  },
  {
    name: 'a read type that is not a JSON type',
    text: `${HEAD}response: { ${SCHEMA}, reads: [{ path: choices, type: text }] }\n`,
    expect: [
      'F: response.reads.0.type: must be one of "string", "number", "integer", "boolean", "object", "array", "null" (got "text")',
      'F: response.reads.0.type: must be array (got string "text")',
    ],
  },
  {
    name: 'unknown key in a read, with suggestion',
    text: `${HEAD}response: { ${SCHEMA}, reads: [{ path: choices, requird: true }] }\n`,
    expect: ['F: response.reads.0.requird: unknown key "requird" (did you mean "required"?)'],
  },
  {
    name: 'error rule with an unknown class, with suggestion',
    text: `${GOOD}errors: { rules: [{ when: { status: 429 }, class: ratelimit }] }\n`,
    expect: [
      `F: errors.rules.0.class: must be one of ${CLASSES} (got "ratelimit") (did you mean "rate_limit"?)`,
    ],
  },
  {
    name: 'error rule with an empty when',
    text: `${GOOD}errors: { rules: [{ when: {}, class: auth }] }\n`,
    expect: ['F: errors.rules.0.when: must not be empty (needs at least 1 key)'],
  },
  {
    name: 'error rule with an invalid regular expression',
    text: `${GOOD}errors: { rules: [{ when: { message_matches: '(unclosed' }, class: auth }] }\n`,
    expect: [
      'F: errors.rules.0.when.message_matches: Invalid regular expression: /(unclosed/i: Unterminated group',
    ],
  },
  {
    name: 'error rule status as a string',
    text: `${GOOD}errors: { rules: [{ when: { status: "429" }, class: rate_limit }] }\n`,
    expect: [
      'F: errors.rules.0.when.status: must be integer (got string "429")',
      'F: errors.rules.0.when.status: must be array (got string "429")',
    ],
  },
  {
    name: 'error rule sub_reason not lower_snake_case',
    text: `${GOOD}errors: { rules: [{ when: { status: 429 }, class: rate_limit, sub_reason: Quota Exceeded }] }\n`,
    expect: ['F: errors.rules.0.sub_reason: "Quota Exceeded" is not valid (lower_snake_case)'],
  },
  {
    name: 'class override for an unknown class names that key',
    text: `${GOOD}errors: { classes: { ratelimit: { owner: sre } } }\n`,
    expect: [
      `F: errors.classes.ratelimit: must be one of ${CLASSES} (got "ratelimit") (did you mean "rate_limit"?)`,
    ],
  },
  {
    name: 'unknown key in a class override',
    text: `${GOOD}errors: { classes: { auth: { onwer: sre } } }\n`,
    expect: ['F: errors.classes.auth.onwer: unknown key "onwer" (did you mean "owner"?)'],
  },
  {
    name: 'negative max_tokens_allowance',
    text: `${GOOD}usage: { max_tokens_allowance: -1 }\n`,
    expect: ['F: usage.max_tokens_allowance: must be >= 0'],
  },
  {
    name: 'usage.required not a boolean',
    text: `${GOOD}usage: { required: yes please }\n`,
    expect: ['F: usage.required: must be boolean (got string "yes please")'],
  },
  {
    name: 'retryable status out of range',
    text: `${GOOD}statuses: { retryable: [429, 700] }\n`,
    expect: ['F: statuses.retryable.1: must be <= 599'],
  },
  {
    name: 'baseline shape hash not 16 hex digits',
    text: `${GOOD}shapes: { baseline: [not-a-hash] }\n`,
    expect: ['F: shapes.baseline.0: "not-a-hash" is not valid (16 hex digits)'],
  },
  {
    name: 'stream usage_expected not one of the values',
    text: `${GOOD}stream: { usage_expected: sometimes }\n`,
    expect: [
      'F: stream.usage_expected: must be one of "always", "when_requested", "never" (got "sometimes")',
    ],
  },
  {
    name: 'request.minimum_body as a list',
    text: `${GOOD}request: { minimum_body: [model] }\n`,
    expect: ['F: request.minimum_body: must be object (got a list)'],
  },
  {
    name: 'several problems are all reported, in order',
    text: GOOD.replace('id: t', 'id: T').replace('/v1/chat/completions', 'chat') + 'colour: blue\n',
    expect: [
      'F: colour: unknown key "colour"',
      'F: id: "T" is not valid (lower-case id)',
      'F: endpoint.path: "chat" is not valid (a route template starting with /)',
    ],
  },
];

describe('bad contract files: every message exact, naming the file and the key', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dw-bad-contract-'));
    writeFileSync(join(dir, 's.json'), JSON.stringify({ $defs: { A: { type: 'object' } } }));
    writeFileSync(join(dir, 'broken.json'), '{ "$defs": ');
    writeFileSync(join(dir, 'list.json'), '[1]');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const problemsOf = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (err) {
      expect(err, String(err)).to.be.instanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
    return [];
  };
  // `D/` first and only as a token of its own: the temporary folder's random name may end in D
  // (`dw-bad-contract-KHigsD/`), and a substituted path must not be substituted again
  const subst = (s: string, f: string) => s.replace(/(?<![\w-])D\//g, `${dir}/`).replace(/^F/, f);

  CONTRACT_CASES.forEach((c, i) => {
    it(c.name, () => {
      const f = join(dir, `contract-${i}.yaml`);
      writeFileSync(f, c.text);
      expect(problemsOf(() => loadContract(f))).to.deep.equal(c.expect.map((e) => subst(e, f)));
    });
  });

  it('the good base of the table loads (so each case fails for its own reason)', () => {
    const f = join(dir, 'good.yaml');
    writeFileSync(f, GOOD);
    expect(loadContract(f).id).to.equal('t');
  });

  it('a missing contract file says where it looked', () => {
    const f = join(dir, 'nope.yaml');
    expect(problemsOf(() => loadContract(f))).to.deep.equal([
      `${f}: contract file not found (looked at ${f})`,
    ]);
  });

  it('a config whose validate processor names a broken contract names the config key and the contract file', () => {
    const f = join(dir, 'referenced.yaml');
    writeFileSync(f, GOOD.replace('contract_version: 1', 'contract_version: 2'));
    const cfg = join(dir, 'config.yaml');
    writeFileSync(
      cfg,
      `receivers: { ticker/a: {} }\nprocessors: { validate: { contract: ${f} } }\nexporters: { debug: {} }\n` +
        'service: { pipelines: { p: { receivers: [ticker/a], processors: [validate], exporters: [debug] } } }\n',
    );
    const problems = problemsOf(() =>
      loadServiceConfig({ files: [cfg], env: {}, registry: testRegistry().registry }),
    );
    expect(problems).to.deep.equal([
      `${cfg}:2:27: processors::validate::contract: ${f}: contract_version: must be 1 (got number 2)`,
    ]);
  });

  it('the table holds at least 30 contract cases, each asserting its complete message list', () => {
    expect(CONTRACT_CASES.length).to.be.greaterThanOrEqual(30);
    for (const c of CONTRACT_CASES) expect(c.expect.length, c.name).to.be.greaterThan(0);
  });
});
