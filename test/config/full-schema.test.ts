// SPDX-License-Identifier: Apache-2.0
// The published config schema and reference stay true to the component schemas: when a
// component or an option is added, these fail until `npm run generate` is run and committed.
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { builtinRegistry } from '../../src/components.js';
import { buildFullSchema } from '../../src/config/full-schema.js';
import { processSettingsSchema } from '../../src/config/process-settings.js';
import { optionRows, renderConfigReference } from '../../src/config/reference.js';

const registry = builtinRegistry();
const committedSchema = JSON.parse(readFileSync('config/driftwatch.schema.json', 'utf8')) as Record<
  string,
  unknown
>;
const committedReference = readFileSync('docs/config-reference.md', 'utf8');

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(buildFullSchema(registry));
}

describe('config JSON Schema and reference', () => {
  it('the committed config/driftwatch.schema.json equals the generated one (run `npm run generate`)', () => {
    expect(committedSchema).to.deep.equal(buildFullSchema(registry));
  });

  it('documents every option of every component in docs/config-reference.md', () => {
    const missing: string[] = [];
    for (const f of registry.all()) {
      const section = committedReference.indexOf(`### \`${f.type}\` (${f.kind}`);
      if (section < 0) {
        missing.push(`${f.kind} ${f.type} (whole component)`);
        continue;
      }
      const end = committedReference.indexOf('\n### ', section + 1);
      const text = committedReference.slice(section, end < 0 ? undefined : end);
      for (const row of optionRows(f.configSchema))
        if (!text.includes(`| \`${row.path}\` |`)) missing.push(`${f.kind} ${f.type}: ${row.path}`);
    }
    for (const key of Object.keys(processSettingsSchema))
      if (!committedReference.includes(`| ${key} |`)) missing.push(`process setting ${key}`);
    expect(missing, 'options in code but not in the reference (run `npm run generate`)').to.deep.equal([]);
    expect(committedReference).to.equal(renderConfigReference(registry));
  });

  it('accepts a real config, with ${env:} references in number fields and empty component blocks', () => {
    const validate = validator();
    const cfg = parse(`
receivers:
  docs_watch/cometapi:
    urls: [https://example.invalid/docs]
    max_body_bytes: \${env:DOCS_MAX_BYTES:-100000}
processors:
  batch:
exporters:
  debug: { verbosity: detailed }
extensions:
  health_check: { endpoint: 0.0.0.0:13133 }
service:
  extensions: [health_check]
  pipelines:
    docs: { receivers: [docs_watch/cometapi], processors: [batch], exporters: [debug] }
`) as unknown;
    expect(validate(cfg), JSON.stringify(validate.errors)).to.equal(true);
  });

  it('rejects unknown component types, misspelt options, wrong types and pipelines without exporters', () => {
    const validate = validator();
    const bad = [
      { receivers: { nope: {} }, service: { pipelines: { p: { receivers: ['x'], exporters: ['y'] } } } },
      {
        exporters: { debug: { verbositty: 'basic' } },
        service: { pipelines: { p: { receivers: ['x'], exporters: ['debug'] } } },
      },
      {
        processors: { batch: { send_batch_size: 'many' } },
        service: { pipelines: { p: { receivers: ['x'], exporters: ['y'] } } },
      },
      { service: { pipelines: { p: { receivers: ['x'] } } } },
    ];
    for (const cfg of bad) expect(validate(cfg), JSON.stringify(cfg)).to.equal(false);
  });

  it('`driftwatch schema` prints the schema and `--format markdown` the reference', async () => {
    let out = '';
    const io: CliIO = { out: (t) => void (out += t), err: () => {}, env: {} };
    expect(await main(['schema'], { io, registry })).to.equal(0);
    expect(JSON.parse(out)).to.deep.equal(committedSchema);
    out = '';
    expect(await main(['schema', '--format', 'markdown'], { io, registry })).to.equal(0);
    expect(out).to.equal(committedReference);
    expect(await main(['schema', '--format', 'xml'], { io, registry })).to.equal(2);
  });
});
