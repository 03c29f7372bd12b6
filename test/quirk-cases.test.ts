// SPDX-License-Identifier: Apache-2.0
// Every quirk class a careful reviewer judges, served by the built-in simulator over loopback
// and judged with the same validate + classify code the agent runs: verdict, class, owner and
// retry. docs/contracts.md#quirk-classes is the same table; the last test keeps the two equal.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { buildCheckRecord } from '../src/cli/check-response.js';
import { consumerFromFn } from '../src/component/consumer.js';
import type { CallRecord } from '../src/model/call-record.js';
import { ClassifyProcessor } from '../src/processors/classify/classify-processor.js';
import { classifyProcessorFactory } from '../src/processors/classify/index.js';
import { validateProcessorFactory } from '../src/processors/validate/index.js';
import { ValidateProcessor } from '../src/processors/validate/validate-processor.js';
import { Connections } from '../src/receivers/probe/connection.js';
import { runAttempt } from '../src/receivers/probe/http-attempt.js';
import { allowListHeaders } from '../src/http-call/response-headers.js';
import { parseScenario } from '../src/simulator/scenario.js';
import { ProviderSimulator } from '../src/simulator/server.js';
import { testSettings } from '../src/testing/nop-host.js';

const C = (p: string) => `config/contracts/${p}-chat-completions.yaml`;

interface QuirkCase {
  case: string;
  /** Simulator mode (X-Simulator-Mode). */
  mode: string;
  stream?: boolean;
  contract: string;
  /** Judge the same answer this many times on one target; the row is about the last one. */
  repeat?: number;
  verdict: 'ok' | 'drift' | 'violation';
  errorClass?: string;
  owner?: string;
  retry?: boolean;
  /** A finding `level:kind:path` the last record must carry. */
  finding?: string;
  why: string;
}

export const QUIRKS: QuirkCase[] = [
  {
    case: '2xx stream with an `invalid_request_error` event',
    mode: 'stream_error_invalid_request',
    stream: true,
    contract: 'openai',
    verdict: 'violation',
    errorClass: 'bad_request',
    owner: 'application team',
    retry: false,
    why: 'the event says the request was wrong: the envelope decides before the 200',
  },
  {
    case: '2xx stream with a `rate_limit_exceeded` event',
    mode: 'stream_error_rate_limit',
    stream: true,
    contract: 'openai',
    verdict: 'violation',
    errorClass: 'rate_limit',
    owner: 'platform / capacity',
    retry: true,
    why: 'a rate limit mid-stream is capacity, retried after backing off',
  },
  {
    case: '500 for a client error (llama.cpp: `n > 1`)',
    mode: 'error_500_bad_request',
    contract: 'llamacpp',
    verdict: 'ok',
    errorClass: 'bad_request',
    owner: 'application team',
    retry: false,
    why: "llama-server's documented 500 for a request it cannot serve; the profile's message rule makes it a client error",
  },
  {
    case: '500 for a client error, without a profile',
    mode: 'error_500_bad_request',
    contract: 'openai',
    verdict: 'drift',
    errorClass: 'upstream',
    owner: 'platform / SRE',
    retry: true,
    why: 'nothing says otherwise: a 500 server_error is the server failing (use the llamacpp profile for llama-server)',
  },
  {
    case: 'CometAPI 500 + `code: invalid_request`',
    mode: 'error_500_invalid_request',
    contract: 'cometapi',
    verdict: 'ok',
    errorClass: 'bad_request',
    owner: 'application team',
    retry: false,
    why: 'the CometAPI contract rule (data, not code) wins over "500 is retryable"',
  },
  {
    case: '200 whose body is an error envelope (`server_error`, `overloaded`)',
    mode: 'error_200_envelope',
    contract: 'openai',
    verdict: 'violation',
    finding: 'violation:unexpected:error',
    errorClass: 'upstream',
    owner: 'platform / SRE',
    retry: true,
    why: 'a 200 that is not a completion breaks the contract, but class and retry come from the error it carries (not `schema`, not missing choices); overloaded is retried',
  },
  {
    case: 'a server that never sends `refusal`, first call',
    mode: 'missing_refusal',
    contract: 'openai',
    verdict: 'drift',
    finding: 'drift:missing:choices[].message.refusal',
    why: 'a new deviation on this target: one drift event, logged once',
  },
  {
    case: 'a server that never sends `refusal`, later calls',
    mode: 'missing_refusal',
    contract: 'openai',
    repeat: 3,
    verdict: 'ok',
    finding: 'warning:missing:choices[].message.refusal',
    why: 'known drift: in the gauge of current deviations, not an event per call',
  },
  {
    case: 'a server that never sends `refusal`, with a profile that accepts it',
    mode: 'missing_refusal',
    contract: 'vllm',
    verdict: 'ok',
    finding: 'info:missing:choices[].message.refusal',
    why: "the profile's `accepted` entry (reason, review date) stops it counting",
  },
  {
    case: 'an unknown extra field (`provider_routing`)',
    mode: 'new_field',
    contract: 'openai',
    verdict: 'drift',
    finding: 'drift:unexpected:provider_routing',
    why: 'outside the contract: drift on the first call, no learned shape needed',
  },
  {
    case: 'an interim `100 Continue` before the answer',
    mode: 'continue_100',
    contract: 'openai',
    verdict: 'ok',
    why: 'legal per RFC 9110; the probe reads the final answer, not a connection reset',
  },
];

