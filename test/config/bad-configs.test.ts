// SPDX-License-Identifier: Apache-2.0
// A table of broken configurations, each with the exact, complete list of messages it must
// produce: file:line:col (or the --set flag), the key path, what is wrong.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /**
   * Every problem, exactly and in order. `F` at the start stands for the config file (its
   * messages begin with file:line:col), `D/` for the temporary directory.
   */
  expect: string[];
}

const CASES: Case[] = [
  {
    name: 'YAML syntax error with line and column',
    yaml: `receivers:\n  ticker/a: { interval_ms: 10\n${PIPE}`,
    expect: [
      'F:3:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }',
    ],
  },
  {
    name: 'duplicate YAML key',
    yaml: `${BASE}exporters: {}\n${PIPE}`,
    expect: ['F:3:1: YAML syntax error: Map keys must be unique'],
  },
  {
    name: 'top level is a list',
    yaml: `- a\n- b\n`,
    expect: ['F: the top level must be a mapping (receivers:, processors:, exporters:, service: …)'],
  },
  {
    name: 'unknown top-level key with suggestion',
    yaml: `${BASE}recievers: {}\n${PIPE}`,
    expect: ['F:3:1: recievers: unknown top-level key "recievers" (did you mean "receivers"?)'],
  },
  {
    name: 'unknown receiver type lists valid ones',
    yaml: `receivers: { tickr/a: {} }\nexporters: { debug: {} }\nservice: { pipelines: { p: { receivers: [tickr/a], exporters: [debug] } } }`,
    expect: [
      `F:1:14: receivers::tickr/a: unknown receiver type "tickr" (did you mean "ticker"?); valid types: ${registry.types('receiver').join(', ')}`,
      'F:3:30: service::pipelines::p::receivers: references receiver "tickr/a" which is not configured under receivers:',
    ],
  },
  {
    name: 'unknown exporter type',
    yaml: `receivers: { ticker/a: {} }\nexporters: { otlp_htp: {} }\nservice: { pipelines: { p: { receivers: [ticker/a], exporters: [otlp_htp] } } }`,
    expect: [
      `F:2:14: exporters::otlp_htp: unknown exporter type "otlp_htp" (did you mean "otlp_http"?); valid types: ${registry.types('exporter').join(', ')}`,
      'F:3:53: service::pipelines::p::exporters: references exporter "otlp_htp" which is not configured under exporters:',
    ],
  },
  {
    name: 'invalid component id',
    yaml: `receivers: { Ticker/a: {} }\nexporters: { debug: {} }\n${PIPE}`,
    expect: [
      'F:1:14: receivers::Ticker/a: invalid component id "Ticker/a": expected type or type/name with a lower_snake_case type',
      'F:3:30: service::pipelines::p::receivers: references receiver "ticker/a" which is not configured under receivers:',
    ],
  },
  {
    name: 'unknown key in a component with suggestion',
    yaml: `receivers: { ticker/a: { intervall_ms: 5 } }\nexporters: { debug: {} }\n${PIPE}`,
    expect: [
      'F:1:26: receivers::ticker/a::intervall_ms: unknown key "intervall_ms" (did you mean "interval_ms"?)',
    ],
  },
  {
    name: 'wrong type',
    yaml: `receivers: { ticker/a: { batch: "many" } }\nexporters: { debug: {} }\n${PIPE}`,
    expect: ['F:1:26: receivers::ticker/a::batch: must be integer (got string "many")'],
  },
  {
    name: 'below minimum',
    yaml: `receivers: { ticker/a: { interval_ms: 0 } }\nexporters: { debug: {} }\n${PIPE}`,
    expect: ['F:1:26: receivers::ticker/a::interval_ms: must be >= 1'],
  },
  {
    name: 'enum value with suggestion',
    yaml: `receivers: { ticker/a: {} }\nexporters: { debug: { verbosity: detailled } }\n${PIPE}`,
    expect: [
      'F:2:23: exporters::debug::verbosity: must be one of "basic", "detailed" (got "detailled") (did you mean "detailed"?)',
    ],
  },
  {
    name: 'pattern mismatch names the expected form',
    yaml: `${BASE}extensions: { health_check: { endpoint: localhost } }\nservice: { extensions: [health_check], pipelines: { p: { receivers: [ticker/a], exporters: [debug] } } }`,
    expect: [
      'F:3:31: extensions::health_check::endpoint: "localhost" is not valid (host:port, e.g. 127.0.0.1:13133)',
    ],
  },
  {
    name: 'component block is a list',
    yaml: `receivers: { ticker/a: [1, 2] }\nexporters: { debug: {} }\n${PIPE}`,
    expect: [
      'F:1:14: receivers::ticker/a: must be a mapping of settings (got a list)',
      'F:3:30: service::pipelines::p::receivers: references receiver "ticker/a" which is not configured under receivers:',
    ],
  },
  {
    name: 'section is not a mapping',
    yaml: `receivers: [ticker/a]\nexporters: { debug: {} }\n${PIPE}`,
    expect: [
      'F:1:1: receivers: must be a mapping of component ids to settings',
      'F:3:30: service::pipelines::p::receivers: references receiver "ticker/a" which is not configured under receivers:',
    ],
  },
  {
    name: 'environment variable not set',
    yaml: `receivers: { ticker/a: { model: "\${env:DW_TEST_NOPE}" } }\nexporters: { debug: {} }\n${PIPE}`,
    expect: [
      'F:1:26: receivers::ticker/a::model: environment variable DW_TEST_NOPE is not set and has no default (write ${env:DW_TEST_NOPE:-default} to give one)',
    ],
  },
  {
    name: 'unsupported config source',
    yaml: `receivers: { ticker/a: { model: "\${vault:/etc/x}" } }\nexporters: { debug: {} }\n${PIPE}`,
    expect: [
      'F:1:26: receivers::ticker/a::model: unsupported config source "${vault:/etc/x}" (${env:VAR} and ${file:PATH} are supported)',
    ],
  },
  {
    name: '${file:} naming a file that does not exist',
    yaml: `receivers: { ticker/a: { model: "\${file:${dir}/no-such-secret}" } }\nexporters: { debug: {} }\n${PIPE}`,
    expect: ['F:1:26: receivers::ticker/a::model: ${file:D/no-such-secret} cannot be read (ENOENT)'],
  },
  {
    name: 'a bare number where a duration is expected is refused with a hint',
    yaml: `${BASE}processors: { batch: { timeout: 30 } }\nservice: { pipelines: { p: { receivers: [ticker/a], processors: [batch], exporters: [debug] } } }`,
    expect: [
      'F:3:24: processors::batch::timeout: a bare number is not a duration: write 30s or 30ms (units: ms, s, m, h, d; 1m30s works)',
    ],
  },
  {
    name: 'a duration without a known unit',
    yaml: `${BASE}processors: { batch: { timeout: 2 minutes } }\nservice: { pipelines: { p: { receivers: [ticker/a], processors: [batch], exporters: [debug] } } }`,
    expect: [
      'F:3:24: processors::batch::timeout: string "2 minutes" is not a duration (e.g. 500ms, 10s, 5m, 1m30s)',
    ],
  },
  {
    name: 'otlp_http endpoint that is not a URL',
    yaml: `${BASE.replace('debug: {}', "debug: {}, otlp_http: { endpoint: 'not a url' }")}service: { pipelines: { p: { receivers: [ticker/a], exporters: [debug, otlp_http] } } }`,
    expect: ['F:2:38: exporters::otlp_http::endpoint: "not a url" is not a URL (e.g. http://collector:4318)'],
  },
  {
    name: 'otlp_http endpoint with an ftp:// scheme',
    yaml: `${BASE.replace('debug: {}', "debug: {}, otlp_http: { endpoint: 'ftp://collector:4318' }")}service: { pipelines: { p: { receivers: [ticker/a], exporters: [debug, otlp_http] } } }`,
    expect: [
      'F:2:38: exporters::otlp_http::endpoint: scheme "ftp" is not supported: use http:// or https://',
    ],
  },
  {
    name: 'otlp_http endpoint with port 99999',
    yaml: `${BASE.replace('debug: {}', "debug: {}, otlp_http: { endpoint: 'http://collector:99999' }")}service: { pipelines: { p: { receivers: [ticker/a], exporters: [debug, otlp_http] } } }`,
    expect: ['F:2:38: exporters::otlp_http::endpoint: port 99999 is out of range (1-65535)'],
  },
  {
    name: 'health_check listening on port 70000',
    yaml: `${BASE}extensions: { health_check: { endpoint: '127.0.0.1:70000' } }\nservice: { extensions: [health_check], pipelines: { p: { receivers: [ticker/a], exporters: [debug] } } }`,
    expect: ['F:3:31: extensions::health_check::endpoint: port 70000 is out of range (0-65535)'],
  },
  {
    name: 'two listeners on one address',
    yaml: `${BASE.replace('debug: {}', "debug: {}, prometheus: { endpoint: '127.0.0.1:13133' }")}extensions: { health_check: { endpoint: '127.0.0.1:13133' } }\nservice: { extensions: [health_check], pipelines: { p: { receivers: [ticker/a], exporters: [debug, prometheus] } } }`,
    expect: [
      'F:3:31: extensions::health_check::endpoint: 127.0.0.1:13133 is also where exporters::prometheus::endpoint listens (127.0.0.1:13133): two listeners cannot share one address; give one of them another port',
    ],
  },
  {
    name: 'a __proto__ key is reported, not ignored',
    yaml: `receivers: { ticker/a: { __proto__: { model: x } } }\nexporters: { debug: {} }\n${PIPE}`,
    expect: [
      'F:1:26: receivers::ticker/a::__proto__: key "__proto__" is not allowed (a reserved JavaScript name, never a setting)',
    ],
  },
  {
    name: 'a constructor key is reported',
    yaml: `${BASE}constructor: 1\n${PIPE}`,
    expect: [
      'F:3:1: constructor: key "constructor" is not allowed (a reserved JavaScript name, never a setting)',
    ],
  },
  {
    name: '--set through __proto__',
    yaml: `${BASE}${PIPE}`,
    sets: ['receivers.__proto__.polluted=1'],
    expect: [
      '--set receivers.__proto__.polluted: key "__proto__" is not allowed (a reserved JavaScript name)',
    ],
  },
  {
    name: 'a pipeline with an empty exporter list',
    yaml: `${BASE}service: { pipelines: { p: { receivers: [ticker/a], exporters: [] } } }`,
    expect: ['F:3:53: service::pipelines::p::exporters: a pipeline needs at least one exporter'],
  },
  {
    name: 'a 1 MB value is cut in the message',
    yaml: `${BASE}processors: { batch: { timeout: ${'9'.repeat(200)}x } }\nservice: { pipelines: { p: { receivers: [ticker/a], processors: [batch], exporters: [debug] } } }`,
    expect: [
      `F:3:24: processors::batch::timeout: string "${'9'.repeat(119)}… (203 characters) is not a duration (e.g. 500ms, 10s, 5m, 1m30s)`,
    ],
  },
  {
    name: 'pipeline references an undefined processor with suggestion',
    yaml: `${BASE}processors: { batch: {} }\nservice: { pipelines: { contract: { receivers: [ticker/a], processors: [bach], exporters: [debug] } } }`,
    expect: [
      'F:4:60: service::pipelines::contract::processors: references processor "bach" which is not configured under processors: (did you mean "batch"?)',
    ],
  },
  {
    name: 'pipeline references an undefined receiver',
    yaml: `${BASE}service: { pipelines: { p: { receivers: [ticker/b], exporters: [debug] } } }`,
    expect: [
      'F:3:30: service::pipelines::p::receivers: references receiver "ticker/b" which is not configured under receivers: (did you mean "ticker/a"?)',
    ],
  },
  {
    name: 'pipeline without receivers',
    yaml: `${BASE}service: { pipelines: { p: { exporters: [debug] } } }`,
    expect: ['F:3:25: service::pipelines::p::receivers: a pipeline needs at least one receiver'],
  },
  {
    name: 'pipeline without exporters',
    yaml: `${BASE}service: { pipelines: { p: { receivers: [ticker/a], exporters: [] } } }`,
    expect: ['F:3:53: service::pipelines::p::exporters: a pipeline needs at least one exporter'],
  },
  {
    name: 'unknown key in a pipeline',
    yaml: `${BASE}service: { pipelines: { p: { receivers: [ticker/a], exporter: [debug] } } }`,
    expect: [
      'F:3:53: service::pipelines::p::exporter: unknown key "exporter" (did you mean "exporters"?)',
      'F:3:25: service::pipelines::p::exporters: a pipeline needs at least one exporter',
    ],
  },
  {
    name: 'component listed twice',
    yaml: `${BASE}service: { pipelines: { p: { receivers: [ticker/a, ticker/a], exporters: [debug] } } }`,
    expect: ['F:3:52: service::pipelines::p::receivers::1: receiver "ticker/a" is listed twice'],
  },
  {
    name: 'no service section',
    yaml: BASE,
    expect: ['F: service: missing: a config needs service.pipelines with at least one pipeline'],
  },
  {
    name: 'no pipelines',
    yaml: `${BASE}service: { pipelines: {} }`,
    expect: ['F:3:12: service::pipelines: must define at least one pipeline'],
  },
  {
    name: 'unknown extension in service',
    yaml: `${BASE}service: { extensions: [health_chek], pipelines: { p: { receivers: [ticker/a], exporters: [debug] } } }`,
    expect: [
      'F:3:12: service::extensions: references extension "health_chek" which is not configured under extensions:',
    ],
  },
  {
    name: 'cross-field rule of a component',
    yaml: `${BASE}processors: { batch: { send_batch_size: 100, send_batch_max_size: 10 } }\nservice: { pipelines: { p: { receivers: [ticker/a], processors: [batch], exporters: [debug] } } }`,
    expect: ['F:3:46: processors::batch::send_batch_max_size: must be 0 or at least send_batch_size'],
  },
  {
    name: 'unknown key under service',
    yaml: `${BASE}service: { pipeline: {}, pipelines: { p: { receivers: [ticker/a], exporters: [debug] } } }`,
    expect: ['F:3:12: service::pipeline: unknown key "pipeline" (did you mean "pipelines"?)'],
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
    expect: [
      '--set receivers.ticker/a.batch: receivers::ticker/a::batch: must be integer (got string "lots")',
    ],
  },
  {
    name: 'redact: an extra pattern that is not a regular expression',
    yaml: `${BASE}processors: { redact: { patterns: { extra: ['(unclosed'] } } }\nservice: { pipelines: { p: { receivers: [ticker/a], processors: [redact], exporters: [debug] } } }`,
    expect: [
      'F:3:45: processors::redact::patterns::extra::0: not a valid regular expression: Invalid regular expression: /(unclosed/: Unterminated group',
    ],
  },
  {
    name: 'validate: a contract file that does not exist',
    yaml: `${BASE}processors: { validate: { contract: ${dir}/missing-contract.yaml } }\nservice: { pipelines: { p: { receivers: [ticker/a], processors: [validate], exporters: [debug] } } }`,
    expect: [
      'F:3:27: processors::validate::contract: D/missing-contract.yaml: contract file not found (looked at D/missing-contract.yaml)',
    ],
  },
  {
    name: '--set with an empty key names the key path, never the value',
    yaml: `${BASE}${PIPE}`,
    sets: ['exporters..headers.authorization=Bearer sk-canary-0123456789abcdef'],
    expect: ['--set exporters..headers.authorization: empty key in "exporters..headers.authorization"'],
  },
  {
    name: 'probe: unknown key in a nested block',
    yaml: `receivers: { probe: { base_url: 'http://127.0.0.1:9/v1', api_key: x, tls: { server: x } } }\nexporters: { debug: {} }\nservice: { pipelines: { p: { receivers: [probe], exporters: [debug] } } }`,
    expect: ['F:1:77: receivers::probe::tls::server: unknown key "server"'],
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
      expect(problems).to.deep.equal(
        c.expect.map((e) => e.replace(/^F(?=:)/, f).replaceAll('D/', `${dir}/`)),
      );
      // a malformed flag may carry a secret: only its key path is echoed
      expect(problems.join('\n')).to.not.include('canary');
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

  it('the table holds at least 30 cases, each asserting its complete message list', () => {
    expect(CASES.length).to.be.greaterThanOrEqual(30);
    for (const c of CASES) expect(c.expect.length, c.name).to.be.greaterThan(0);
  });
});
