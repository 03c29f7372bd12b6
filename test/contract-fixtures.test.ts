// SPDX-License-Identifier: Apache-2.0
// Table-driven: every copied fixture through validate → classify → redact, with the expected
// verdict, class and findings; and after redact no body text is left on the record.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { consumerFromFn } from '../src/component/consumer.js';
import type { CallRecord } from '../src/model/call-record.js';
import { ClassifyProcessor } from '../src/processors/classify/classify-processor.js';
import { classifyProcessorFactory } from '../src/processors/classify/index.js';
import { redactProcessorFactory } from '../src/processors/redact/index.js';
import { RedactProcessor } from '../src/processors/redact/redact-processor.js';
import { validateProcessorFactory } from '../src/processors/validate/index.js';
import { ValidateProcessor } from '../src/processors/validate/validate-processor.js';
import { testSettings } from '../src/testing/nop-host.js';
import { CASES } from './fixture-cases.js';
import { FIXTURES, fixtureRecord } from './helpers/fixture-records.js';

const noop = consumerFromFn(async () => {});

function pipeline(): (r: CallRecord) => void {
  const vc = validateProcessorFactory.createDefaultConfig();
  const v = new ValidateProcessor(
    testSettings('processor', 'validate'),
    { ...vc, shapes: { ...vc.shapes, persist: false } },
    noop,
  );
  const c = new ClassifyProcessor(
    testSettings('processor', 'classify'),
    classifyProcessorFactory.createDefaultConfig(),
    noop,
  );
  const rd = new RedactProcessor(
    testSettings('processor', 'redact'),
    redactProcessorFactory.createDefaultConfig(),
    noop,
  );
  return (r) => {
    v.process([r]);
    c.process([r]);
    rd.process([r]);
  };
}

/** Text strings from the body (content, messages) that must not survive redaction. */
function bodyTexts(rel: string): string[] {
  const raw = readFileSync(join(FIXTURES, rel), 'utf8');
  const out: string[] = [];
  const re = /"(?:content|message|refusal|arguments)"\s*:\s*"((?:[^"\\]|\\.){12,})"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw)) !== null) out.push(JSON.parse(`"${m[1]}"`) as string);
  return out;
}

describe('fixtures through validate → classify → redact', () => {
  for (const tc of CASES) {
    const label = `${tc.fixture}${tc.contract ? ` [${tc.contract.split('/').pop()}]` : ''}`;
    it(`${label} → ${tc.verdict}${tc.errorClass ? ` / ${tc.errorClass}` : ''}`, () => {
      const r = fixtureRecord(tc.fixture, {
        contract: tc.contract,
        includeUsage: tc.includeUsage,
        maxTokens: tc.maxTokens,
      });
      pipeline()(r);
      const f = r.findings;
      const got = f.items.map((i) => `${i.level}:${i.kind}:${i.path}`);
      expect(f.verdict, `verdict; findings ${got.join(', ')}`).to.equal(tc.verdict);
      expect(f.errorClass, 'class').to.equal(tc.errorClass);
      if (tc.subReason) expect(f.subReason, 'sub-reason').to.equal(tc.subReason);
      if (tc.retryable !== undefined) expect(f.retryable, 'retryable').to.equal(tc.retryable);
      if (tc.retryAfterMs !== undefined) expect(f.retryAfterMs, 'retryAfterMs').to.equal(tc.retryAfterMs);
      for (const want of tc.findings ?? []) expect(got, 'findings').to.include(want);
      if (tc.verdict === 'ok')
        expect(f.items.filter((i) => i.level === 'violation' || i.level === 'drift')).to.deep.equal([]);
      // redaction: bodies and chunks gone, counted; no text from the body anywhere on the record
      expect(r.response.body).to.equal(undefined);
      expect(r.response.stream?.chunks).to.equal(undefined);
      expect(f.redactions?.body ?? f.redactions?.stream_chunks ?? 0).to.be.greaterThan(0);
      const serialized = JSON.stringify(r);
      for (const t of bodyTexts(tc.fixture))
        expect(serialized.includes(t), `body text leaked: ${t.slice(0, 20)}…`).to.equal(false);
      // findings stay bounded
      expect(f.items.length).to.be.at.most(16);
      for (const i of f.items) expect(i.path.length).to.be.at.most(120);
    });
  }

  it('covers every copied fixture', () => {
    const covered = new Set(CASES.map((c) => c.fixture));
    for (const d of ['responses', 'streams', 'errors'])
      for (const f of readdirSync(join(FIXTURES, d)))
        expect(covered.has(`${d}/${f}`), `${d}/${f} has no case`).to.equal(true);
  });

  it('the docs table explains every case', () => {
    const docs = readFileSync(new URL('../docs/contracts.md', import.meta.url), 'utf8');
    for (const c of CASES)
      expect(docs, `docs/contracts.md mentions ${c.fixture}`).to.include(c.fixture.split('/')[1]);
  });
});
