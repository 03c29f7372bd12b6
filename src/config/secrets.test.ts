// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinFactories, builtinRegistry } from '../components.js';
import { loadServiceConfig, maskSecrets } from './load.js';
import { maskBySchema, secretValues, unmarkedSecretLooking } from './secrets.js';

describe('secret options (x-secret)', () => {
  it('every option that looks like a secret states x-secret, in every built-in component', () => {
    const unmarked = builtinFactories.flatMap((f) =>
      unmarkedSecretLooking(f.configSchema).map((p) => `${f.kind} ${f.type}: ${p}`),
    );
    expect(unmarked, 'add x-secret: true (or false, with a reason) to these options').to.deep.equal([]);
  });

  it('finds a secret-looking option that is not marked', () => {
    const schema = {
      type: 'object',
      properties: {
        api_key: { type: 'string' },
        max_tokens: { type: 'integer' },
        nested: { type: 'object', properties: { password: { type: 'string' } } },
      },
    };
    expect(unmarkedSecretLooking(schema)).to.deep.equal(['api_key', 'nested.password']);
  });

  const schema = {
    type: 'object',
    properties: {
      api_key: { type: 'string', 'x-secret': true },
      headers: { type: 'object', additionalProperties: { type: 'string' }, 'x-secret': true },
      model: { type: 'string' },
      probes: {
        type: 'array',
        items: { type: 'object', properties: { token: { type: 'string', 'x-secret': true } } },
      },
    },
  };
  const config = {
    api_key: 'sk-live-123456789',
    headers: { authorization: 'Bearer abcdefgh12', 'x-tenant': 'tenant-one-2' },
    model: 'gpt-4o-mini-secretish',
    probes: [{ token: 'tok-123456789' }, { token: 'short' }],
  };

  it('collects exactly the marked values, Bearer removed, short ones left out', () => {
    expect([...secretValues(schema, config)].sort()).to.deep.equal(
      ['abcdefgh12', 'sk-live-123456789', 'tenant-one-2', 'tok-123456789'].sort(),
    );
  });

  it('masks the marked values and nothing else', () => {
    expect(maskBySchema(schema, config)).to.deep.equal({
      api_key: '[REDACTED]',
      headers: { authorization: '[REDACTED]', 'x-tenant': '[REDACTED]' },
      model: 'gpt-4o-mini-secretish',
      probes: [{ token: '[REDACTED]' }, { token: '[REDACTED]' }],
    });
  });

  it('the loader guards and print-config masks the marked options of real components', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-secrets-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(
      file,
      `
receivers:
  probe/x:
    base_url: http://127.0.0.1:9/v1
    api_key: sk-live-123456789
    headers: { OpenAI-Organization: org-abcdefgh }
    model: some-model-name
    probes: [{ name: chat, kind: chat, interval: 60s }]
exporters:
  otlp_http: { endpoint: http://127.0.0.1:4318, headers: { x-api-token: tok-987654321 } }
service: { pipelines: { p: { receivers: [probe/x], exporters: [otlp_http] } } }
`,
    );
    const registry = builtinRegistry();
    const cfg = loadServiceConfig({ files: [file], registry, env: {} });
    expect(cfg.secrets).to.include.members(['sk-live-123456789', 'org-abcdefgh', 'tok-987654321']);
    expect(cfg.secrets).to.not.include('some-model-name');
    const text = JSON.stringify(maskSecrets(cfg.effective, registry));
    for (const s of ['sk-live-123456789', 'org-abcdefgh', 'tok-987654321']) expect(text).to.not.include(s);
    expect(text).to.include('some-model-name');
  });
});