export function quirkRow(q: QuirkCase): string {
  const retry = q.retry === undefined ? '–' : q.retry ? 'yes' : 'no';
  return `| ${q.case} | ${q.contract} | ${q.verdict} | ${q.errorClass ?? '–'} | ${q.owner ?? '–'} | ${retry} | ${q.why} |`;
}

function judges(contract: string) {
  const noop = consumerFromFn(async () => {});
  const vc = validateProcessorFactory.createDefaultConfig();
  const v = new ValidateProcessor(
    testSettings('processor', 'validate'),
    { ...vc, contract, shapes: { ...vc.shapes, persist: false } },
    noop,
  );
  const c = new ClassifyProcessor(
    testSettings('processor', 'classify'),
    { ...classifyProcessorFactory.createDefaultConfig(), contract },
    noop,
  );
  return (r: CallRecord) => {
    v.process([r]);
    c.process([r]);
  };
}

describe('quirk classes against the simulator: verdict, class, owner, retry', function () {
  this.timeout(30_000);
  let sim: ProviderSimulator;
  let base: string;
  before(async () => {
    sim = new ProviderSimulator(
      parseScenario({ latency: { ttfb: { value: 0 }, first_token: { value: 0 }, chunk_gap: { value: 0 } } }),
    );
    base = await sim.start();
  });
  after(async () => sim?.stop());

  for (const q of QUIRKS) {
    it(`${q.case} [${q.contract}] → ${q.verdict}${q.errorClass ? ` / ${q.errorClass}` : ''}`, async () => {
      const judge = judges(C(q.contract));
      const body = {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'ping' }],
        stream: q.stream === true,
      };
      let r: CallRecord | undefined;
      for (let i = 0; i < (q.repeat ?? 1); i++) {
        if (q.mode === 'continue_100') {
          // through the probe's own HTTP client: the 100 must not read as a reset
          const url = new URL(`${base}/chat/completions`);
          const conns = new Connections({
            origin: url,
            connectTimeoutMs: 2000,
            keepAlive: false,
            proxy: '',
            env: {},
            dnsServers: [],
          });
          const lease = conns.lease('chat');
          const a = await runAttempt(
            {
              url,
              headers: { 'content-type': 'application/json', 'x-simulator-mode': q.mode },
              body: JSON.stringify(body),
              stream: false,
              deadlineMs: 5000,
              idleMs: 5000,
              maxBodyBytes: 1 << 20,
              maxChunks: 100,
            },
            lease,
          );
          await lease.release();
          await conns.close();
          expect(a.transportError, JSON.stringify(a.transportError)).to.equal(undefined);
          expect(a.response.status).to.equal(200);
          r = buildCheckRecord(JSON.stringify(a.response.body), {
            status: a.response.status!,
            headers: a.response.headers,
            contract: C(q.contract),
          });
        } else {
          const res = await request(`${base}/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-simulator-mode': q.mode },
            body: JSON.stringify(body),
          });
          const text = await res.body.text();
          r = buildCheckRecord(text, {
            status: res.statusCode,
            headers: allowListHeaders(res.headers),
            contract: C(q.contract),
          });
        }
        r.target = { ...r.target!, provider: q.contract, serverAddress: '127.0.0.1' };
        judge(r);
      }
      const f = r!.findings;
      const got = f.items.map((i) => `${i.level}:${i.kind}:${i.path}`);
      expect(f.verdict ?? 'ok', `verdict; findings ${got.join(', ')}`).to.equal(q.verdict);
      expect(f.errorClass, 'class').to.equal(q.errorClass);
      if (q.owner) expect(f.owner, 'owner').to.equal(q.owner);
      if (q.retry !== undefined) expect(f.retryable, 'retry').to.equal(q.retry);
      if (q.finding) expect(got, 'findings').to.include(q.finding);
    });
  }

  it('docs/contracts.md tables every quirk class with the same verdict, class, owner, retry and why', () => {
    const docs = readFileSync('docs/contracts.md', 'utf8');
    for (const q of QUIRKS) expect(docs, q.case).to.include(quirkRow(q));
  });
});
