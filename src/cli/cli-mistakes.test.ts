// SPDX-License-Identifier: Apache-2.0
// The command line as operators type it, mistakes included: every row is one mistake with the
// exact first line driftwatch prints and the exit code. An argument mistake is one line, then
// the command's usage, exit 2 (check-response: 3, its 2 means "violation"), never a stack
// trace and never "unexpected error".
import { expect } from 'chai';
import { resolve } from 'node:path';
import { builtinRegistry } from '../components.js';
import { main } from './main.js';

interface Ran {
  code: number;
  out: string;
  err: string;
}

const registry = builtinRegistry();

async function cli(args: string[]): Promise<Ran> {
  let out = '';
  let err = '';
  const code = await main(args, {
    io: { out: (t) => void (out += t), err: (t) => void (err += t), env: {} },
    registry,
  });
  return { code, out, err };
}

const CHECK = ['check', '--config', 'pipelines/demo.yaml'];
const DEMO = 'pipelines/demo.yaml';

// [argv, exit code, exact first line of stderr]
const MISTAKES: Array<[string[], number, string]> = [
  [['chek'], 2, 'driftwatch: unknown command "chek" (did you mean "check"?)'],
  [['valdate'], 2, 'driftwatch: unknown command "valdate" (did you mean "validate"?)'],
  [['printconfig'], 2, 'driftwatch: unknown command "printconfig" (did you mean "print-config"?)'],
  [['frobnicate'], 2, 'driftwatch: unknown command "frobnicate"'],
  [['--verison'], 2, 'driftwatch: unknown option --verison before the command (did you mean --version?)'],
  [['help', 'chek'], 2, 'driftwatch: unknown command "chek" (did you mean "check"?)'],
  [['run'], 2, 'driftwatch run: --config FILE is required'],
  [['run', '--config'], 2, 'driftwatch run: option --config needs a value (--config FILE)'],
  [['run', '--confg', DEMO], 2, 'driftwatch run: unknown option --confg (did you mean --config?)'],
  [
    ['run', '-config', DEMO],
    2,
    'driftwatch run: unknown option -config: long options take two dashes (--config)',
  ],
  [
    ['run', DEMO],
    2,
    'driftwatch run: unexpected argument "pipelines/demo.yaml" (to load it as the configuration: --config pipelines/demo.yaml)',
  ],
  [
    ['run', '--config', DEMO, '--log-level', 'loud'],
    2,
    'driftwatch run: --log-level must be one of "trace", "debug", "info", "warn", "error", "fatal", "silent" (got "loud")',
  ],
  [
    ['run', '--config', DEMO, '--log-level', 'wran'],
    2,
    'driftwatch run: --log-level must be one of "trace", "debug", "info", "warn", "error", "fatal", "silent" (got "wran") (did you mean "warn"?)',
  ],
  [
    ['run', '--config', DEMO, '--shutdown-timeout', '30'],
    2,
    'driftwatch run: --shutdown-timeout 30: a bare number is not a duration: write 30s or 30ms (units: ms, s, m, h, d; 1m30s works)',
  ],
  [
    ['run', '--config', DEMO, '--shutdown-timeout', 'soon'],
    2,
    'driftwatch run: --shutdown-timeout must be a duration such as 500ms, 10s, 1m30s (got "soon")',
  ],
  [['validate'], 2, 'driftwatch validate: --config FILE is required'],
  [
    ['validate', DEMO],
    2,
    'driftwatch validate: unexpected argument "pipelines/demo.yaml" (to load it as the configuration: --config pipelines/demo.yaml)',
  ],
  [['validate', '--config', DEMO, '--json'], 2, 'driftwatch validate: unknown option --json'],
  [
    ['validate', '--config', DEMO, '--set'],
    2,
    'driftwatch validate: option --set needs a value (--set KEY=VALUE)',
  ],
  [['validate', '--config', 'no-such-file.yaml'], 2, 'driftwatch: invalid configuration (1 problem):'],
  [['print-config'], 2, 'driftwatch print-config: --config FILE is required'],
  [[...CHECK, '--repeat', '0'], 2, 'driftwatch check: --repeat must be an integer from 1 to 100 (got "0")'],
  [
    [...CHECK, '--repeat', 'twice'],
    2,
    'driftwatch check: --repeat must be an integer from 1 to 100 (got "twice")',
  ],
  [
    [...CHECK, '--fail-on', 'drfit'],
    2,
    'driftwatch check: --fail-on must be "drift" or "violation" (got "drfit") (did you mean "drift"?)',
  ],
  [
    [...CHECK, '--timeout', '30'],
    2,
    'driftwatch check: --timeout 30: a bare number is not a duration: write 30s or 30ms (units: ms, s, m, h, d; 1m30s works)',
  ],
  [[...CHECK, '--junit'], 2, 'driftwatch check: option --junit needs a value (--junit FILE)'],
  [
    [...CHECK, '--fail-on-drift'],
    2,
    'driftwatch check: unknown option --fail-on-drift (did you mean --fail-on?)',
  ],
  [['check', '--config', ''], 2, 'driftwatch check: option --config needs a value (--config FILE)'],
  [['components', '--json=yes'], 2, 'driftwatch components: option --json takes no value (it is a switch)'],
  [
    ['components', 'extra'],
    2,
    'driftwatch components: unexpected argument "extra" (components takes options only)',
  ],
  [
    ['schema', '--format', 'yaml'],
    2,
    'driftwatch schema: --format must be "json" or "markdown" (got "yaml")',
  ],
  [
    ['schema', '--format', 'markdwon'],
    2,
    'driftwatch schema: --format must be "json" or "markdown" (got "markdwon") (did you mean "markdown"?)',
  ],
  [['replay'], 2, 'driftwatch replay: give one or more log files (LOG…)'],
  [['replay', '--jsno', 'a.log'], 2, 'driftwatch replay: unknown option --jsno (did you mean --json?)'],
  [['simulate'], 2, 'driftwatch simulate: --scenario FILE is required'],
  [
    ['simulate', '--scenario', 'x.yaml', '--port', '99999'],
    2,
    'driftwatch simulate: --port must be an integer from 0 to 65535 (got "99999")',
  ],
  [
    ['demo', '--scenario', 'missing.yaml'],
    2,
    'driftwatch demo: missing.yaml: cannot read the scenario: ENOENT',
  ],
  [
    ['demo', '--scenraio', 'x.yaml'],
    2,
    'driftwatch demo: unknown option --scenraio (did you mean --scenario?)',
  ],
  [['check-response', 'body.json'], 3, 'driftwatch check-response: --contract FILE is required'],
  [
    ['check-response', '--contract', 'c.yaml'],
    3,
    'driftwatch check-response: give one or more capture files (CAPTURE…)',
  ],
  [
    ['check-response', '--contract', 'c.yaml', '--status', '42', 'b.json'],
    3,
    'driftwatch check-response: --status must be an integer from 100 to 599 (got "42")',
  ],
  [['version', '--jsn'], 2, 'driftwatch version: unknown option --jsn (did you mean --json?)'],
  [
    ['validate', '--config', 'x'.repeat(300) + '.yml', 'y'.repeat(500)],
    2,
    `driftwatch validate: unexpected argument "${'y'.repeat(80)}… (500 characters)" (validate takes options only)`,
  ],
];

describe('CLI mistakes: exact message and exit code', () => {
  it(`has at least 30 rows (${MISTAKES.length})`, () => expect(MISTAKES.length).to.be.at.least(30));

  for (const [argv, code, first] of MISTAKES) {
    it(`driftwatch ${argv.join(' ').slice(0, 70)} → exit ${code}`, async () => {
      const r = await cli(argv);
      expect(r.err.split('\n')[0], r.err).to.equal(first);
      expect(r.code, r.err).to.equal(code);
      expect(r.out, 'nothing on stdout').to.equal('');
      expect(r.err).to.not.match(/unexpected error|\n\s+at \S+ \(|ERR_PARSE_ARGS/);
      // Argument mistakes come with the usage; configuration problems with their list.
      if (!first.includes('invalid configuration')) {
        expect(r.err).to.match(/\n\nUsage: driftwatch /);
        expect(r.err.trimEnd().split('\n').length, 'short: one line, usage, pointer').to.be.at.most(5);
      } else expect(r.err).to.include(`${resolve('no-such-file.yaml')}: config file not found`);
    });
  }
});
