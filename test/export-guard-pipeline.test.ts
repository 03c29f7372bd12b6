// SPDX-License-Identifier: Apache-2.0
// The export guard end to end: a canary API key and a canary prompt, carried by every field a
// receiver could put them in, go through a real Service (receiver → validate → classify →
// redact → debug + sink) and never reach any exporter's bytes. Without redact, the debug
// exporter's own guard drops the payload (fail closed) and counts it.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Component, CreateSettings, Host } from '../src/component/component.js';
import type { Consumer } from '../src/component/consumer.js';
import { newContext } from '../src/component/consumer.js';
import type { AnyFactory, ExporterFactory, ReceiverFactory } from '../src/component/factory.js';
import { loadServiceConfig } from '../src/config/load.js';
import { loadProcessSettings } from '../src/config/process-settings.js';
import { DebugExporter } from '../src/exporters/debug/debug-exporter.js';
import { debugExporterFactory } from '../src/exporters/debug/index.js';
import type { DebugConfig } from '../src/exporters/debug/config.js';
import { newCallRecord } from '../src/model/call-record.js';
import type { CallRecord } from '../src/model/call-record.js';
import { Registry } from '../src/pipeline/registry.js';
import { classifyProcessorFactory } from '../src/processors/classify/index.js';
import { redactProcessorFactory } from '../src/processors/redact/index.js';
import { validateProcessorFactory } from '../src/processors/validate/index.js';
import { Service } from '../src/service/service.js';
import { silentLogger } from '../src/telemetry/logger.js';
import { SelfMetrics } from '../src/telemetry/self-metrics.js';
import { sinkExporterFactory } from '../src/testing/sink.js';
import { ExportGuard } from '../src/util/export-guard.js';
import { waitFor } from './helpers/child-agent.js';

const KEY = 'sk-canary-7Qm2Zx9Lp4Rt8Vw1Yb6Nc3';
const PROMPT = 'Canary prompt: the owl flies at midnight over Lake 4471.';

/** A ticker-like receiver that puts the canaries everywhere a real receiver might. */
interface CanaryConfig {
  api_key: string;
  prompt: string;
  interval_ms: number;
}
class CanaryReceiver implements Component {
  private timer?: NodeJS.Timeout;
  private inflight = new Set<Promise<void>>();
  constructor(
    private readonly s: CreateSettings,
    private readonly c: CanaryConfig,
    private readonly next: Consumer,
  ) {}
  async start(_h: Host): Promise<void> {
    this.timer = setInterval(() => {
      const p = this.next
        .consume([this.record(200), this.record(401), this.record(200, true)], newContext())
        .catch(() => undefined);
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    }, this.c.interval_ms);
  }
  private record(status: number, stream = false): CallRecord {
    const r = newCallRecord(
      'probe',
      this.s.id,
      { provider: 'openai', endpoint: '/v1/chat/completions' },
      {
        method: 'POST',
        route: '/v1/chat/completions',
        model: 'gpt-4o-mini',
        stream,
        synthetic: true,
        probe: 'canary',
        requestBody: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: this.c.prompt }] },
      },
    );
    r.response.status = status;
    r.response.headers = {
      authorization: `Bearer ${this.c.api_key}`,
      'x-request-id': `req-${this.c.api_key}`,
    };
    r.response.requestId = `req-${this.c.api_key}`;
    r.response.contentText = `You said: ${this.c.prompt}`;
    r.transportError = undefined;
    r.extra = { basic: Buffer.from(`user:${this.c.api_key}`).toString('base64'), echo: this.c.prompt };
    if (stream) {
      r.response.parse = 'sse';
      const chunk = (content: string, finish: string | null) => ({
        id: 'c1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [{ index: 0, delta: { content }, finish_reason: finish }],
      });
      r.response.stream = {
        events: 3,
        dataChunks: 2,
        comments: 0,
        sawDone: true,
        anomalies: [],
        chunks: [chunk(this.c.prompt, null), chunk('', 'stop')],
      };
    } else {
      r.response.parse = 'json';
      r.response.body =
        status === 200
          ? {
              id: 'c1',
              object: 'chat.completion',
              created: 1,
              model: 'gpt-4o-mini',
              choices: [
                {
                  index: 0,
                  message: { role: 'assistant', content: `Echo ${this.c.prompt}`, refusal: null },
                  finish_reason: 'stop',
                },
              ],
              usage: { prompt_tokens: 9, completion_tokens: 9, total_tokens: 18 },
            }
          : {
              error: {
                message: `Incorrect API key provided: ${this.c.api_key}`,
                type: 'invalid_request_error',
                param: null,
                code: 'invalid_api_key',
              },
            };
    }
    return r;
  }
  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inflight]);
  }
}
const canaryFactory: ReceiverFactory<CanaryConfig> = {
  type: 'canary',
  kind: 'receiver',
  stability: 'development',
  description: 'Test double: records carrying a canary key and prompt.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      api_key: { type: 'string', 'x-secret': true },
      prompt: { type: 'string' },
      interval_ms: { type: 'integer', default: 20 },
    },
  },
  createDefaultConfig: () => ({ api_key: '', prompt: '', interval_ms: 20 }),
  create: (s, c, next) => new CanaryReceiver(s, c, next),
};

