// SPDX-License-Identifier: Apache-2.0
// Properties of the config loader: whatever the text or tree, it returns a config or throws a
// ConfigError with messages; it never throws anything else and never hangs.
import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigError } from '../component/errors.js';
import { testRegistry } from '../testing/test-registry.js';
import { loadServiceConfig } from './load.js';
import { stringify } from 'yaml';

const { registry } = testRegistry();

function attempt(text: string, env: Record<string, string> = {}): void {
  try {
    loadServiceConfig({ files: [], inline: [['prop.yaml', text]], registry, env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) {
      expect(p).to.be.a('string');
      expect(p.length).to.be.lessThan(2000);
    }
  }
}

const key = fc.constantFrom(
  'receivers',
  'processors',
  'exporters',
  'extensions',
  'service',
  'pipelines',
  'ticker/a',
  'debug',
  'batch',
  'health_check',
  'interval_ms',
  'endpoint',
  'p',
  'receivers ',
  '${env:X}',
  '$$',
);
const leaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('${env:HOME}', '${env:NOPE:-x}', '${env:}', '${file:x}', '$${env:X}', 'ticker/a', 'debug'),
);
const tree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(key, tie('node'), { maxKeys: 5 }),
  ),
})).node;

describe('config loader properties', () => {
  it('never throws anything but a ConfigError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => attempt(text)),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a ConfigError on arbitrary YAML trees', () => {
    fc.assert(
      fc.property(tree, (t) => attempt(stringify(t))),
      { numRuns: 300 },
    );
  });

  it('never throws on mutations of a valid config', () => {
    const good = {
      receivers: { 'ticker/a': { interval_ms: 10 } },
      exporters: { debug: {} },
      service: { pipelines: { p: { receivers: ['ticker/a'], exporters: ['debug'] } } },
    };
    fc.assert(
      fc.property(fc.constantFrom('receivers', 'exporters', 'service'), leaf, (section, value) => {
        attempt(stringify({ ...good, [section]: value }));
        attempt(stringify({ ...good, receivers: { 'ticker/a': { interval_ms: value } } }));
      }),
      { numRuns: 200 },
    );
  });
});
