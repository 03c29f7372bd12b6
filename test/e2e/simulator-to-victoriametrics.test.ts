// SPDX-License-Identifier: Apache-2.0
// End to end with real parts only: the agent (a child process running the real CLI) probes the
// provider simulator over loopback, judges the calls, and exports OTLP/HTTP metrics to a real
// VictoriaMetrics. The stored counters must match the simulator's own tally of what it served.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderSimulator } from '../../src/simulator/server.js';
import { parseScenario } from '../../src/simulator/scenario.js';
import { BACKENDS_HINT, pollUntil, VICTORIA_METRICS, VictoriaMetrics } from '../../src/testing/backends.js';
import { requireTool } from '../../src/testing/system-tool.js';
import { freePort, getJson, spawnAgent, waitFor } from '../helpers/child-agent.js';

describe('e2e: probes of the simulator → otlp_http → VictoriaMetrics', function () {
  this.timeout(180_000);
  let vm: VictoriaMetrics;
  before(async function () {
    const bin = requireTool(this, 'victoria-metrics', VICTORIA_METRICS, BACKENDS_HINT);
    vm = new VictoriaMetrics(bin);
    await vm.start();
  });
  after(async () => vm?.destroy());

  it('stores llm_request_total and error counts equal to what the simulator served', async () => {
    const sim = new ProviderSimulator(
      parseScenario({
        name: 'e2e',
        seed: 7,
        models: ['gpt-4o-mini'],
        latency: {
          ttfb: { dist: 'fixed', value: '5ms' },
          first_token: { dist: 'fixed', value: '5ms' },
          chunk_gap: { dist: 'fixed', value: '1ms' },
        },
        errors: [{ mode: 'error_429', rate: 0.2 }],
      }),
    );
    const baseUrl = await sim.start();
    const dir = mkdtempSync(join(tmpdir(), 'dw-e2e-vm-'));
    const port = await freePort();
    const cfg = join(dir, 'agent.yaml');
    writeFileSync(
      cfg,
      `
receivers:
  probe/sim:
    base_url: ${baseUrl}
    provider: simulator
    model: gpt-4o-mini
    environment: test
    start_jitter: false
    budget: { daily_tokens: 0, daily_requests: 0 }
    probes:
      - { name: chat, kind: chat, interval: 300ms }
      - { name: stream, kind: chat_stream, interval: 300ms }
processors:
  validate: {}
  classify: {}
  redact: {}
exporters:
  otlp_http:
    metrics_endpoint: ${vm.otlpMetricsUrl}
    metrics: { export_interval: 1s }
    traces: { enabled: false }
    logs: { enabled: false }
    resource_attributes: { service.namespace: e2e-sim }
extensions:
  health_check: { endpoint: 127.0.0.1:${port} }
service:
  extensions: [health_check]
  pipelines:
    contract: { receivers: [probe/sim], processors: [validate, classify, redact], exporters: [otlp_http] }
`,
    );
    const agent = spawnAgent(['run', '--config', cfg, '--data-dir', join(dir, 'data')]);
    try {
      await waitFor(
        'healthz 200',
        async () => (await getJson(`http://127.0.0.1:${port}/healthz`)).status === 200,
        30_000,
      );
      await waitFor(
        'the simulator to serve 40 probes',
        () => [...sim.served.values()].reduce((a, b) => a + b, 0) >= 40,
        60_000,
      );
    } finally {
      agent.proc.kill('SIGTERM');
    }
    expect(await agent.exited, agent.stderr().slice(-2000)).to.equal(0);
    await sim.stop();
    const served = [...sim.served.values()].reduce((a, b) => a + b, 0);
    const rateLimited = sim.served.get('error_429') ?? 0;
    expect(rateLimited, 'the scenario produced 429s').to.be.greaterThan(0);
    const sel = '{service_namespace="e2e-sim"}';
    const stored = await pollUntil(
      async () => {
        const v = await vm.sum(`llm_request_total${sel}`);
        return v === served ? v : undefined;
      },
      30_000,
      'VictoriaMetrics to hold the final count',
    ).catch(async () => vm.sum(`llm_request_total${sel}`));
    expect(stored, 'llm_request_total equals requests served').to.equal(served);
    const errors = await vm.sum(`llm_error_total{service_namespace="e2e-sim",error_class="rate_limit"}`);
    expect(errors, 'rate-limit errors equal 429s served').to.equal(rateLimited);
    const latencyCount = await vm.sum(`llm_latency_seconds_count${sel}`);
    expect(latencyCount).to.be.greaterThan(0);
  });
});