function yaml(processors: string[]): string {
  return `
receivers:
  canary:
    api_key: ${KEY}
    prompt: "${PROMPT}"
processors:
  validate: {}
  classify: {}
  redact: {}
exporters:
  debug: { verbosity: detailed }
  sink: {}
service:
  pipelines:
    contract:
      receivers: [canary]
      processors: [${processors.join(', ')}]
      exporters: [debug, sink]
`;
}

describe('export guard: canaries never reach an exporter', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dw-guard-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function run(processors: string[]) {
    const lines: string[] = [];
    const captureDebug: ExporterFactory<DebugConfig> = {
      ...debugExporterFactory,
      create: (s, c) => new DebugExporter(s, c, (line) => lines.push(line)),
    };
    const sinks = sinkExporterFactory();
    const registry = new Registry([
      canaryFactory as AnyFactory,
      validateProcessorFactory as AnyFactory,
      classifyProcessorFactory as AnyFactory,
      redactProcessorFactory as AnyFactory,
      captureDebug as AnyFactory,
      sinks as AnyFactory,
    ]);
    const cfg = loadServiceConfig({
      files: [],
      inline: [['guard.yaml', yaml(processors)]],
      registry,
      env: {},
    });
    expect(cfg.sensitive, 'the loader collects the key and the prompt').to.include.members([KEY, PROMPT]);
    const metrics = new SelfMetrics();
    const service = new Service({
      registry,
      process: loadProcessSettings({ dataDir: dir }, {}),
      logger: silentLogger(),
      metrics,
    });
    await service.start(cfg);
    try {
      await waitFor('6 records at the sink', () => (sinks.instances.get('sink')?.records.length ?? 0) >= 6);
    } finally {
      await service.shutdown(5000);
    }
    return { lines, sink: sinks.instances.get('sink')!, metrics };
  }

  it('with validate → classify → redact: no exporter sees the key or the prompt, in any form', async () => {
    const { lines, sink } = await run(['validate', 'classify', 'redact']);
    expect(lines.length, 'debug wrote lines').to.be.greaterThan(0);
    const debugBytes = lines.join('\n');
    const sinkBytes = JSON.stringify(sink.records);
    // checked with the guard's own matcher: raw, JSON-escaped, URL-encoded and base64 forms
    const guard = new ExportGuard([KEY, PROMPT, 'owl flies at midnight']);
    const wrapped = JSON.stringify({ x: Buffer.from(`user:${KEY}`).toString('base64') });
    expect(guard.allows(wrapped), 'self-check: base64-wrapped key is seen').to.equal(false);
    expect(guard.allows(debugBytes), 'debug bytes').to.equal(true);
    expect(guard.allows(sinkBytes), 'sink bytes').to.equal(true);
    // the records were judged and classified, not just emptied
    expect(sink.records.some((r) => r.findings.errorClass === 'auth')).to.equal(true);
    expect(sink.records.some((r) => r.findings.verdict === 'ok')).to.equal(true);
    expect(sink.records.every((r) => (r.findings.redactions?.secret ?? 0) > 0)).to.equal(true);
    expect(debugBytes).to.include('[REDACTED:secret]');
  });

  it('without redact the debug exporter guard drops the payload (fail closed) and counts the drop', async () => {
    const { lines, metrics } = await run(['validate', 'classify']);
    expect(lines.join('\n').includes(KEY)).to.equal(false);
    expect(lines, 'every payload held the canary, so nothing was written').to.deep.equal([]);
    expect(
      metrics.sum('driftwatch_component_dropped_records_total', { reason: 'export_guard' }),
    ).to.be.greaterThan(0);
  });
});
