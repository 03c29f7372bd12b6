// SPDX-License-Identifier: Apache-2.0
// OTLP conformance, judged by a decoder that is not the encoder: what otlp_http sends (all three
// signals, protobuf and JSON) is decoded with protobufjs over the .proto files of Debian's
// opentelemetry-proto package, and must carry the conventions: EventName on log records (no
// deprecated event.name attribute), namespaced span events, gen_ai.response.id, the well-known
// azure.ai.openai provider, telemetry.sdk.* on the resource, the package version as scope
// version, and a User-Agent on every request.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nopHost } from '../../testing/nop-host.js';
import { fastConfig, makeExporter } from '../../testing/otlp-harness.js';
import { attrs, OtlpTestReceiver, otlpProtoVersion, requireOtlpProto } from '../../testing/otlp-receiver.js';
import { driftRecord, probeRecord, violationRecord } from '../../testing/signal-records.js';
import { REQUIRED_RESOURCE_KEYS } from '../../signals/resource.js';
import { USER_AGENT } from './endpoint.js';

const VERSION = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as {
    version: string;
  }
).version;

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded OTLP is untyped protobufjs output */
describe(`OTLP conformance (decoded with Debian opentelemetry-proto ${otlpProtoVersion() ?? '?'})`, function () {
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

  for (const encoding of ['proto', 'json'] as const)
    it(`every signal (${encoding}) decodes and follows the conventions`, async () => {
      const x = makeExporter(fastConfig(rx.url, { encoding }));
      await x.exporter.start(nopHost(x.metrics));
      const azure = probeRecord();
      azure.target.provider = 'azure_openai';
      azure.response.responseId = 'chatcmpl-AZ123';
      try {
        await x.consume([azure, violationRecord(), driftRecord()]);
        expect(await x.exporter.exportMetrics()).to.equal(true);
      } finally {
        await x.exporter.shutdown({ deadline: Date.now() + 5000 });
      }
      expect([...new Set(rx.requests.map((r) => r.signal))].sort()).to.deep.equal([
        'logs',
        'metrics',
        'traces',
      ]);
      for (const r of rx.requests) {
        expect(r.headers['user-agent'], 'User-Agent').to.equal(USER_AGENT);
        expect(r.contentType).to.equal(encoding === 'json' ? 'application/json' : 'application/x-protobuf');
        const resources = r.body.resourceSpans ?? r.body.resourceMetrics ?? r.body.resourceLogs;
        for (const res of resources) {
          const a = attrs(res.resource.attributes);
          for (const k of REQUIRED_RESOURCE_KEYS) expect(a, `${r.signal} resource`).to.have.property(k);
          expect(a['telemetry.sdk.language']).to.equal('nodejs');
          expect(a['telemetry.sdk.name']).to.equal('opentelemetry');
          const scopes = res.scopeSpans ?? res.scopeMetrics ?? res.scopeLogs;
          for (const s of scopes)
            expect(s.scope, `${r.signal} scope`).to.deep.include({ name: 'driftwatch', version: VERSION });
        }
      }
      const spans = rx.spans();
      const az = spans.find((s: any) => attrs(s.attributes)['gen_ai.response.id'] === 'chatcmpl-AZ123');
      expect(az, 'gen_ai.response.id on the span').to.not.equal(undefined);
      expect(attrs(az.attributes)['gen_ai.provider.name']).to.equal('azure.ai.openai');
      for (const s of spans)
        for (const e of s.events ?? [])
          expect(e.name, 'span event namespace').to.match(/^driftwatch\.phase\./);
      const logs = rx.logRecords();
      expect(logs.length).to.be.at.least(2);
      for (const l of logs) {
        expect(l.eventName, 'LogRecord.EventName').to.match(/^driftwatch\./);
        expect(attrs(l.attributes)).to.not.have.property('event.name');
      }
      const metrics = rx.of('metrics')[0].body.resourceMetrics[0].scopeMetrics.flatMap((s: any) => s.metrics);
      const providers = metrics
        .filter((m: any) => m.name === 'gen_ai.client.operation.duration')
        .flatMap((m: any) =>
          m.histogram.dataPoints.map((d: any) => attrs(d.attributes)['gen_ai.provider.name']),
        );
      expect(providers).to.include('azure.ai.openai');
    });
});
