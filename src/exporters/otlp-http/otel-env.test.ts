// SPDX-License-Identifier: Apache-2.0
// Every OTEL_* variable otlp_http honours, base and per signal, proved against a loopback OTLP
// sink that records path, headers, content type and encoding (HTTPS with a test PKI for the
// certificate variables). Test titles are the variable names: docs/otel-env.md has one row per
// test, and the last suite here keeps the two in step.
import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { nopHost } from '../../testing/nop-host.js';
import { fastConfig, makeExporter } from '../../testing/otlp-harness.js';
import { OtlpTestReceiver, requireOtlpProto } from '../../testing/otlp-receiver.js';
import type { ReceivedRequest } from '../../testing/otlp-receiver.js';
import { probeRecord, violationRecord } from '../../testing/signal-records.js';
import { suitePki } from '../../testing/test-pki.js';
import type { TestPki } from '../../testing/test-pki.js';
import { withEnv } from '../../testing/with-env.js';
import type { OtlpHttpConfig } from './config.js';
import { resolveTransport, transportProblems, USER_AGENT } from './endpoint.js';
import type { Signal } from './endpoint.js';

const SIGNALS: Signal[] = ['traces', 'metrics', 'logs'];

/** Titles of the variable tests, in registration order (the docs table must list exactly these). */
const REGISTERED: string[] = [];
function variable(name: string, fn: (this: Mocha.Context) => Promise<void>): void {
  REGISTERED.push(name);
  it(name, fn);
}
const UPPER: Record<Signal, string> = { traces: 'TRACES', metrics: 'METRICS', logs: 'LOGS' };
/** The exporter with nothing set in the config, so the variables decide. */
const envConfig = (over: Partial<OtlpHttpConfig> = {}): OtlpHttpConfig => ({
  ...fastConfig(''),
  timeout: undefined,
  ...over,
});

/** Sends one span, one log record and the metrics under `env`; returns what was refused. */
async function exportAll(
  env: Record<string, string>,
  cfg: OtlpHttpConfig = envConfig(),
): Promise<{ failed: Signal[] }> {
  return withEnv(env, async () => {
    const x = makeExporter(cfg);
    await x.exporter.start(nopHost(x.metrics));
    const failed: Signal[] = [];
    try {
      await x.consume([violationRecord()]).catch(() => undefined);
      if (!(await x.exporter.exportMetrics())) failed.push('metrics');
      for (const s of ['traces', 'logs'] as const)
        if (x.metrics.sum('driftwatch_exporter_send_failed_items_total', { signal: s }) > 0) failed.push(s);
    } finally {
      await x.exporter.shutdown({ deadline: Date.now() + 5000 });
    }
    return { failed };
  });
}

const one = (rx: OtlpTestReceiver, s: Signal): ReceivedRequest => {
  const r = rx.of(s);
  expect(r, `${s} requests`).to.have.length.greaterThan(0);
  return r[0];
};

