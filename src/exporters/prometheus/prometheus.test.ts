// SPDX-License-Identifier: Apache-2.0
// The prometheus pull endpoint: its page (names, cumulative buckets, escaping), the export
// guard, and a real Prometheus 3.x scraping it on loopback.
import { expect } from 'chai';
import { newContext } from '../../component/consumer.js';
import { ALL_METRICS, prometheusName } from '../../signals/names.js';
import { BACKENDS_HINT, pollUntil, Prometheus, PROMETHEUS } from '../../testing/backends.js';
import { nopHost, testSettings } from '../../testing/nop-host.js';
import { probeRecord, rateLimitedRecord, violationRecord } from '../../testing/signal-records.js';
import { requireTool } from '../../testing/system-tool.js';
import { SelfMetrics } from '../../telemetry/self-metrics.js';
import { prometheusExporterFactory } from './index.js';
import type { PrometheusConfig } from './config.js';
import type { PrometheusExporter } from './prometheus-exporter.js';

const SECRET = 'sk-live-0123456789abcdef';

async function startExporter(sensitive: string[] = [], extra: Partial<PrometheusConfig> = {}) {
  const metrics = new SelfMetrics();
  const e = prometheusExporterFactory.create(testSettings('exporter', 'prometheus', { metrics, sensitive }), {
    ...prometheusExporterFactory.createDefaultConfig(),
    endpoint: '127.0.0.1:0',
    ...extra,
  }) as PrometheusExporter;
  await e.start(nopHost(metrics));
  return { e, metrics, url: `http://127.0.0.1:${e.address()!.port}/metrics` };
}

// create() needs the implementation imported first (Graph.build does it for pipelines)
before(async () => prometheusExporterFactory.load?.());

