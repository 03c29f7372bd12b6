// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRegistry } from '../components.js';
import type { ReplaySummary } from '../receivers/access-log/summary.js';
import { schemaDefaults } from '../config/component-schema.js';
import { accessLogSchema } from '../receivers/access-log/config.js';
import { attrs, OtlpTestReceiver } from '../testing/otlp-receiver.js';
import { main } from './main.js';
import { topLevelDefaults } from './replay.js';

function capture() {
  let out = '';
  let err = '';
  return {
    io: { out: (t: string) => void (out += t), err: (t: string) => void (err += t), env: {} },
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}

describe('driftwatch replay', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dw-replay-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const FORMAT =
    '$remote_addr [$time_local] "$request" $status $request_time $upstream_connect_time $upstream_status "$upstream_http_openai_model"';
  const lines = [
    '::1 [26/Nov/2026:15:14:32 +0000] "POST /v1/chat/completions HTTP/1.1" 200 0.100 0.001 200 "gpt-4o"',
    '::1 [26/Nov/2026:15:14:32 +0000] "POST /v1/chat/completions?x=1 HTTP/1.1" 200 0.300 -, 0.001 502, 200 "gpt-4o"',
    '::1 [26/Nov/2026:15:14:33 +0000] "POST /v1/chat/completions HTTP/1.1" 502 0.001 - 502 "-"',
    '::1 [26/Nov/2026:15:14:33 +0000] "POST /v1/embeddings HTTP/1.1" 504 2.001 0.001 504 "-"',
    '::1 [26/Nov/2026:15:14:34 +0000] "POST /v1/chat/completions HTTP/1.1" 499 0.500 0.001 - "-"',
    '::1 [26/Nov/2026:15:14:34 +0000] "POST /v1/chat/completions HTTP/1.1" 200 0.200 0.001 : 0.001 503 : 200 "o3-mini"',
    'garbage line',
  ];

  it('prints a JSON summary: lines, statuses, classes with owners, latency by route and model, retries', async () => {
    const file = join(dir, 'access.log');
    writeFileSync(file, `${lines.join('\r\n')}\n`);
    const c = capture();
    const code = await main(['replay', '--json', '--format', 'nginx', '--log-format', FORMAT, file], {
      io: c.io,
      registry: builtinRegistry(),
    });
    expect(code, c.err).to.equal(0);
    const s = JSON.parse(c.out) as ReplaySummary;
    expect(s.lines).to.deep.equal({ read: 7, parsed: 6, unparsed: 1, truncated: 0, trailing_content: 0 });
    expect(s.calls.by_status).to.deep.equal({ '200': 3, '499': 1, '502': 1, '504': 1 });
    expect(s.calls.by_class.network).to.deep.include({ count: 1, owner: 'platform / network' });
    expect(s.calls.by_class.timeout.count).to.equal(1);
    expect(s.calls.by_class.client_abort.count).to.equal(1);
    expect(s.latency.by_route['/v1/chat/completions'].count).to.equal(5);
    expect(s.latency.by_route['/v1/chat/completions'].p50_ms).to.be.closeTo(200, 5);
    expect(s.latency.by_model['gpt-4o'].count).to.equal(2);
    expect(s.upstream).to.include({ retried: 1, fallbacks: 1, retried_last_ok: 1, fallback_last_ok: 1 });
  });

  it('takes the parser from the access_log receiver of a config file; text output', async () => {
    const file = join(dir, 'access.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const cfg = join(dir, 'agent.yaml');
    writeFileSync(
      cfg,
      `receivers:\n  access_log/gw:\n    include: [${JSON.stringify(file)}]\n    format: nginx\n    log_format: '${FORMAT}'\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    p:\n      receivers: [access_log/gw]\n      exporters: [debug]\n`,
    );
    const c = capture();
    const code = await main(['replay', '--config', cfg, file], { io: c.io, registry: builtinRegistry() });
    expect(code, c.err).to.equal(0);
    expect(c.out).to.match(/Lines: 7 read, 6 parsed, 1 unparsed/);
    expect(c.out).to.match(/network\s+1\s+owner: platform \/ network/);
  });

  it("--config without files reads the receiver's include (rotated files first, archives not)", async () => {
    const live = join(dir, 'access.log');
    const rotated = join(dir, 'access.log.1');
    writeFileSync(rotated, `${lines.slice(0, 2).join('\n')}\n`);
    writeFileSync(live, `${lines.slice(2, 6).join('\n')}\n`);
    writeFileSync(join(dir, 'access.log.2.gz'), 'not text');
    utimesSync(rotated, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const cfg = join(dir, 'agent.yaml');
    writeFileSync(
      cfg,
      `receivers:\n  access_log/gw:\n    include: [${JSON.stringify(`${dir}/access.log*`)}]\n    format: nginx\n    log_format: '${FORMAT}'\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    p:\n      receivers: [access_log/gw]\n      exporters: [debug]\n`,
    );
    const c = capture();
    const code = await main(['replay', '--json', '--config', cfg], { io: c.io, registry: builtinRegistry() });
    expect(code, c.err).to.equal(0);
    const s = JSON.parse(c.out) as ReplaySummary;
    expect(s.files).to.deep.equal([rotated, live]);
    expect(s.lines).to.include({ read: 6, parsed: 6 });
    const empty = join(dir, 'none.yaml');
    writeFileSync(empty, readFileSync(cfg, 'utf8').replace(`${dir}/access.log*`, `${dir}/nothing-*.log`));
    const d = capture();
    expect(await main(['replay', '--config', empty], { io: d.io, registry: builtinRegistry() })).to.equal(2);
    expect(d.err).to.match(/no file matches the include of the access_log receiver/);
  });

  it('exits 1 with a format hint when nothing parses', async () => {
    const file = join(dir, 'haproxy.log');
    writeFileSync(
      file,
      '127.0.0.1:36920 [06/Dec/2026:23:00:17.081] fe be/live 0/0/0/70/70 200 185 - - ---- 1/1/0/0/+1 0/0 "POST /v1/chat/completions HTTP/1.1"\n',
    );
    const c = capture();
    expect(await main(['replay', file], { io: c.io, registry: builtinRegistry() })).to.equal(1);
    expect(c.out).to.match(/Nothing parsed\. .*--format haproxy/);
    expect(c.err).to.match(/none of 1 lines parsed/);
    const d = capture();
    expect(
      await main(['replay', '--format', 'haproxy', file], { io: d.io, registry: builtinRegistry() }),
    ).to.equal(0);
    expect(d.out).to.match(/1 redispatched/);
  });

  it('fails clearly without files, with an unreadable file, or with a bad format', async () => {
    const c = capture();
    expect(await main(['replay'], { io: c.io, registry: builtinRegistry() })).to.equal(2);
    expect(c.err).to.match(/give one or more log files/);
    const d = capture();
    expect(
      await main(['replay', join(dir, 'missing.log')], { io: d.io, registry: builtinRegistry() }),
    ).to.equal(2);
    expect(d.err).to.match(/cannot read .*missing\.log \(ENOENT\)/);
    const file = join(dir, 'a.log');
    writeFileSync(file, 'x\n');
    const e = capture();
    const code = await main(['replay', '--format', 'nginx', '--log-format', 'no variables', file], {
      io: e.io,
      registry: builtinRegistry(),
    });
    expect(code).to.equal(2);
    expect(e.err).to.match(/no \$variables/);
    const g = capture();
    expect(
      await main(['replay', '--format', 'ngnix', file], { io: g.io, registry: builtinRegistry() }),
    ).to.equal(2);
    expect(g.err).to.match(/replay: format: .*"nginx"/);
  });

  it('--export sends every parsed record through the configured pipeline, batch by batch, acknowledged', async () => {
    const rx = new OtlpTestReceiver();
    await rx.start();
    try {
      const file = join(dir, 'access.log');
      writeFileSync(file, `${Array.from({ length: 300 }, () => lines.join('\n')).join('\n')}\n`);
      const cfg = join(dir, 'agent.yaml');
      writeFileSync(
        cfg,
        [
          'receivers:',
          '  access_log/gw:',
          `    include: [${JSON.stringify(file)}]`,
          '    format: nginx',
          `    log_format: '${FORMAT}'`,
          '    batch_size: 500',
          'processors:',
          '  classify: {}',
          'exporters:',
          '  otlp_http:',
          `    endpoint: ${rx.url}`,
          '    traces: { access_log_sampling: 1 }',
          '    metrics: { enabled: false }',
          'service:',
          '  pipelines:',
          '    p: { receivers: [access_log/gw], processors: [classify], exporters: [otlp_http] }',
          '',
        ].join('\n'),
      );
      const c = capture();
      const args = ['replay', '--json', '--export', '--config', cfg, '--data-dir', join(dir, 'data'), file];
      const code = await main(args, { io: c.io, registry: builtinRegistry() });
      expect(code, c.err).to.equal(0);
      const s = JSON.parse(c.out) as ReplaySummary & { exported: { records: number; batches: number } };
      expect(s.lines.parsed).to.equal(1800);
      expect(s.exported.records).to.equal(1800);
      expect(s.exported.batches).to.be.at.least(2);
      // Acknowledged means delivered: the exporters were drained before replay returned.
      expect(rx.spans().length).to.equal(1800);
      const classes = new Set(rx.spans().map((sp) => String(attrs(sp.attributes)['error.type'] ?? 'ok')));
      expect(classes.size, [...classes].join(',')).to.be.at.least(3);
    } finally {
      await rx.stop();
    }
  });

  it('--export without --config is a clear error', async () => {
    const file = join(dir, 'a.log');
    writeFileSync(file, `${lines[0]}\n`);
    const c = capture();
    expect(await main(['replay', '--export', file], { io: c.io, registry: builtinRegistry() })).to.equal(2);
    expect(c.err).to.match(/--export sends records through the pipeline of a --config file/);
  });

  it('starts from the same defaults ajv gives the access_log receiver', () => {
    expect(topLevelDefaults(accessLogSchema)).to.deep.equal(schemaDefaults(accessLogSchema));
  });
});