describe('OTEL_* variables of otlp_http (loopback sink)', function () {
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

  variable('OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    await exportAll({ OTEL_EXPORTER_OTLP_ENDPOINT: `${rx.url}/base/` });
    for (const s of SIGNALS) {
      const r = one(rx, s);
      expect(r.path).to.equal(`/base/v1/${s}`);
      expect(r.headers['user-agent']).to.equal(USER_AGENT);
      expect(r.contentType).to.equal('application/x-protobuf');
      expect(r.contentEncoding).to.equal('gzip');
    }
  });

  for (const s of SIGNALS)
    variable(`OTEL_EXPORTER_OTLP_${UPPER[s]}_ENDPOINT`, async () => {
      rx.routes.set(`/custom/${s}-in`, s);
      await exportAll({
        OTEL_EXPORTER_OTLP_ENDPOINT: `${rx.url}/base`,
        [`OTEL_EXPORTER_OTLP_${UPPER[s]}_ENDPOINT`]: `${rx.url}/custom/${s}-in`,
      });
      for (const o of SIGNALS)
        expect(one(rx, o).path, o).to.equal(o === s ? `/custom/${s}-in` : `/base/v1/${o}`);
    });

  variable('OTEL_EXPORTER_OTLP_HEADERS', async () => {
    await exportAll({
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=team-a,authorization=Bearer%20t0ken',
    });
    for (const s of SIGNALS) {
      expect(one(rx, s).headers['x-tenant']).to.equal('team-a');
      expect(one(rx, s).headers.authorization).to.equal('Bearer t0ken');
    }
  });

  for (const s of SIGNALS)
    variable(`OTEL_EXPORTER_OTLP_${UPPER[s]}_HEADERS`, async () => {
      await exportAll({
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=team-a,x-base=1',
        [`OTEL_EXPORTER_OTLP_${UPPER[s]}_HEADERS`]: `x-tenant=${s}-team`,
      });
      for (const o of SIGNALS) {
        const h = one(rx, o).headers;
        expect(h['x-tenant'], o).to.equal(o === s ? `${s}-team` : 'team-a');
        expect(h['x-base'], `${o}: generic headers merge under the signal's`).to.equal('1');
      }
    });

  variable('OTEL_EXPORTER_OTLP_TIMEOUT', async () => {
    // One hanging request per signal: only a short timeout lets the retry deliver inside the 3 s budget.
    rx.faults.push({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_EXPORTER_OTLP_TIMEOUT: '300' };
    const t = await withEnv(env, () => resolveTransport(envConfig()));
    for (const s of SIGNALS) expect(t.signals[s].timeoutMs).to.equal(300);
    const { failed } = await exportAll(env);
    expect(failed).to.deep.equal([]);
    for (const s of SIGNALS) expect(rx.of(s), s).to.have.length.greaterThan(0);
  });

  for (const s of SIGNALS)
    variable(`OTEL_EXPORTER_OTLP_${UPPER[s]}_TIMEOUT`, async () => {
      const env = {
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_TIMEOUT: '60000',
        [`OTEL_EXPORTER_OTLP_${UPPER[s]}_TIMEOUT`]: '300',
      };
      const t = await withEnv(env, () => resolveTransport(envConfig()));
      for (const o of SIGNALS) expect(t.signals[o].timeoutMs, o).to.equal(o === s ? 300 : 60_000);
      // the signal's first request hangs: its own short timeout lets the retry deliver
      const cfg = envConfig();
      if (s !== 'traces') cfg.traces = { ...cfg.traces, enabled: false };
      if (s !== 'metrics') cfg.metrics = { ...cfg.metrics, enabled: false };
      if (s !== 'logs') cfg.logs = { ...cfg.logs, enabled: false };
      rx.faults.push({ kind: 'hang' });
      const { failed } = await exportAll(env, cfg);
      expect(failed).to.deep.equal([]);
      expect(rx.of(s)).to.have.length.greaterThan(0);
    });

  variable('OTEL_EXPORTER_OTLP_COMPRESSION', async () => {
    await exportAll({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_EXPORTER_OTLP_COMPRESSION: 'none' });
    for (const s of SIGNALS) expect(one(rx, s).contentEncoding, s).to.equal('');
  });

  for (const s of SIGNALS)
    variable(`OTEL_EXPORTER_OTLP_${UPPER[s]}_COMPRESSION`, async () => {
      await exportAll({
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
        [`OTEL_EXPORTER_OTLP_${UPPER[s]}_COMPRESSION`]: 'gzip',
      });
      for (const o of SIGNALS) expect(one(rx, o).contentEncoding, o).to.equal(o === s ? 'gzip' : '');
    });

  variable('OTEL_EXPORTER_OTLP_PROTOCOL', async () => {
    await exportAll({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    for (const s of SIGNALS) expect(one(rx, s).contentType, s).to.equal('application/json');
    // grpc: refused when the configuration is validated, with what to do instead
    const problems = await withEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, () =>
      transportProblems(envConfig()),
    );
    expect(problems).to.have.length(1);
    expect(problems[0].problem).to.match(
      /OTEL_EXPORTER_OTLP_PROTOCOL=grpc.*OTLP\/HTTP only.*protocol: http\/protobuf/,
    );
    const overridden = await withEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, () =>
      transportProblems(envConfig({ encoding: 'proto' })),
    );
    expect(overridden, 'the config wins over the variable').to.deep.equal([]);
    // a signal that is off: its grpc variable is neither a validate problem nor a start failure
    const metricsOff = envConfig({ metrics: { ...envConfig().metrics, enabled: false } });
    const off = { OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc' };
    expect(await withEnv(off, () => transportProblems(metricsOff))).to.deep.equal([]);
    const t = await withEnv(off, () => resolveTransport(metricsOff));
    expect(t.signals.traces.protocol).to.equal('http/protobuf');
  });

  for (const s of SIGNALS)
    variable(`OTEL_EXPORTER_OTLP_${UPPER[s]}_PROTOCOL`, async () => {
      await exportAll({
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        [`OTEL_EXPORTER_OTLP_${UPPER[s]}_PROTOCOL`]: 'http/json',
      });
      for (const o of SIGNALS)
        expect(one(rx, o).contentType, o).to.equal(o === s ? 'application/json' : 'application/x-protobuf');
    });

  variable('OTEL_METRIC_EXPORT_INTERVAL', async () => {
    // config export_interval left empty: the variable (200 ms) decides; the default 10 s would not arrive here
    await withEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_METRIC_EXPORT_INTERVAL: '200' }, async () => {
      const cfg = envConfig();
      const x = makeExporter({ ...cfg, metrics: { ...cfg.metrics, export_interval: undefined } });
      await x.exporter.start(nopHost(x.metrics));
      try {
        await x.consume([probeRecord()]);
        for (let i = 0; i < 50 && rx.of('metrics').length < 2; i++)
          await new Promise((r) => setTimeout(r, 100));
      } finally {
        await x.exporter.shutdown({ deadline: Date.now() + 5000 });
      }
    });
    expect(rx.of('metrics').length).to.be.at.least(2);
  });

  variable('OTEL_METRIC_EXPORT_TIMEOUT', async () => {
    for (let i = 0; i < 500; i++) rx.faults.push({ kind: 'status', status: 503 });
    const cfg = envConfig({ traces: { enabled: false, access_log_sampling: 0 }, logs: { enabled: false } });
    const attemptsWithin = async (env: Record<string, string>) =>
      withEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, ...env }, async () => {
        const x = makeExporter({
          ...cfg,
          retry_on_failure: { ...cfg.retry_on_failure, max_elapsed_time: 1500 },
        });
        await x.exporter.start(nopHost(x.metrics));
        const before = rx.attempts;
        try {
          await x.consume([probeRecord()]);
          expect(await x.exporter.exportMetrics()).to.equal(false);
        } finally {
          await x.exporter.shutdown({ deadline: Date.now() + 5000 });
        }
        return rx.attempts - before;
      });
    const bounded = await attemptsWithin({ OTEL_METRIC_EXPORT_TIMEOUT: '100' });
    const budget = await attemptsWithin({});
    // 20–50 ms backoff: a 100 ms export budget allows a handful of attempts, the 1.5 s retry budget dozens
    expect(bounded).to.be.at.least(1);
    expect(budget).to.be.greaterThan(bounded * 2);
  });

  variable('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE', async () => {
    const temporality = async (pref: string): Promise<number> => {
      rx.requests.length = 0;
      await exportAll({
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: pref,
      });
      const m = one(rx, 'metrics')
        .body.resourceMetrics[0].scopeMetrics.flatMap((sm: { metrics: unknown[] }) => sm.metrics)
        .find((x: { name: string }) => x.name === 'llm.request');
      return m.sum.aggregationTemporality;
    };
    expect(await temporality('delta')).to.equal(1);
    expect(await temporality('LowMemory')).to.equal(1); // case-insensitive; counters are delta
    expect(await temporality('cumulative')).to.equal(2);
    expect(await temporality('')).to.equal(2);
  });

  variable('OTEL_SDK_DISABLED', async () => {
    const { failed } = await exportAll({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_SDK_DISABLED: 'true' });
    expect(failed).to.deep.equal([]);
    expect(rx.attempts, 'nothing is sent').to.equal(0);
    await exportAll({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_SDK_DISABLED: 'false' });
    expect([...new Set(rx.requests.map((r) => r.signal))].sort()).to.deep.equal([
      'logs',
      'metrics',
      'traces',
    ]);
  });

  for (const s of SIGNALS)
    variable(`OTEL_${UPPER[s]}_EXPORTER`, async () => {
      await exportAll({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, [`OTEL_${UPPER[s]}_EXPORTER`]: 'none' });
      expect(rx.of(s), `${s} is switched off`).to.have.length(0);
      for (const o of SIGNALS.filter((x) => x !== s)) expect(rx.of(o), o).to.have.length.greaterThan(0);
    });

  variable('OTEL_SERVICE_NAME', async () => {
    await exportAll({
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
      OTEL_SERVICE_NAME: 'drift-canary',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging',
    });
    for (const s of SIGNALS) {
      const body = one(rx, s).body;
      const rs = body.resourceSpans ?? body.resourceMetrics ?? body.resourceLogs;
      const res = Object.fromEntries(
        rs[0].resource.attributes.map((kv: { key: string; value: { stringValue?: string } }) => [
          kv.key,
          kv.value.stringValue,
        ]),
      );
      expect(res['service.name'], s).to.equal('drift-canary');
      expect(res['deployment.environment.name'], s).to.equal('staging');
    }
  });
});

