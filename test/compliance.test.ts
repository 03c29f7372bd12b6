// SPDX-License-Identifier: Apache-2.0
// Every registered component passes the shared compliance suite. Each type says how to make
// it work on loopback (real simulator, OTLP receiver, files, HTTP) and which counters it moves
// itself; the suite checks those and the standard counters against what really happened.
import { expect } from 'chai';
import { appendFileSync, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { builtinFactories } from '../src/components.js';
import { DEMO_SCENARIO } from '../src/cli/demo.js';
import type { PrometheusExporter } from '../src/exporters/prometheus/prometheus-exporter.js';
import type { FileStorageExtension } from '../src/extensions/file-storage/file-storage.js';
import type { HealthCheckExtension } from '../src/extensions/health-check/health-check.js';
import { accessLogComplianceOverrides } from '../src/receivers/access-log/index.js';
import type { DocsWatchReceiver } from '../src/receivers/docs-watch/docs-watch.js';
import { probeComplianceOverrides } from '../src/receivers/probe/index.js';
import type { ProxyReceiver } from '../src/receivers/proxy/proxy-receiver.js';
import { loadScenarioFile } from '../src/simulator/scenario.js';
import { ProviderSimulator } from '../src/simulator/server.js';
import { eventually, runComplianceSuite, sampleRecord } from '../src/testing/compliance.js';
import type { ComplianceCases, Exercised } from '../src/testing/compliance.js';
import { OtlpTestReceiver } from '../src/testing/otlp-receiver.js';

const sim = new ProviderSimulator(loadScenarioFile(DEMO_SCENARIO));
let simUrl: string | undefined;
const simulator = async () => (simUrl ??= await sim.start());
const otlp = new OtlpTestReceiver();
let otlpUrl: string | undefined;

let page = '<html><body><p>choices[].message.content</p></body></html>';
const docsSite = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
const docsUrl = async () => {
  if (!docsSite.listening) await new Promise<void>((r) => docsSite.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(docsSite.address() as AddressInfo).port}/docs`;
};

/** Serves a route the component registered on the host, over real HTTP. */
async function getRoute(x: Exercised, path: string): Promise<string> {
  const handler = x.host.routes().get(path);
  expect(handler, `route ${path}`).to.be.a('function');
  const s = createServer((req, res) => handler!(req, res));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}${path}`);
    expect(res.status, path).to.equal(200);
    return await res.text();
  } finally {
    s.close();
  }
}

const debugLines: string[] = [];
let restoreStderr = () => undefined as unknown;

function failedRecord() {
  const r = sampleRecord();
  r.response.status = 503;
  r.response.body = { error: { type: 'server_error', message: 'overloaded', code: 'overloaded' } };
  return r;
}

