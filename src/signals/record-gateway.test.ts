// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { RouteNormalizer } from '../receivers/access-log/route.js';
import { RecordBuilder } from '../receivers/access-log/record.js';
import { compileNginx } from '../receivers/access-log/parsers/nginx.js';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import { SignalBuilder } from './signal-builder.js';

describe('gateway metrics from access-log records', () => {
  const p = compileNginx('$status $upstream_addr $upstream_status "$request"');
  const builder = new RecordBuilder({
    receiver: 'access_log/nginx',
    provider: 'gateway',
    gateway: 'nginx',
    routes: new RouteNormalizer(),
    maxModels: 10,
    maxUpstreams: 2,
  });
  const rec = (line: string) => builder.build(p.parse(line)!, 0);

  it('counts calls per gateway, retries apart from fallbacks, and attempts by member (bounded)', async () => {
    const b = new SignalBuilder({
      resource: resourceFromAttributes({}),
      families: new Set(['contract', 'genai']),
      temporality: 'cumulative',
      accessLogSampling: 0,
      traces: false,
      logs: false,
      metrics: true,
    });
    const post = '"POST /v1/chat/completions HTTP/1.1"';
    // a dead member behind final 200s, a fallback, and a third member beyond max_upstreams
    const batch = [1, 2, 3].map(() => rec(`200 10.0.0.1:80, 10.0.0.2:80 502, 200 ${post}`));
    batch.push(rec(`200 10.0.0.2:80 : 10.0.0.2:80 503 : 200 ${post}`));
    batch.push(rec(`502 10.0.0.3:80 502 ${post}`));
    b.build(batch);
    const rm = await b.collectMetrics();
    const metrics = rm.scopeMetrics.flatMap((s) => s.metrics);
    const sum = (name: string, want: Record<string, string>) =>
      metrics
        .filter((m) => m.descriptor.name === name)
        .flatMap((m) => m.dataPoints as DataPoint<number>[])
        .filter((d) => Object.entries(want).every(([k, v]) => d.attributes[k] === v))
        .reduce((a, d) => a + (d.value as number), 0);
    expect(sum('llm.gateway.requests', { gateway: 'nginx', status_code: '200' })).to.equal(4);
    expect(sum('llm.gateway.requests', { gateway: 'nginx', status_code: '502' })).to.equal(1);
    expect(sum('llm.gateway.retries', { kind: 'retry', outcome: 'ok' })).to.equal(3);
    expect(sum('llm.gateway.retries', { kind: 'fallback', outcome: 'ok' })).to.equal(1);
    expect(sum('llm.gateway.upstream.attempts', { upstream: '10.0.0.1:80', outcome: 'failed' })).to.equal(3);
    expect(sum('llm.gateway.upstream.attempts', { upstream: '10.0.0.1:80', outcome: 'ok' })).to.equal(0);
    expect(sum('llm.gateway.upstream.attempts', { upstream: '10.0.0.2:80', outcome: 'ok' })).to.equal(4);
    expect(sum('llm.gateway.upstream.attempts', { upstream: 'other', outcome: 'failed' })).to.equal(1);
  });
});
