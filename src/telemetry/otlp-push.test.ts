// SPDX-License-Identifier: Apache-2.0
// service.telemetry: the agent (a real child process) pushes its own metrics and spans over OTLP
// to a loopback receiver that decodes them with Debian's .proto files, beside the /metrics pull;
// grpc is refused by `validate`; OTEL_SDK_DISABLED turns the push off.
/* eslint-disable @typescript-eslint/no-explicit-any -- decoded OTLP is untyped protobufjs output */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnAgent, waitFor } from '../../test/helpers/child-agent.js';
import { attrs, OtlpTestReceiver, requireOtlpProto } from '../testing/otlp-receiver.js';
import { SelfMetrics } from './self-metrics.js';
import { ConfigError } from '../component/errors.js';
import { loadServiceConfig, maskSecrets } from '../config/load.js';
import { testRegistry } from '../testing/test-registry.js';
import { otlpSelfMetricName, SelfMetricsProducer } from './otlp-push.js';

function config(rxUrl: string, protocol = 'http/protobuf'): string {
  return `
receivers:
  ticker/t: { interval_ms: 50, batch: 2 }
exporters:
  sink/s: {}
service:
  telemetry:
    resource: { deployment.environment.name: test }
    metrics:
      readers:
        - periodic:
            interval: 200
            exporter:
              otlp: { protocol: ${protocol}, endpoint: ${rxUrl}/v1/metrics, headers: { x-tenant: self } }
  pipelines:
    p: { receivers: [ticker/t], exporters: [sink/s] }
`;
}

interface Metric {
  name: string;
  sum?: { dataPoints: Array<{ asDouble?: number; attributes: unknown[] }>; isMonotonic?: boolean };
  gauge?: { dataPoints: Array<{ asDouble?: number }> };
}