describe('OTEL_* certificate variables of otlp_http (HTTPS loopback sink, test PKI)', function () {
  this.timeout(60_000);
  let dir: string;
  let rx: OtlpTestReceiver;
  let pem: (name: string) => string;

  before(async function () {
    requireOtlpProto(this);
    let pki: TestPki;
    ({ dir, pki } = suitePki(this, 'dw-otel-env-tls-', 2));
    pki.issue('server', { cn: '127.0.0.1', san: 'IP:127.0.0.1', dates: ['-days', '2'] });
    pki.issue('client', { cn: 'driftwatch-agent', eku: 'clientAuth', dates: ['-days', '2'] });
    pem = (name) => join(dir, name);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => rx?.stop());

  /** An HTTPS sink; with `mtls` it refuses clients without a certificate of the test CA. */
  async function sink(mtls: boolean): Promise<string> {
    rx = new OtlpTestReceiver();
    return rx.start(0, {
      key: readFileSync(pem('server.key')),
      cert: readFileSync(pem('server.pem')),
      ca: readFileSync(pem('ca.pem')),
      requestCert: mtls,
      rejectUnauthorized: mtls,
    });
  }
  const fastFail = (): OtlpHttpConfig => {
    const c = envConfig();
    return { ...c, retry_on_failure: { ...c.retry_on_failure, max_elapsed_time: 200 } };
  };

  variable('OTEL_EXPORTER_OTLP_CERTIFICATE', async () => {
    const url = await sink(false);
    const { failed } = await exportAll(
      { OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_CERTIFICATE: pem('ca.pem') },
      fastFail(),
    );
    expect(failed).to.deep.equal([]);
    for (const s of SIGNALS) expect(rx.of(s), s).to.have.length.greaterThan(0);
  });

  for (const s of SIGNALS)
    variable(`OTEL_EXPORTER_OTLP_${UPPER[s]}_CERTIFICATE`, async () => {
      const url = await sink(false);
      const { failed } = await exportAll(
        { OTEL_EXPORTER_OTLP_ENDPOINT: url, [`OTEL_EXPORTER_OTLP_${UPPER[s]}_CERTIFICATE`]: pem('ca.pem') },
        fastFail(),
      );
      // only the signal given the CA trusts the test server
      expect(failed.sort()).to.deep.equal(SIGNALS.filter((o) => o !== s).sort());
      expect([...new Set(rx.requests.map((r) => r.signal))]).to.deep.equal([s]);
    });

  variable('OTEL_EXPORTER_OTLP_CLIENT_KEY', async () => {
    const url = await sink(true);
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_CERTIFICATE: pem('ca.pem') };
    const withKey = await exportAll(
      {
        ...base,
        OTEL_EXPORTER_OTLP_CLIENT_KEY: pem('client.key'),
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: pem('client.pem'),
      },
      fastFail(),
    );
    expect(withKey.failed).to.deep.equal([]);
    const without = await exportAll(base, fastFail());
    expect(without.failed.sort(), 'no client certificate: the server refuses').to.deep.equal([
      'logs',
      'metrics',
      'traces',
    ]);
  });

  variable('OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', async () => {
    const url = await sink(true);
    const { failed } = await exportAll(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: url,
        OTEL_EXPORTER_OTLP_CERTIFICATE: pem('ca.pem'),
        OTEL_EXPORTER_OTLP_CLIENT_KEY: pem('client.key'),
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: pem('client.pem'),
      },
      fastFail(),
    );
    expect(failed).to.deep.equal([]);
    expect([...new Set(rx.requests.map((r) => r.signal))].sort()).to.deep.equal([
      'logs',
      'metrics',
      'traces',
    ]);
  });

  for (const s of SIGNALS)
    for (const v of ['CLIENT_KEY', 'CLIENT_CERTIFICATE'])
      variable(`OTEL_EXPORTER_OTLP_${UPPER[s]}_${v}`, async () => {
        const url = await sink(true);
        const { failed } = await exportAll(
          {
            OTEL_EXPORTER_OTLP_ENDPOINT: url,
            OTEL_EXPORTER_OTLP_CERTIFICATE: pem('ca.pem'),
            [`OTEL_EXPORTER_OTLP_${UPPER[s]}_CLIENT_KEY`]: pem('client.key'),
            [`OTEL_EXPORTER_OTLP_${UPPER[s]}_CLIENT_CERTIFICATE`]: pem('client.pem'),
          },
          fastFail(),
        );
        // only the signal with its own client key and certificate gets past the mTLS server
        expect(failed.sort()).to.deep.equal(SIGNALS.filter((o) => o !== s).sort());
        expect([...new Set(rx.requests.map((r) => r.signal))]).to.deep.equal([s]);
      });
});