const cases: ComplianceCases = {
  probe: {
    config: async (dir) => ({ ...probeComplianceOverrides(dir), base_url: await simulator() }),
    ownCounters: [],
    noOwnCounters: 'a probe’s result is its record; the llm_* signals downstream count it',
  },
  access_log: {
    config: (dir) => ({ ...accessLogComplianceOverrides.access_log(dir), poll_interval: '50ms' }),
    drive: async (x) => {
      await new Promise((r) => setTimeout(r, 200)); // start_at: end — write after the first scan
      appendFileSync(
        `${x.dataDir}/gw.log`,
        '127.0.0.1 - - [06/Dec/2026:10:00:00 +0000] "POST /v1/chat/completions HTTP/1.1" 200 512 "-" "curl/8"\n',
      );
    },
    ownCounters: ['driftwatch_access_log_lines_total'],
  },
  docs_watch: {
    config: async () => ({ urls: [await docsUrl()], interval: '1h' }),
    drive: async (x) => {
      const r = x.component as DocsWatchReceiver;
      await r.checkAll(); // baseline
      page = page.replace('content', 'content and refusal');
      await r.checkAll(); // changed: one docs.changed record
    },
    ownCounters: ['driftwatch_docs_watch_checks_total'],
    after: async () => void docsSite.close(),
  },
  proxy: {
    config: async () => ({ endpoint: '127.0.0.1:0', upstream: (await simulator()).replace(/\/v1$/, '') }),
    drive: async (x) => {
      const a = (x.component as ProxyReceiver).address!;
      const res = await fetch(`http://${a.host}:${a.port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-compliance' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'ping' }] }),
      });
      await res.arrayBuffer();
    },
    ownCounters: ['driftwatch_proxy_calls_total'],
  },
  batch: { ownCounters: [], noOwnCounters: 'it only groups records; incoming = outgoing says it all' },
  validate: { ownCounters: ['driftwatch_validate_verdicts_total'] },
  classify: { record: failedRecord, ownCounters: ['driftwatch_classify_classes_total'] },
  redact: {
    record: () => {
      const r = sampleRecord();
      r.extra = { ...r.extra, user: 'ops@example.com' };
      return r;
    },
    ownCounters: ['driftwatch_redact_redactions_total'],
  },
  debug: {
    config: () => {
      // Catch what it prints (stderr, so the test output stays readable); verify restores it.
      const write = process.stderr.write.bind(process.stderr);
      debugLines.length = 0;
      process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        if (String(chunk).startsWith('[debug/debug/compliance]')) debugLines.push(String(chunk));
        else return write(chunk, ...rest);
        return true;
      }) as typeof process.stderr.write;
      restoreStderr = () => (process.stderr.write = write);
      return { output: 'stderr' };
    },
    ownCounters: [],
    noOwnCounters: 'it prints; the printed line is checked instead',
    verify: async () => {
      restoreStderr();
      expect(debugLines.join('')).to.match(/batch records=1\b/);
    },
  },
  status: {
    ownCounters: [],
    noOwnCounters: 'it renders a page; the page is checked instead',
    verify: async (x) => {
      expect(await getRoute(x, '/status.json')).to.contain('compliance');
    },
  },
  otlp_http: {
    config: async () => {
      otlpUrl ??= await otlp.start();
      return { endpoint: otlpUrl };
    },
    ownCounters: ['driftwatch_exporter_sent_items_total'],
    verify: async () => eventually(() => otlp.spans().length > 0, 'a span at the OTLP receiver'),
    after: () => otlp.stop(),
  },
  prometheus: {
    config: () => ({ endpoint: '127.0.0.1:0' }),
    ownCounters: [],
    noOwnCounters: 'it serves a page; the scrape is checked instead',
    verify: async (x) => {
      const a = (x.component as PrometheusExporter).address()!;
      const text = await (await fetch(`http://127.0.0.1:${a.port}/metrics`)).text();
      expect(text).to.match(/^llm_[a-z_]+\{/m);
    },
  },
  health_check: {
    config: () => ({ endpoint: '127.0.0.1:0' }),
    ownCounters: [],
    noOwnCounters: 'it serves the host’s state; the answer is checked instead',
    drive: async (x) => {
      const a = (x.component as HealthCheckExtension).address()!;
      const res = await fetch(`http://127.0.0.1:${a.port}/healthz`);
      expect(res.status).to.equal(200);
      expect(((await res.json()) as { status: string }).status).to.equal('ok');
    },
  },
  file_storage: {
    ownCounters: [],
    noOwnCounters: 'it hands out directories; the directory is checked instead',
    drive: async (x) => {
      const dir = (x.component as FileStorageExtension).directoryFor('exporter', 'otlp_http/b');
      expect(dir.startsWith(x.dataDir), 'under its data directory by default').to.equal(true);
      expect(existsSync(dir) && statSync(dir).isDirectory()).to.equal(true);
    },
  },
};

describe('compliance suite', function () {
  this.timeout(30_000);
  after(async () => {
    if (simUrl) await sim.stop();
  });
  runComplianceSuite(builtinFactories, cases);
});
