// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { consumerFromFn } from '../../component/consumer.js';
import { sampleRecord } from '../../testing/compliance.js';
import { testSettings } from '../../testing/nop-host.js';
import { redactProcessorFactory } from './index.js';
import { hmacId } from './redact.js';
import { RedactProcessor } from './redact-processor.js';
import type { RedactConfig } from './config.js';

const SECRET = 'configured-secret-value-42';

function make(
  over: Partial<RedactConfig> = {},
  env: NodeJS.ProcessEnv = { DRIFTWATCH_HMAC_KEY: 'k3y-for-tests' },
) {
  return new RedactProcessor(
    testSettings('processor', 'redact', { sensitive: [SECRET] }),
    { ...redactProcessorFactory.createDefaultConfig(), ...over },
    consumerFromFn(async () => {}),
    env,
  );
}

describe('redact processor', () => {
  it('drops bodies, chunks, content and the request body by default, and counts it', () => {
    const r = sampleRecord();
    r.response.contentText = 'pong.';
    r.request.requestBody = { messages: [{ role: 'user', content: 'say pong' }] };
    r.response.stream = {
      events: 2,
      dataChunks: 2,
      comments: 0,
      sawDone: true,
      anomalies: [],
      chunks: [{ a: 1 }, { b: 2 }],
    };
    make().process([r]);
    expect(r.response.body).to.equal(undefined);
    expect(r.response.contentText).to.equal(undefined);
    expect(r.request.requestBody).to.equal(undefined);
    expect(r.response.stream.chunks).to.equal(undefined);
    expect(r.findings.redactions).to.include({ body: 1, content_text: 1, request_body: 1, stream_chunks: 2 });
  });

  it('keeps content only with the explicit opt-in, still masking secrets inside it', () => {
    const r = sampleRecord();
    (r.response.body as { choices: Array<{ message: { content: string } }> }).choices[0].message.content =
      `the key is ${SECRET}`;
    make({ keep_content: true }).process([r]);
    const body = r.response.body as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0].message.content).to.equal('the key is [REDACTED:secret]');
  });

  it('keeps allow-listed headers only and masks bearer tokens, sk- keys and e-mails everywhere', () => {
    const r = sampleRecord();
    r.response.headers = {
      'x-request-id': 'req_123',
      'x-ratelimit-remaining-requests': '9',
      'set-cookie': 'session=abc',
      'retry-after': '2',
    };
    r.transportError = {
      code: 'ECONNRESET',
      message: 'failed with Authorization: Bearer abcdefghijklmnop for ops@example.com',
    };
    r.extra = { note: 'key sk-proj-AAAAAAAAAAAAAAAAAAAAAAAA leaked', nested: [{ v: 'Bearer zzzzzzzzzzzz' }] };
    make().process([r]);
    expect(Object.keys(r.response.headers).sort()).to.deep.equal([
      'retry-after',
      'x-ratelimit-remaining-requests',
      'x-request-id',
    ]);
    expect(r.transportError.message).to.equal(
      'failed with Authorization: Bearer [REDACTED:bearer] for [REDACTED:email]',
    );
    expect(r.extra.note).to.equal('key [REDACTED:api_key] leaked');
    expect(JSON.stringify(r.extra.nested)).to.include('[REDACTED:bearer]');
    expect(r.findings.redactions).to.include({ header: 1, bearer: 2, email: 1, api_key: 1 });
  });

  it('HMACs tenant and user ids with the key from the environment, never a bare hash', () => {
    const r = sampleRecord();
    r.request.tenant = 'tenant-a';
    r.extra = { user: 'u-17' };
    make().process([r]);
    expect(r.request.tenant).to.equal(hmacId('k3y-for-tests', 'tenant-a'));
    expect(r.request.tenant).to.match(/^h:[0-9a-f]{24}$/);
    expect(r.extra.user).to.equal(hmacId('k3y-for-tests', 'u-17'));
    expect(hmacId('other-key', 'tenant-a')).to.not.equal(r.request.tenant);
  });

  it('without a key the ids are dropped (a bare hash would be reversible), and counted', () => {
    const r = sampleRecord();
    r.request.tenant = 'tenant-a';
    make({}, {}).process([r]);
    expect(r.request.tenant).to.equal(undefined);
    expect(r.findings.redactions?.id_dropped_no_key).to.equal(1);
  });

  it('passes event records through untouched', () => {
    const r = sampleRecord();
    r.event = { name: 'docs.changed', attributes: { url: 'https://example.com' } };
    const before = JSON.stringify(r);
    make().process([r]);
    expect(JSON.stringify(r)).to.equal(before);
  });

  it('rejects an invalid extra pattern at config time', () => {
    const cfg = redactProcessorFactory.createDefaultConfig();
    cfg.patterns.extra = ['(unclosed'];
    expect(redactProcessorFactory.validate!(cfg, { configDir: '.' })[0].path).to.deep.equal([
      'patterns',
      'extra',
      '0',
    ]);
  });
});
