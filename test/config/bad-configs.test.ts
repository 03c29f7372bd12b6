// SPDX-License-Identifier: Apache-2.0
// A table of broken configurations, each with the exact key path (and file) its message must name.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ConfigError } from '../../src/component/errors.js';
import { loadServiceConfig } from '../../src/config/load.js';
import { testRegistry } from '../../src/testing/test-registry.js';

const { registry } = testRegistry();
const dir = mkdtempSync(join(tmpdir(), 'dw-bad-'));

const PIPE = `service: { pipelines: { p: { receivers: [ticker/a], exporters: [debug] } } }`;
const BASE = `receivers: { ticker/a: {} }\nexporters: { debug: {} }\n`;

interface Case {
  name: string;
  yaml?: string;
  sets?: string[];
  env?: Record<string, string>;
  /** Substrings the single matching problem must contain. */
  expect: string[];
  /** The problem must be at this file:line. */
  line?: number;
}

const CASES: Case[] = [
  {
    name: 'YAML syntax error with line and column',
    yaml: `receivers:\n  ticker/a: { interval_ms: 10\n${PIPE}`,
    expect: ['YAML syntax error'],
    line: 3,
  },
  {
    name: 'duplicate YAML key',
    yaml: `${BASE}exporters: {}\n${PIPE}`,
    expect: ['YAML syntax error', 'unique'],
  },
  { name: 'top level is a list', yaml: `- a\n- b\n`, expect: ['the top level must be a mapping'] },
  {
    name: 'unknown top-level key with suggestion',
    yaml: `${BASE}recievers: {}\n${PIPE}`,
    expect: ['recievers: unknown top-level key "recievers" (did you mean "receivers"?)'],
    line: 3,
  },
  {
    name: 'unknown receiver type lists valid ones',
    yaml: `receivers: { tickr/a: {} }\nexporters: { debug: {} }\nservice: { pipelines: { p: { receivers: [tickr/a], exporters: [debug] } } }`,
    expect: [
      'receivers::tickr/a: unknown receiver type "tickr" (did you mean "ticker"?); valid types:',
      'ticker',
    ],
  },
  {
    name: 'unknown exporter type',
    yaml: `receivers: { ticker/a: {} }\nexporters: { otlp_htp: {} }\nservice: { pipelines: { p: { receivers: [ticker/a], exporters: [otlp_htp] } } }`,
    expect: ['exporters::otlp_htp: unknown exporter type "otlp_htp"'],
  },
  {
    name: 'invalid component id',
    yaml: `receivers: { Ticker/a: {} }\nexporters: { debug: {} }\n${PIPE}`,
    expect: ['receivers::Ticker/a: invalid component id'],
  },
  {
    name: 'unknown key in a component with suggestion',
    yaml: `receivers: { ticker/a: { intervall_ms: 5 } }\nexporters: { debug: {} }\n${PIPE}`,
    expect: ['receivers::ticker/a::intervall_ms: unknown key "intervall_ms" (did you mean "interval_ms"?)'],
    line: 1,
  },
  {
    name: 'wrong type',
    yaml: `receivers: { ticker/a: { batch: "many" } }\nexporters: { debug: {} }\n${PIPE}`,
    expect: ['receivers::ticker/a::batch: must be integer (got string "many")'],
  },
  {
    name: 'below minimum',
    yaml: `receivers: { ticker/a: { interval_ms: 0 } }\nexporters: { debug: {} }\n${PIPE}`,
    expect: ['receivers::ticker/a::interval_ms: must be >= 1'],
  },
  {
    name: 'enum value with suggestion',
    yaml: `receivers: { ticker/a: {} }\nexporters: { debug: { verbosity: detailled } }\n${PIPE}`,
    expect: [
      'exporters::debug::verbosity: must be one of "basic", "detailed" (got "detailled") (did you mean "detailed"?)',
    ],
  },
  {
    name: 'pattern mismatch names the expected form',
    yaml: `${BASE}extensions: { health_check: { endpoint: localhost } }\nservice: { extensions: [health_check], pipelines: { p: { receivers: [ticker/a], exporters: [debug] } } }`,
    expect: [
      'extensions::health_check::endpoint: "localhost" is not valid (host:port, e.g. 127.0.0.1:13133)',
    ],
  },
  {
    name: 'component block is a list',
    yaml: `receivers: { ticker/a: [1, 2] }\nexporters: { debug: {} }\n${PIPE}`,
    expect: ['receivers::ticker/a: must be a mapping of settings (got a list)'],
  },
  {
    name: 'section is not a mapping',
    yaml: `receivers: [ticker/a]\nexporters: { debug: {} }\n${PIPE}`,
    expect: ['receivers: must be a mapping of component ids to settings'],
  },
  {
    name: 'environment variable not set',
    yaml: `receivers: { ticker/a: { model: "\${env:DW_TEST_NOPE}" } }\nexporters: { debug: {} }\n${PIPE}`,
    expect: ['receivers::ticker/a::model: environment variable DW_TEST_NOPE is not set and has no default'],
  },
  {
    name: 'unsupported config source',
    yaml: `receivers: { ticker/a: { model: "\${file:/etc/x}" } }\nexporters: { debug: {} }\n${PIPE}`,
    expect: ['receivers::ticker/a::model: unsupported config source'],
  },
  {
    name: 'pipeline references an undefined processor with suggestion',
    yaml: `${BASE}processors: { batch: {} }\nservice: { pipelines: { contract: { receivers: [ticker/a], processors: [bach], exporters: [debug] } } }`,
    expect: [
      'service::pipelines::contract::processors: references processor "bach" which is not configured under processors: (did you mean "batch"?)',
    ],
  },
  {
    name: 'pipeline references an undefined receiver',
    yaml: `${BASE}service: { pipelines: { p: { receivers: [ticker/b], exporters: [debug] } } }`,
    expect: [
      'service::pipelines::p::receivers: references receiver "ticker/b" which is not configured under receivers: (did you mean "ticker/a"?)',
    ],
  },
  {
    name: 'pipeline without receivers',
    yaml: `${BASE}service: { pipelines: { p: { exporters: [debug] } } }`,
    expect: ['service::pipelines::p::receivers: a pipeline needs at least one receiver'],
  },
  {
    name: 'pipeline without exporters',
    yaml: `${BASE}service: { pipelines: { p: { receivers: [ticker/a], exporters: [] } } }`,
    expect: ['service::pipelines::p::exporters: a pipeline needs at least one exporter'],
  },
  {
    name: 'unknown key in a pipeline',
    yaml: `${BASE}service: { pipelines: { p: { receivers: [ticker/a], exporter: [debug] } } }`,
    expect: ['service::pipelines::p::exporter: unknown key "exporter" (did you mean "exporters"?)'],
  },
  {
    name: 'component listed twice',
    yaml: `${BASE}service: { pipelines: { p: { receivers: [ticker/a, ticker/a], exporters: [debug] } } }`,
    expect: ['service::pipelines::p::receivers::1: receiver "ticker/a" is listed twice'],
  },
  { name: 'no service section', yaml: BASE, expect: ['service: missing'] },
  {
    name: 'no pipelines',
    yaml: `${BASE}service: { pipelines: {} }`,
    expect: ['service::pipelines: must define at least one pipeline'],
  },
  {
    name: 'unknown extension in service',
    yaml: `${BASE}service: { extensions: [health_chek], pipelines: { p: { receivers: [ticker/a], exporters: [debug] } } }`,
    expect: ['service::extensions: references extension "health_chek" which is not configured'],
  },
  {
    name: 'cross-field rule of a component',
    yaml: `${BASE}processors: { batch: { send_batch_size: 100, send_batch_max_size: 10 } }\nservice: { pipelines: { p: { receivers: [ticker/a], processors: [batch], exporters: [debug] } } }`,
    expect: ['processors::batch::send_batch_max_size: must be 0 or at least send_batch_size'],
  },
  {
    name: 'unknown key under service',
    yaml: `${BASE}service: { pipeline: {}, pipelines: { p: { receivers: [ticker/a], exporters: [debug] } } }`,
    expect: ['service::pipeline: unknown key "pipeline" (did you mean "pipelines"?)'],
  },
  {
    name: 'malformed --set',
    yaml: `${BASE}${PIPE}`,
    sets: ['receivers.ticker/a.model'],
    expect: ['--set receivers.ticker/a.model: expected key.path=value'],
  },
  {
    name: '--set with a wrong type names the key',
    yaml: `${BASE}${PIPE}`,
    sets: ['receivers.ticker/a.batch=lots'],
    expect: ['receivers::ticker/a::batch: must be integer'],
  },
];