describe('docs/otel-env.md', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../../docs/otel-env.md', import.meta.url)), 'utf8');
  const rows = doc
    .split('\n')
    .filter((l) => /^\| `OTEL_/.test(l))
    .map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim()));
  const REQUIRED = [
    ...['', 'TRACES_', 'METRICS_', 'LOGS_'].flatMap((p) =>
      [
        'ENDPOINT',
        'HEADERS',
        'TIMEOUT',
        'COMPRESSION',
        'PROTOCOL',
        'CERTIFICATE',
        'CLIENT_KEY',
        'CLIENT_CERTIFICATE',
      ].map((v) => `OTEL_EXPORTER_OTLP_${p}${v}`),
    ),
    'OTEL_METRIC_EXPORT_INTERVAL',
    'OTEL_METRIC_EXPORT_TIMEOUT',
    'OTEL_SDK_DISABLED',
    'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
  ];

  it('has one row per variable the issue and the spec list, each with its test', () => {
    const names = rows.map((r) => r[1].replace(/`/g, ''));
    for (const v of REQUIRED) expect(names, v).to.include(v);
    expect(new Set(names).size, 'no variable twice').to.equal(names.length);
    for (const r of rows) {
      expect(r.length, `row ${r[1]} has variable, spec, driftwatch and test columns`).to.equal(6);
      expect(r[2] && r[3], `row ${r[1]} says what the spec and driftwatch do`).to.not.equal('');
    }
  });

  it('names, in each row, a test of this file that exists, and every test has its row', () => {
    const linked = rows.map((r) => /`([^`]+)`/.exec(r[4])?.[1]);
    expect(
      linked.filter((t) => t === undefined),
      'rows without a test',
    ).to.deep.equal([]);
    expect([...linked].sort()).to.deep.equal([...REGISTERED].sort());
  });
});
