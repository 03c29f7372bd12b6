// SPDX-License-Identifier: Apache-2.0
// The Collector's spellings of otlp_http settings, tried as a Collector user would write them:
// `encoding: proto|json`, `sending_queue.storage: file_storage/x` (a persistent queue in the
// extension's directory, surviving a restart), and the proxy (`proxy_url`, HTTPS_PROXY /
// HTTP_PROXY / NO_PROXY) through a real forward proxy on loopback.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRegistry } from '../../components.js';
import { ConfigError } from '../../component/errors.js';
import type { AnyFactory } from '../../component/factory.js';
import { loadServiceConfig } from '../../config/load.js';
import { loadProcessSettings } from '../../config/process-settings.js';
import { Service } from '../../service/service.js';
import { silentLogger } from '../../telemetry/logger.js';
import { SelfMetrics } from '../../telemetry/self-metrics.js';
import { freePort, pollUntil } from '../../testing/backends.js';
import { startConnectProxy } from '../../testing/connect-proxy.js';
import { nopHost } from '../../testing/nop-host.js';
import { fastConfig, makeExporter } from '../../testing/otlp-harness.js';
import { OtlpTestReceiver, requireOtlpProto } from '../../testing/otlp-receiver.js';
import { probeRecord } from '../../testing/signal-records.js';
import { tickerReceiverFactory } from '../../testing/ticker-receiver.js';
import { withEnv } from '../../testing/with-env.js';
import type { OtlpHttpConfig } from './config.js';

describe('otlp_http: the Collector spellings', function () {
  this.timeout(60_000);
  let rx: OtlpTestReceiver;
  before(function () {
    requireOtlpProto(this);
  });
  beforeEach(async () => {
    rx = new OtlpTestReceiver();
    await rx.start();
  });
  afterEach(() => rx.stop());

  async function sendOne(cfg: OtlpHttpConfig, env: Record<string, string> = {}) {
    await withEnv(env, async () => {
      const x = makeExporter(cfg);
      await x.exporter.start(nopHost(x.metrics));
      try {
        await x.consume([probeRecord()]);
      } finally {
        await x.exporter.shutdown({ deadline: Date.now() + 3000 });
      }
    });
  }

  for (const [encoding, type] of [
    ['json', 'application/json'],
    ['proto', 'application/x-protobuf'],
  ] as const)
    it(`encoding: ${encoding} sends ${type}`, async () => {
      await sendOne(fastConfig(rx.url, { encoding }), { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
      expect(rx.of('traces')[0].contentType).to.equal(type);
    });

  it('encoding and protocol that disagree are one validate problem naming the key', () => {
    const yaml = `
receivers: { ticker: {} }
exporters: { otlp_http: { encoding: json, protocol: http/protobuf } }
service: { pipelines: { p: { receivers: [ticker], exporters: [otlp_http] } } }
`;
    const registry = builtinRegistry([tickerReceiverFactory as AnyFactory]);
    let err: unknown;
    try {
      loadServiceConfig({ files: [], inline: [['p.yaml', yaml]], env: {}, registry });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as ConfigError).problems.join('\n')).to.match(/exporters::otlp_http::encoding.*contradicts/);
  });

  it('proxy_url: every request goes through the proxy', async () => {
    const proxy = await startConnectProxy();
    const url = proxy.url;
    try {
      await sendOne(fastConfig(rx.url, { proxy_url: url }));
      expect(rx.of('traces')).to.have.length(1);
      expect(proxy.tunnels).to.include(new URL(rx.url).host);
    } finally {
      await proxy.close();
    }
  });

  it('HTTP_PROXY is used, NO_PROXY bypasses it', async () => {
    const proxy = await startConnectProxy();
    const url = proxy.url;
    try {
      await sendOne(fastConfig(rx.url), { HTTP_PROXY: url });
      expect(proxy.tunnels, 'through the proxy').to.include(new URL(rx.url).host);
      const before = proxy.tunnels.length;
      await sendOne(fastConfig(rx.url), { HTTP_PROXY: url, NO_PROXY: '127.0.0.1' });
      expect(proxy.tunnels.length, 'NO_PROXY: direct').to.equal(before);
      expect(rx.of('traces')).to.have.length(2);
    } finally {
      await proxy.close();
    }
  });

  it('sending_queue.storage: file_storage/q keeps the queue in the extension directory across a restart', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dw-fs-'));
    const storeDir = join(root, 'store');
    const deadPort = await freePort();
    const registry = builtinRegistry([tickerReceiverFactory as AnyFactory]);
    const yaml = (endpoint: string, ticker: string) => `
receivers:
  ticker: ${ticker}
exporters:
  otlp_http:
    endpoint: ${endpoint}
    sending_queue: { storage: file_storage/q }
    retry_on_failure: { initial_interval: 20ms, max_interval: 50ms, max_elapsed_time: 60s }
    metrics: { enabled: false }
extensions:
  file_storage/q: { directory: ${storeDir} }
service:
  extensions: [file_storage/q]
  pipelines:
    p: { receivers: [ticker], exporters: [otlp_http] }
`;
    const run = async (text: string, until: () => Promise<boolean>) => {
      const cfg = loadServiceConfig({ files: [], inline: [['fs.yaml', text]], env: {}, registry });
      const service = new Service({
        registry,
        process: loadProcessSettings({ dataDir: join(root, 'data'), shutdownTimeout: '2s' }, {}),
        logger: silentLogger(),
        metrics: new SelfMetrics(),
      });
      await service.start(cfg);
      try {
        await pollUntil(async () => ((await until()) ? true : undefined), 30_000, 'the queue');
      } finally {
        await service.shutdown(2000);
      }
    };
    const queue = join(storeDir, 'exporter_otlp_http', 'queue');
    const queued = () =>
      existsSync(queue) ? readdirSync(queue).filter((n) => n.endsWith('.otlp')).length : 0;
    try {
      // backend down: acknowledged batches wait on disk in the extension's directory
      await run(
        yaml(`http://127.0.0.1:${deadPort}`, '{ interval_ms: 20, batch: 1 }'),
        async () => queued() >= 3,
      );
      const waiting = queued();
      expect(waiting).to.be.at.least(3);
      expect(
        existsSync(join(root, 'data', 'exporter-otlp_http', 'queue')),
        'not under the data dir',
      ).to.equal(false);
      // restart against a live backend, no new records: the queue drains
      await run(yaml(rx.url, '{ interval_ms: 3600000, batch: 1 }'), async () => queued() === 0);
      expect(rx.spans().length).to.be.at.least(waiting);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('storage naming an extension that is not configured or not listed is a validate problem', () => {
    const registry = builtinRegistry([tickerReceiverFactory as AnyFactory]);
    const base = `
receivers: { ticker: {} }
exporters: { otlp_http: { sending_queue: { storage: file_storage/q } } }
`;
    for (const [tail, want] of [
      [
        'service: { pipelines: { p: { receivers: [ticker], exporters: [otlp_http] } } }',
        /not configured under extensions/,
      ],
      [
        'extensions: { file_storage/q: {} }\nservice: { pipelines: { p: { receivers: [ticker], exporters: [otlp_http] } } }',
        /not listed in service.extensions/,
      ],
    ] as const) {
      let err: unknown;
      try {
        loadServiceConfig({ files: [], inline: [['s.yaml', base + tail]], env: {}, registry });
      } catch (e) {
        err = e;
      }
      expect((err as ConfigError).problems.join('\n')).to.match(want);
      expect((err as ConfigError).problems.join('\n')).to.include(
        'exporters::otlp_http::sending_queue::storage',
      );
    }
  });
});
