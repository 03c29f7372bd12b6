// SPDX-License-Identifier: Apache-2.0
// otlp_http against a real OTLP metrics backend: VictoriaMetrics with Prometheus naming. The
// series it stores must carry exactly the Prometheus names of docs/signals.md, with the values
// the records imply; and an outage of the backend must not lose a count.
import { expect } from 'chai';
import { newContext } from '../../component/consumer.js';
import { observeExporter } from '../../pipeline/observed.js';
import { MAX_VALUES_PER_TARGET } from '../../signals/label-bounds.js';
import { ALL_METRICS, CONTRACT, prometheusName } from '../../signals/names.js';
import { VICTORIA_METRICS, BACKENDS_HINT, pollUntil, VictoriaMetrics } from '../../testing/backends.js';
import { nopHost } from '../../testing/nop-host.js';
import { fastConfig, makeExporter } from '../../testing/otlp-harness.js';
import {
  driftRecord,
  eventRecord,
  gatewayRecord,
  probeRecord,
  rateLimitedRecord,
  violationRecord,
} from '../../testing/signal-records.js';
import { requireTool } from '../../testing/system-tool.js';
import { TickerReceiver } from '../../testing/ticker-receiver.js';
import { testSettings } from '../../testing/nop-host.js';
import type { OtlpHttpConfig } from './config.js';

