// SPDX-License-Identifier: Apache-2.0
// The shipped pipelines (pipelines/*.yaml) and the demo must not defeat the standard variables:
// a per-signal endpoint alone sends that signal there, OTEL_SDK_DISABLED and
// OTEL_{SIGNAL}_EXPORTER=none switch signals off. Each pipeline's otlp_http block is loaded as a
// user would load it and sends a real batch to a loopback sink.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinRegistry } from '../../components.js';
import { loadServiceConfig } from '../../config/load.js';
import { demoConfigYaml, demoOtlpSignals } from '../../cli/demo-config.js';
import { makeExporter } from '../../testing/otlp-harness.js';
import { nopHost } from '../../testing/nop-host.js';
import { OtlpTestReceiver, requireOtlpProto } from '../../testing/otlp-receiver.js';
import { violationRecord } from '../../testing/signal-records.js';
import { withEnv } from '../../testing/with-env.js';
import { spawnAgent } from '../../../test/helpers/child-agent.js';
import { tmpdir } from 'node:os';
import type { OtlpHttpConfig } from './config.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SHIPPED = readdirSync(join(ROOT, 'pipelines'))
  .filter((f) => f.endsWith('.yaml'))
  .filter((f) => /^\s+otlp_http\b/m.test(readFileSync(join(ROOT, 'pipelines', f), 'utf8')));

/** The otlp_http block of a config as the loader makes it (defaults applied, variables expanded). */
function otlpBlock(source: { file?: string; inline?: string }, env: Record<string, string>): OtlpHttpConfig {
  const cfg = loadServiceConfig({
    files: source.file ? [source.file] : [],
    inline: source.inline ? [['demo', source.inline]] : undefined,
    env: { COMETAPI_API_KEY: 'sk-test-not-a-key', ...env },
    registry: builtinRegistry(),
  });
  const block = cfg.exporters.get('otlp_http');
  expect(block, 'an otlp_http exporter').to.not.equal(undefined);
  return block!.config as OtlpHttpConfig;
}

async function sendOnce(cfg: OtlpHttpConfig, env: Record<string, string>) {
  await withEnv(env, async () => {
    const x = makeExporter({
      ...cfg,
      retry_on_failure: { ...cfg.retry_on_failure, initial_interval: 20, max_elapsed_time: 300 },
    });
    await x.exporter.start(nopHost(x.metrics));
    try {
      await x.consume([violationRecord()]).catch(() => undefined);
      await x.exporter.exportMetrics();
    } finally {
      await x.exporter.shutdown({ deadline: Date.now() + 3000 });
    }
  });
}

describe('shipped pipelines and the demo honour the OTEL_* variables', function () {
  this.timeout(30_000);
  let rx: OtlpTestReceiver;
  before(function () {
    requireOtlpProto(this);
  });
  beforeEach(async () => {
    rx = new OtlpTestReceiver();
    await rx.start();
  });
  afterEach(() => rx.stop());

  it('finds the shipped pipelines that export over OTLP', () => {
    expect(SHIPPED).to.include.members(['cometapi.yaml', 'demo.yaml']);
  });

  for (const f of SHIPPED) {
    const file = join(ROOT, 'pipelines', f);

    it(`${f}: OTEL_EXPORTER_OTLP_METRICS_ENDPOINT alone sends metrics there; traces and logs can be switched off`, async () => {
      rx.routes.set('/vm/opentelemetry/v1/metrics', 'metrics');
      const env = {
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${rx.url}/vm/opentelemetry/v1/metrics`,
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      };
      await sendOnce(otlpBlock({ file }, env), env);
      expect(rx.requests.map((r) => r.path)).to.include('/vm/opentelemetry/v1/metrics');
      expect(
        rx.requests.every((r) => r.signal === 'metrics'),
        'only metrics were sent',
      ).to.equal(true);
    });

    it(`${f}: OTEL_EXPORTER_OTLP_ENDPOINT and per-signal headers reach the sink`, async () => {
      const env = {
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-logs-tenant=l1',
      };
      await sendOnce(otlpBlock({ file }, env), env);
      expect([...new Set(rx.requests.map((r) => r.signal))].sort()).to.deep.equal([
        'logs',
        'metrics',
        'traces',
      ]);
      expect(rx.of('logs')[0].headers['x-logs-tenant']).to.equal('l1');
      expect(rx.of('traces')[0].headers['x-logs-tenant']).to.equal(undefined);
    });

    it(`${f}: OTEL_SDK_DISABLED=true sends nothing`, async () => {
      const env = { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_SDK_DISABLED: 'true' };
      await sendOnce(otlpBlock({ file }, env), env);
      expect(rx.attempts).to.equal(0);
    });
  }

  for (const command of ['validate', 'run'])
    it(`OTEL_EXPORTER_OTLP_PROTOCOL=grpc: \`${command}\` of pipelines/cometapi.yaml refuses it clearly (exit 2), never "unexpected error"`, async () => {
      const agent = spawnAgent([command, '--config', join(ROOT, 'pipelines/cometapi.yaml')], {
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        COMETAPI_API_KEY: 'sk-test-not-a-key',
        DRIFTWATCH_DATA_DIR: join(tmpdir(), `dw-grpc-${process.pid}`),
      });
      const code = await agent.exited;
      expect(code, agent.stderr()).to.equal(2);
      expect(agent.stderr()).to.match(/exporters::otlp_http::protocol: OTEL_EXPORTER_OTLP_PROTOCOL=grpc/);
      expect(agent.stderr()).to.include('protocol: http/protobuf');
      expect(agent.stderr()).to.not.include('unexpected error');
    });

  it('the demo exports only the signals that have an endpoint, and nothing under OTEL_SDK_DISABLED', async () => {
    expect(demoOtlpSignals({})).to.deep.equal([]);
    expect(demoOtlpSignals({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url })).to.deep.equal([
      'traces',
      'metrics',
      'logs',
    ]);
    expect(demoOtlpSignals({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_SDK_DISABLED: 'TRUE' })).to.deep.equal(
      [],
    );
    expect(
      demoOtlpSignals({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_TRACES_EXPORTER: 'none' }),
    ).to.deep.equal(['metrics', 'logs']);
    expect(demoConfigYaml('http://127.0.0.1:1/v1', { otlp: [] })).to.not.include('otlp_http');

    rx.routes.set('/m', 'metrics');
    const env = { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${rx.url}/m` };
    const signals = demoOtlpSignals(env);
    expect(signals).to.deep.equal(['metrics']);
    const cfg = otlpBlock({ inline: demoConfigYaml('http://127.0.0.1:1/v1', { otlp: signals }) }, env);
    expect([cfg.traces.enabled, cfg.metrics.enabled, cfg.logs.enabled]).to.deep.equal([false, true, false]);
    await sendOnce(cfg, env);
    expect(rx.requests.map((r) => `${r.signal} ${r.path}`)).to.include('metrics /m');
    expect(rx.requests.every((r) => r.signal === 'metrics')).to.equal(true);
  });
});