describe('prometheus exporter', () => {
  it('serves the documented names with cumulative buckets and escaped labels', async () => {
    const { e, url } = await startExporter();
    try {
      const odd = probeRecord({ model: 'we"ird\\model' });
      await e.consume(
        [probeRecord(), probeRecord(), odd, violationRecord(), rateLimitedRecord()],
        newContext(),
      );
      const res = await fetch(url);
      expect(res.headers.get('content-type')).to.contain('text/plain; version=0.0.4');
      const page = await res.text();
      expect(page).to.match(/^# TYPE llm_request_total counter$/m);
      expect(page).to.match(/^# TYPE llm_latency_seconds histogram$/m);
      expect(page).to.match(/^# TYPE gen_ai_client_operation_duration_seconds histogram$/m);
      expect(page).to.contain('model="we\\"ird\\\\model"');
      const total = [...page.matchAll(/^llm_request_total\{[^}]*\} (\d+)$/gm)].reduce(
        (s, m) => s + Number(m[1]),
        0,
      );
      expect(total).to.equal(5);
      const sample = (name: string, ...must: string[]): string | undefined =>
        page
          .split('\n')
          .find((l) => l.startsWith(`${name}{`) && must.every((m) => l.includes(m)))
          ?.split(' ')
          .pop();
      expect(sample('llm_latency_seconds_bucket', 'model="gpt-4o-mini"', 'le="+Inf"')).to.equal('4');
      expect(
        sample('llm_latency_seconds_bucket', 'model="gpt-4o-mini"', 'le="0.1"'),
        'only the 41 ms call',
      ).to.equal('1');
      expect(sample('llm_latency_seconds_count', 'model="gpt-4o-mini"')).to.equal('4');
      for (const m of page.matchAll(/^# TYPE (\S+) /gm)) {
        if (m[1] === 'target_info') continue;
        expect(ALL_METRICS.map(prometheusName), 'every served family is documented').to.include(m[1]);
      }
      expect((await fetch(url.replace('/metrics', '/other'))).status).to.equal(404);
    } finally {
      await e.shutdown({ deadline: Date.now() + 5000 });
    }
  });

  it('puts the resource on target_info, and on every series when resource_to_telemetry_conversion asks', async () => {
    const plain = await startExporter();
    const copied = await startExporter([], { resource_to_telemetry_conversion: { enabled: true } });
    try {
      for (const { e } of [plain, copied]) await e.consume([probeRecord()], newContext());
      const a = await plain.e.render();
      expect(a).to.match(/^target_info\{[^}]*service_name="driftwatch"[^}]*\} 1$/m);
      expect(a).to.match(/^llm_request_total\{provider="cometapi",[^}]*\} 1$/m);
      expect(a).to.not.match(/^llm_request_total\{[^}]*service_name=/m);
      const b = await copied.e.render();
      expect(b).to.match(/^llm_request_total\{[^}]*service_name="driftwatch"[^}]*\} 1$/m);
      expect(b).to.match(
        /^llm_latency_seconds_bucket\{[^}]*service_instance_id="[^"]+"[^}]*le="\+Inf"\} 1$/m,
      );
    } finally {
      await plain.e.shutdown({ deadline: Date.now() + 5000 });
      await copied.e.shutdown({ deadline: Date.now() + 5000 });
    }
  });

  it('withholds a page holding a secret and counts it', async () => {
    const { e, url, metrics } = await startExporter([SECRET]);
    try {
      await e.consume([probeRecord({ model: SECRET })], newContext());
      const res = await fetch(url);
      expect(res.status).to.equal(500);
      expect(await res.text()).to.not.contain(SECRET);
      expect(
        metrics.sum('driftwatch_component_dropped_records_total', { reason: 'sensitive_value' }),
      ).to.equal(1);
    } finally {
      await e.shutdown({ deadline: Date.now() + 5000 });
    }
  });

  it('says clearly when the port is taken', async () => {
    const { e } = await startExporter();
    const port = e.address()!.port;
    const other = prometheusExporterFactory.create(testSettings('exporter', 'prometheus/2'), {
      ...prometheusExporterFactory.createDefaultConfig(),
      endpoint: `127.0.0.1:${port}`,
    });
    try {
      let err: unknown;
      await other.start(nopHost()).catch((x: unknown) => (err = x));
      expect(String(err)).to.contain('already in use');
    } finally {
      await other.shutdown({ deadline: Date.now() + 1000 });
      await e.shutdown({ deadline: Date.now() + 1000 });
    }
  });
});

describe('prometheus exporter scraped by a real Prometheus', function () {
  this.timeout(90_000);
  let prom: Prometheus | undefined;
  let bin: string;
  before(function () {
    bin = requireTool(this, 'prometheus', PROMETHEUS, BACKENDS_HINT);
  });
  after(async () => prom?.destroy());

  it('shows the series and values in its query API', async () => {
    const { e } = await startExporter();
    try {
      await e.consume([probeRecord(), probeRecord(), violationRecord(), rateLimitedRecord()], newContext());
      prom = new Prometheus(bin, `127.0.0.1:${e.address()!.port}`);
      await prom.start();
      const p = prom;
      await pollUntil(
        async () => ((await p.sum('llm_request_total')) === 4 ? true : undefined),
        60_000,
        'llm_request_total = 4',
      );
      expect(await p.sum('llm_response_schema_invalid_total')).to.equal(1);
      expect(await p.sum('llm_latency_seconds_count')).to.equal(4);
      expect(await p.sum('llm_error_total{error_class="rate_limit",status_code="429"}')).to.equal(1);
      expect(
        await p.sum('gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name="chat"}'),
      ).to.equal(4);
      expect(await p.sum('up{job="driftwatch"}')).to.equal(1);
      // Prometheus 3 asks for OpenMetrics first: the page it parsed was the OpenMetrics one
      expect(await p.sum('target_info{service_name="driftwatch"}')).to.equal(1);
    } finally {
      await e.shutdown({ deadline: Date.now() + 5000 });
    }
  });
});