describe('otlp_http → VictoriaMetrics (real OTLP backend)', function () {
  this.timeout(120_000);
  let vm: VictoriaMetrics;
  before(async function () {
    const bin = requireTool(this, 'victoria-metrics', VICTORIA_METRICS, BACKENDS_HINT);
    vm = new VictoriaMetrics(bin);
    await vm.start();
  });
  after(async () => vm?.destroy());

  function vmConfig(over: Partial<OtlpHttpConfig> = {}): OtlpHttpConfig {
    const d = fastConfig('http://unused.invalid');
    return {
      ...d,
      metrics_endpoint: vm.otlpMetricsUrl,
      traces: { ...d.traces, enabled: false },
      logs: { enabled: false },
      resource_attributes: { 'service.namespace': 'vm-test' },
      ...over,
    };
  }

  it('stores every emitted metric under its documented Prometheus name, with the right values', async () => {
    const x = makeExporter(vmConfig({ resource_attributes: { 'service.namespace': 'vm-names' } }));
    await x.exporter.start(nopHost(x.metrics));
    try {
      const batch = [
        probeRecord(),
        probeRecord(),
        probeRecord({ stream: true }),
        violationRecord(),
        rateLimitedRecord(),
        driftRecord(),
        eventRecord('probe.budget_exhausted', { probe: 'nonstream' }),
        eventRecord('docs.changed'),
        gatewayRecord(),
      ];
      batch[0].transportError = { code: 'timeout', phase: 'body' };
      batch[1].retry = { attempts: 2, addedMs: 300, succeededAfterFailure: true };
      batch[3].findings.requestSchemaValid = false;
      batch[4].response.headers = { 'retry-after': '1' };
      // the 429 answered a deliberate invalid_request probe: an inconclusive run, counted held
      batch[4].findings.expectation = {
        kind: 'invalid_request',
        held: true,
        inconclusive: true,
        reason: 'transient_rate_limit',
      };
      batch[3].findings.items.push({ path: 'choices', kind: 'missing', level: 'violation' });
      await x.consume(batch);
      expect(await x.exporter.exportMetrics()).to.equal(true);
      const ns = '{service_namespace="vm-names"}';
      const expected = new Set<string>();
      for (const d of ALL_METRICS) {
        if (d === CONTRACT.attributeOverflow) continue; // needs an overflowing target: checked below
        const n = prometheusName(d);
        expected.add(d.kind === 'histogram' ? `${n}_bucket` : n);
      }
      const stored = await pollUntil(
        async () => {
          const res = await vm.query(
            `count by (__name__) ({__name__=~"llm_.+|gen_ai_.+", service_namespace="vm-names"})`,
          );
          const names = new Set(res.map((r) => r.metric.__name__));
          return names.size >= expected.size ? names : undefined;
        },
        30_000,
        'all series in VictoriaMetrics',
      ).catch(
        async () =>
          new Set(
            (await vm.query(`count by (__name__) ({__name__=~"llm_.+|gen_ai_.+"})`)).map(
              (r) => r.metric.__name__,
            ),
          ),
      );
      const onlyHist = [...stored].filter(
        (n) => !/_(sum|count)$/.test(n) || !stored.has(n.replace(/_(sum|count)$/, '_bucket')),
      );
      const missing = [...expected].filter((n) => !onlyHist.includes(n));
      const extra = onlyHist.filter((n) => !expected.has(n));
      expect({ missing, extra }).to.deep.equal({ missing: [], extra: [] });

      const v = async (q: string) => vm.sum(q);
      expect(await v(`llm_request_total${ns}`)).to.equal(7);
      expect(
        await v(`llm_gateway_upstream_attempts_total{service_namespace="vm-names",outcome="failed"}`),
      ).to.equal(1);
      expect(await v(`llm_response_schema_invalid_total${ns}`)).to.equal(1);
      expect(await v(`llm_response_schema_valid_total${ns}`)).to.equal(4);
      expect(await v(`llm_latency_seconds_count${ns}`)).to.equal(6);
      expect(await v(`llm_request_stream_enabled_total${ns}`)).to.equal(1);
      expect(await v(`llm_client_timeout_total${ns}`)).to.equal(1);
      expect(await v(`llm_retry_success_after_failure_total${ns}`)).to.equal(1);
      expect(
        await v(
          `llm_error_total{service_namespace="vm-names",error_class="rate_limit",status_code="429",retryable="true"}`,
        ),
      ).to.equal(1);
      expect(await v(`llm_probe_budget_exhausted_total${ns}`)).to.equal(1);
      expect(await v(`llm_probe_expectation_total{service_namespace="vm-names",held="true"}`)).to.equal(1);
      // the client retry (batch[1]) and the gateway's second upstream attempt (gatewayRecord)
      expect(await v(`llm_fallback_activation_total${ns}`)).to.equal(2);
      expect(await v(`llm_docs_changed_total${ns}`)).to.equal(1);
      expect(await v(`llm_usage_tokens_total${ns}`), 'llm.usage.total_tokens').to.equal(15 * 4);
      expect(await v(`llm_request_schema_invalid_total${ns}`)).to.equal(1);
      expect(await v(`llm_response_missing_choices_total${ns}`)).to.equal(1);
      expect(await v(`llm_response_missing_field_total{service_namespace="vm-names",path="usage"}`)).to.equal(
        1,
      );
      expect(await v(`llm_drift_events_total{service_namespace="vm-names",kind="new_shape"}`)).to.equal(1);
      expect(await v(`gen_ai_client_operation_duration_seconds_count${ns}`)).to.equal(6);
      expect(
        await v(`gen_ai_client_token_usage_count{service_namespace="vm-names",gen_ai_token_type="input"}`),
      ).to.equal(4);
      expect(await v(`gen_ai_client_operation_time_per_output_chunk_seconds_count${ns}`)).to.equal(3);
      expect(
        await v(`llm_response_ratelimit_headers_total{service_namespace="vm-names",present="true"}`),
      ).to.equal(5);
      expect(
        await v(`llm_response_ratelimit_headers_total{service_namespace="vm-names",present="false"}`),
      ).to.equal(1);
      expect(await v(`llm_tls_certificate_expiry_seconds${ns}`)).to.be.greaterThan(0);
      expect(await v(`llm_latency_seconds_bucket{service_namespace="vm-names",le="0.25"}`)).to.equal(6);
      expect(await v(`llm_latency_seconds_bucket{service_namespace="vm-names",le="0.1"}`)).to.equal(1);

      // a target answering more distinct response models than are kept: one folds into `other`
      const random = Array.from({ length: MAX_VALUES_PER_TARGET + 1 }, (_, i) => {
        const r = probeRecord();
        r.target = { ...r.target, provider: 'vm-bounds' };
        r.response.model = `random-${i}`;
        return r;
      });
      await x.consume(random);
      expect(await x.exporter.exportMetrics()).to.equal(true);
      const overflow = await pollUntil(
        async () =>
          (await v(`llm_attribute_overflow_total{service_namespace="vm-names",provider="vm-bounds"}`)) ||
          undefined,
        30_000,
        'llm_attribute_overflow_total',
      );
      expect(overflow).to.equal(1);
    } finally {
      await x.exporter.shutdown({ deadline: Date.now() + 5000 });
    }
  });

  it('loses no count across a backend outage longer than several export intervals', async () => {
    const d = vmConfig({ resource_attributes: { 'service.namespace': 'vm-outage' } });
    const x = makeExporter({
      ...d,
      metrics: { ...d.metrics, export_interval: 250 },
      retry_on_failure: { ...d.retry_on_failure, max_elapsed_time: 400 },
    });
    const host = nopHost(x.metrics);
    await x.exporter.start(host);
    const ticker = new TickerReceiver(
      testSettings('receiver', 'ticker/outage'),
      { interval_ms: 20, batch: 3, model: 'outage-model' },
      observeExporter(
        x.exporter,
        testSettings('exporter', 'otlp_http/test', { metrics: x.metrics }).telemetry,
      ),
    );
    const heap0 = process.memoryUsage().heapUsed;
    const q = 'llm_request_total{service_namespace="vm-outage"}';
    try {
      await ticker.start(host);
      await pollUntil(async () => ((await vm.sum(q)) ?? 0) > 0 || undefined, 30_000, 'first export');
      await vm.stop();
      const down = Date.now();
      await new Promise((r) => setTimeout(r, 2000)); // 8 export intervals without a backend
      const failedDuring = x.metrics.sum('driftwatch_component_errors_total');
      await vm.start();
      await new Promise((r) => setTimeout(r, 500));
      await ticker.shutdown({ deadline: Date.now() + 5000 });
      expect(Date.now() - down).to.be.greaterThan(2000);
      expect(failedDuring, 'exports failed while the backend was down').to.be.greaterThan(0);
      await x.exporter.exportMetrics();
      const tally = ticker.acked;
      expect(tally).to.equal(ticker.emitted);
      expect(tally).to.be.greaterThan(100);
      await pollUntil(
        async () => ((await vm.sum(q)) === tally ? true : undefined),
        30_000,
        `VictoriaMetrics to show ${tally}`,
      );
      const heapGrowth = process.memoryUsage().heapUsed - heap0;
      expect(heapGrowth, 'heap stayed bounded').to.be.lessThan(64 * 1024 * 1024);
    } finally {
      await ticker.shutdown({ deadline: Date.now() + 1000 });
      await x.exporter.shutdown({ deadline: Date.now() + 5000 });
    }
  });
});

void newContext;