describe('bad configurations: one clear message naming the file and the key', () => {
  CASES.forEach((c, i) => {
    it(c.name, () => {
      const f = join(dir, `case-${i}.yaml`);
      writeFileSync(f, c.yaml ?? '');
      let problems: string[] = [];
      try {
        loadServiceConfig({ files: [f], sets: c.sets, env: c.env ?? {}, registry });
      } catch (err) {
        expect(err, String(err)).to.be.instanceOf(ConfigError);
        problems = (err as ConfigError).problems;
      }
      const hit = problems.find((p) => c.expect.every((e) => p.includes(e)));
      expect(hit, `no problem contains ${JSON.stringify(c.expect)}; got:\n${problems.join('\n')}`).to.be.a(
        'string',
      );
      if (!c.sets) expect(hit).to.contain(basename(f));
      if (c.line !== undefined) expect(hit).to.match(new RegExp(`${basename(f)}:${c.line}:\\d+: `));
      expect(hit).to.not.match(/\n\s+at /, 'no stack trace');
    });
  });

  it('reports a missing file by name', () => {
    try {
      loadServiceConfig({ files: [join(dir, 'nope.yaml')], registry });
      expect.fail('should throw');
    } catch (err) {
      expect((err as ConfigError).problems[0]).to.match(/nope\.yaml: config file not found$/);
    }
  });

  it(`has at least 20 cases`, () => expect(CASES.length + 1).to.be.greaterThanOrEqual(20));
});
