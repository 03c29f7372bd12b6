// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { newContext } from '../../component/consumer.js';
import { sampleRecord } from '../../testing/compliance.js';
import { testSettings } from '../../testing/nop-host.js';
import { TARGET_DECLARED_EVENT } from '../../signals/names.js';
import { DebugExporter } from './debug-exporter.js';

describe('debug exporter', () => {
  it('prints one line per batch (basic) or per record (detailed), never bodies, prompts or secrets', async () => {
    const lines: string[] = [];
    const r = sampleRecord();
    r.request.requestBody = { messages: [{ role: 'user', content: 'CANARY-PROMPT-7f3a' }] };
    r.response.contentText = 'CANARY-COMPLETION-91bc';
    r.response.headers = { authorization: 'Bearer sk-CANARY-KEY', 'x-request-id': 'req_123' };
    r.response.requestId = 'req_123';
    r.findings = {
      items: [{ path: 'usage', kind: 'missing', level: 'violation' }],
      verdict: 'violation',
      errorClass: 'schema',
      owner: 'application + platform',
    };
    const detailed = new DebugExporter(
      testSettings('exporter', 'debug'),
      { verbosity: 'detailed', output: 'stdout' },
      (l) => lines.push(l),
    );
    await detailed.consume([r, sampleRecord()], newContext());
    const basic = new DebugExporter(
      testSettings('exporter', 'debug'),
      { verbosity: 'basic', output: 'stdout' },
      (l) => lines.push(l),
    );
    await basic.consume([r, sampleRecord()], newContext());
    const out = lines.join('\n');
    expect(out.split('\n')).to.have.length(3);
    expect(out).to.contain('verdict=violation class=schema');
    expect(out).to.contain('findings=[violation:missing:usage]');
    expect(out).to.contain('batch records=2');
    expect(out).to.contain('request_id=req_123');
    for (const canary of ['CANARY-PROMPT', 'CANARY-COMPLETION', 'sk-CANARY', 'pong.'])
      expect(out).to.not.contain(canary);
  });

  it('prints an event as an event, and nothing for a target declaration (no call happened)', async () => {
    const lines: string[] = [];
    const exporter = new DebugExporter(
      testSettings('exporter', 'debug'),
      { verbosity: 'detailed', output: 'stdout' },
      (l) => lines.push(l),
    );
    const declared = sampleRecord();
    declared.event = { name: TARGET_DECLARED_EVENT, attributes: { probe: 'chat', kind: 'chat' } };
    await exporter.consume([declared], newContext());
    expect(lines).to.deep.equal([]);
    const budget = sampleRecord();
    budget.event = { name: 'probe.budget_exhausted', attributes: { limit: 'daily_requests' } };
    await exporter.consume([declared, budget], newContext());
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/ event=probe\.budget_exhausted limit=daily_requests$/);
    expect(lines[0]).to.not.contain('status=');
  });
});