describe('service.telemetry: the agent pushes its own telemetry over OTLP', function () {
  this.timeout(60_000);
  let dir: string;
  let rx: OtlpTestReceiver;
  before(function () {
    requireOtlpProto(this);
    dir = mkdtempSync(join(tmpdir(), 'dw-telemetry-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    rx = new OtlpTestReceiver();
    await rx.start();
  });
  afterEach(() => rx.stop());

  async function runAgent(
    yaml: string,
    env: NodeJS.ProcessEnv = {},
    settle: (a: ReturnType<typeof spawnAgent>) => boolean,
  ) {
    const file = join(dir, `agent-${Date.now()}.yaml`);
    writeFileSync(file, yaml);
    const agent = spawnAgent(['run', '--config', file, '--data-dir', join(dir, 'data')], env);
    try {
      await waitFor('the agent to start', () => agent.stderr().includes('Driftwatch started'));
      await waitFor('pushed self-telemetry', () => settle(agent) || undefined, 30_000);
    } finally {
      agent.proc.kill('SIGTERM');
      await agent.exited;
    }
    return agent;
  }

  for (const protocol of ['http/protobuf', 'http/json'])
    it(`pushes the self-metrics /metrics shows (${protocol}), with resource, scope and headers`, async () => {
      await runAgent(config(rx.url, protocol), {}, () =>
        rx.of('metrics').some((r) => JSON.stringify(r.body).includes('driftwatch_exporter_sent_records')),
      );
      const req = rx.of('metrics').at(-1)!;
      expect(req.contentType).to.equal(
        protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
      );
      expect(req.headers['x-tenant']).to.equal('self');
      expect(String(req.headers['user-agent'])).to.match(/^driftwatch\/\d/);
      const rm = req.body.resourceMetrics[0];
      const res = attrs(rm.resource.attributes);
      expect(res['service.name']).to.equal('driftwatch');
      expect(res['deployment.environment.name']).to.equal('test');
      expect(res['telemetry.sdk.language']).to.equal('nodejs');
      const scope = rm.scopeMetrics.find((s: { scope: { name: string } }) => s.scope.name === 'driftwatch');
      expect(scope.scope.version).to.match(/^\d+\.\d+\.\d+/);
      const byName = new Map<string, Metric>(scope.metrics.map((m: Metric) => [m.name, m]));
      const sent = byName.get('driftwatch_exporter_sent_records')!;
      expect(sent.sum!.isMonotonic).to.equal(true);
      const total = sent.sum!.dataPoints.reduce((n, dp) => n + Number(dp.asDouble ?? 0), 0);
      expect(total, 'records the sink accepted').to.be.greaterThan(0);
      expect(
        byName.get('driftwatch_process_resident_memory_bytes')?.gauge?.dataPoints[0].asDouble,
      ).to.be.greaterThan(0);
    });

  it('OTEL_SDK_DISABLED=true: nothing is pushed, the agent runs on', async () => {
    let seen: number | undefined;
    // settled one second after the notice: a 200 ms interval would have pushed several times by then
    const agent = await runAgent(config(rx.url), { OTEL_SDK_DISABLED: 'true' }, (a) => {
      if (a.stderr().includes('OTEL_SDK_DISABLED=true')) seen ??= Date.now();
      return seen !== undefined && Date.now() - seen > 1000;
    });
    expect(agent.stderr()).to.include('nothing is pushed');
    expect(rx.attempts).to.equal(0);
  });

  it('an empty exporter block takes the endpoint from OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', async () => {
    rx.routes.set('/self/metrics', 'metrics');
    const yaml = config(rx.url).replace(/otlp: \{[^}]*\} \}/, 'otlp: {}');
    expect(yaml).to.include('otlp: {}');
    await runAgent(
      yaml,
      { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${rx.url}/self/metrics` },
      () => rx.of('metrics').length > 0,
    );
    expect(rx.of('metrics')[0].path).to.equal('/self/metrics');
  });

  it("pushes the agent's own spans: one per otlp_http export, to the traces processor's endpoint", async () => {
    rx.routes.set('/self/traces', 'traces');
    const yaml = `
receivers:
  ticker/t: { interval_ms: 100, batch: 2 }
exporters:
  sink/s: {}
  otlp_http: { endpoint: ${rx.url}, metrics: { enabled: false } }
service:
  telemetry:
    traces:
      processors:
        - batch: { schedule_delay: 200, exporter: { otlp: { protocol: http/json, endpoint: ${rx.url}/self/traces } } }
  pipelines:
    p: { receivers: [ticker/t], exporters: [sink/s, otlp_http] }
`;
    const selfSpans = () =>
      rx.requests
        .filter((r) => r.path === '/self/traces')
        .flatMap((r) =>
          r.body.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)),
        );
    await runAgent(yaml, {}, () => selfSpans().length > 0);
    const s = selfSpans()[0];
    expect(s.name).to.equal('otlp_http export traces');
    expect(s.kind).to.equal(3); // CLIENT
    const a = attrs(s.attributes);
    expect(a['driftwatch.exporter']).to.equal('otlp_http');
    expect(a['http.response.status_code']).to.equal(200);
    expect(a['driftwatch.attempts']).to.equal(1);
    expect(
      rx.of('traces').some((r) => r.path === '/v1/traces'),
      'the pipeline spans went to otlp_http',
    ).to.equal(true);
  });

  it('validate refuses grpc for service.telemetry with the fix, never "unexpected error"', async () => {
    const file = join(dir, 'grpc.yaml');
    writeFileSync(file, config(rx.url).replace('protocol: http/protobuf, ', ''));
    const agent = spawnAgent(['validate', '--config', file], { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(await agent.exited).to.equal(2);
    expect(agent.stderr()).to.match(
      /service::telemetry::metrics::readers::0.*OTEL_EXPORTER_OTLP_PROTOCOL=grpc/,
    );
    expect(agent.stderr()).to.not.include('unexpected error');
  });
});

describe('self-metrics as OTLP data', () => {
  it('counters become monotonic sums without _total, gauges stay gauges, empty families are left out', async () => {
    const m = new SelfMetrics();
    m.counter('driftwatch_x_total', 'x').add(3, { a: '1' });
    m.gauge('driftwatch_queue_size', 'q').set(7);
    m.counter('driftwatch_never_total', 'n');
    const { resourceMetrics } = await new SelfMetricsProducer(m).collect();
    const metrics = resourceMetrics.scopeMetrics[0].metrics;
    expect(metrics.map((x) => x.descriptor.name)).to.deep.equal(['driftwatch_x', 'driftwatch_queue_size']);
    expect(metrics[0].dataPoints[0]).to.include({ value: 3 });
    expect(otlpSelfMetricName('driftwatch_process_cpu_seconds_total', 'counter')).to.equal(
      'driftwatch_process_cpu_seconds',
    );
  });
});

describe('service.telemetry configuration', () => {
  const registry = testRegistry().registry;
  const yaml = (headers: string) => `
receivers: { ticker/t: {} }
exporters: { sink/s: {} }
service:
  telemetry:
    metrics: { readers: [ { periodic: { exporter: { otlp: { headers: ${headers} } } } } ] }
  pipelines: { p: { receivers: [ticker/t], exporters: [sink/s] } }
`;
  for (const headers of [
    '{ authorization: "Bearer tel-sekrit-1" }',
    '[ { name: authorization, value: "Bearer tel-sekrit-1" } ]',
  ])
    it(`masks the push headers in print-config and guards them as secrets (${headers.startsWith('[') ? 'list' : 'map'} form)`, () => {
      const cfg = loadServiceConfig({ files: [], inline: [['t.yaml', yaml(headers)]], env: {}, registry });
      expect(cfg.secrets.join(' ')).to.include('tel-sekrit-1');
      const printed = JSON.stringify(maskSecrets(cfg.effective, registry));
      expect(printed).to.not.include('tel-sekrit-1');
      expect(printed).to.include('telemetry');
    });

  it('an unknown key is a problem naming service::telemetry', () => {
    expect(() =>
      loadServiceConfig({
        files: [],
        inline: [['t.yaml', yaml('{}').replace('metrics:', 'metrix: {}\n    metrics:')]],
        env: {},
        registry,
      }),
    ).to.throw(ConfigError);
  });
});
