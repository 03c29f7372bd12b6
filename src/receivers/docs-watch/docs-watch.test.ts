// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consumerFromFn } from '../../component/consumer.js';
import { builtinRegistry } from '../../components.js';
import { loadServiceConfig } from '../../config/load.js';
import type { CallRecord } from '../../model/call-record.js';
import { startConnectProxy } from '../../testing/connect-proxy.js';
import { nopHost, testSettings } from '../../testing/nop-host.js';
import { SelfMetrics } from '../../telemetry/self-metrics.js';
import type { DocsWatchConfig } from './config.js';
import { DocsWatchReceiver } from './docs-watch.js';
import { docsWatchFactory } from './index.js';
import { normalizePage } from './normalize.js';

/** A real documentation site on loopback: serves `page`, honours ETag, records requests. */
class DocsSite {
  page = '<html><body><h1>Chat completions</h1><p>choices[].message.content</p></body></html>';
  status = 200;
  retryAfter?: string;
  useEtag = true;
  readonly requests: IncomingHttpHeaders[] = [];
  private server: Server = createServer((req, res) => {
    this.requests.push(req.headers);
    if (req.url === '/moved') {
      res.writeHead(301, { location: '/docs' }).end();
      return;
    }
    if (this.status !== 200) {
      res.writeHead(this.status, this.retryAfter ? { 'retry-after': this.retryAfter } : {}).end('busy');
      return;
    }
    const etag = `"${createHash('sha1').update(this.page).digest('hex').slice(0, 10)}"`;
    if (this.useEtag && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    const lastModified = 'Wed, 25 Nov 2026 10:00:00 GMT';
    if (!this.useEtag && req.headers['if-modified-since'] === lastModified) {
      res.writeHead(304).end();
      return;
    }
    const validator = this.useEtag ? { etag } : { 'last-modified': lastModified };
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...validator });
    res.end(this.page);
  });

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe('docs_watch receiver', () => {
  let site: DocsSite;
  let base: string;
  let dir: string;
  const running: DocsWatchReceiver[] = [];

  beforeEach(async () => {
    site = new DocsSite();
    base = await site.start();
    dir = mkdtempSync(join(tmpdir(), 'dw-docs-'));
  });
  afterEach(async () => {
    for (const r of running.splice(0)) await r.shutdown({ deadline: Date.now() + 5000 });
    await site.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function receiver(over: Partial<DocsWatchConfig> = {}, metrics = new SelfMetrics()) {
    const events: CallRecord[] = [];
    let refuse = false;
    const config = {
      ...docsWatchFactory.createDefaultConfig(),
      urls: [`${base}/docs`],
      initial_delay: 3_600_000,
      ...over,
    };
    const next = consumerFromFn(async (batch) => {
      if (refuse) throw new Error('exporter down');
      events.push(...batch);
    });
    const r = new DocsWatchReceiver(
      testSettings('receiver', 'docs_watch', { dataDir: dir, metrics }),
      config,
      next,
    );
    running.push(r);
    return {
      r,
      events,
      metrics,
      refuse: (v: boolean) => {
        refuse = v;
      },
    };
  }

  it('takes a baseline, ignores volatile parts, announces a real change once, and survives a restart', async () => {
    const a = receiver();
    await a.r.start(nopHost());
    expect(await a.r.checkAll()).to.deep.equal(['baseline']);
    expect(await a.r.checkAll()).to.deep.equal(['not_modified']);
    // A rebuilt page: new script, style, timestamp and whitespace, same text.
    site.page =
      '<html><head><script>window.build="abc123"</script><style>h1{}</style></head><body>\n <h1>Chat   completions</h1>' +
      '<p>choices[].message.content</p><!-- built 2026-11-26T16:00:00Z --></body></html>';
    expect(await a.r.checkAll()).to.deep.equal(['unchanged']);
    expect(a.events).to.have.length(0);

    site.page =
      '<html><body><h1>Chat completions</h1><p>choices[].message.content may be null</p></body></html>';
    expect(await a.r.checkAll()).to.deep.equal(['changed']);
    expect(a.events).to.have.length(1);
    const ev = a.events[0];
    expect(ev.source).to.equal('docs_watch');
    expect(ev.receiver).to.equal('docs_watch');
    expect(ev.event?.name).to.equal('docs.changed');
    expect(ev.event?.attributes.url_host).to.equal('127.0.0.1');
    expect(ev.event?.attributes.url_path).to.equal('/docs');
    expect(ev.event?.attributes.hash).to.not.equal(ev.event?.attributes.previous_hash);
    expect(await a.r.checkAll()).to.deep.equal(['not_modified']);
    expect(a.metrics.sum('driftwatch_docs_watch_checks_total', { result: 'changed' })).to.equal(1);
    await a.r.shutdown({ deadline: Date.now() + 5000 });

    // A restart reads the hashes from the data directory: nothing is announced again, and the
    // first request is already conditional.
    const b = receiver();
    await b.r.start(nopHost());
    const before = site.requests.length;
    expect(await b.r.checkAll()).to.deep.equal(['not_modified']);
    expect(site.requests[before]['if-none-match']).to.match(/^"/);
    expect(b.events).to.have.length(0);
    const state = JSON.parse(readFileSync(join(dir, 'pages.json'), 'utf8')) as {
      pages: Record<string, { hash: string }>;
    };
    expect(state.pages[`${base}/docs`].hash).to.match(/^[0-9a-f]{64}$/);
  });

  it('sends a User-Agent naming the tool and If-Modified-Since when the site has no ETag', async () => {
    site.useEtag = false;
    const a = receiver();
    await a.r.start(nopHost());
    await a.r.checkAll();
    expect(site.requests[0]['user-agent']).to.match(/^driftwatch/);
    expect(site.requests[0]['if-modified-since']).to.equal(undefined);
    expect(await a.r.checkAll()).to.deep.equal(['not_modified']);
    expect(site.requests[1]['if-modified-since']).to.equal('Wed, 25 Nov 2026 10:00:00 GMT');
  });

  it('follows a redirect of a moved page', async () => {
    const a = receiver({ urls: [`${base}/moved`] });
    await a.r.start(nopHost());
    expect(await a.r.checkAll()).to.deep.equal(['baseline']);
  });

  it('counts errors, backs off, and announces a refused change again at the next check', async () => {
    const metrics = new SelfMetrics();
    const a = receiver({}, metrics);
    await a.r.start(nopHost());
    await a.r.checkAll();
    site.status = 503;
    site.retryAfter = '120';
    expect(await a.r.checkAll()).to.deep.equal(['error']);
    expect(metrics.sum('driftwatch_component_errors_total')).to.be.greaterThan(0);
    site.status = 200;
    site.page = '<html><body>new text</body></html>';
    a.refuse(true);
    expect(await a.r.checkAll()).to.deep.equal(['error']);
    a.refuse(false);
    expect(await a.r.checkAll()).to.deep.equal(['changed']);
    expect(a.events).to.have.length(1);
  });

  it('treats an unreachable host and an oversized page as counted errors, never a crash', async () => {
    const a = receiver({ urls: ['http://127.0.0.1:1/docs', `${base}/docs`], max_body_bytes: 1024 });
    site.page = `<html><body>${'x'.repeat(4096)}</body></html>`;
    await a.r.start(nopHost());
    expect(await a.r.checkAll()).to.deep.equal(['error', 'error']);
  });

  it('reads documentation URLs from contract files, tolerating files without one', async () => {
    const withUrl = join(dir, 'with.yaml');
    const nested = join(dir, 'nested.yaml');
    const without = join(dir, 'without.yaml');
    writeFileSync(withUrl, `provider: cometapi\ndocumentation_url: ${base}/docs\n`);
    writeFileSync(nested, `documentation:\n  url: ${base}/moved\n`);
    writeFileSync(without, 'provider: openai\n');
    const a = receiver({ urls: [], contracts: [withUrl, nested, without, join(dir, 'missing.yaml')] });
    await a.r.start(nopHost());
    expect(await a.r.checkAll()).to.deep.equal(['baseline', 'baseline']);
    site.page = '<html><body>changed</body></html>';
    await a.r.checkAll();
    expect(a.events.map((e) => e.target.provider)).to.include('cometapi');
    expect(a.events.map((e) => e.event?.attributes.contract)).to.include(withUrl);
  });

  it('checks on its own timer once started', async () => {
    const a = receiver({ initial_delay: 0, interval: 100 });
    await a.r.start(nopHost());
    const deadline = Date.now() + 10_000;
    while (a.metrics.sum('driftwatch_docs_watch_checks_total') < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(a.metrics.sum('driftwatch_docs_watch_checks_total')).to.be.at.least(2);
  });

  it('goes through the HTTP proxy named by HTTP_PROXY', async () => {
    // every tunnel goes to the loopback docs site, whatever host was asked
    const proxy = await startConnectProxy({ to: { host: '127.0.0.1', port: Number(new URL(base).port) } });
    try {
      const config = { ...docsWatchFactory.createDefaultConfig(), urls: ['http://docs.example.invalid/api'] };
      const r = new DocsWatchReceiver(
        testSettings('receiver', 'docs_watch', { dataDir: dir }),
        config,
        consumerFromFn(async () => {}),
        Date.now,
        { HTTP_PROXY: proxy.url },
      );
      await r.start(nopHost());
      expect(await r.checkAll()).to.deep.equal(['baseline']);
      expect(proxy.tunnels).to.deep.equal(['docs.example.invalid:80']);
      expect(site.requests.at(-1)?.host).to.equal('docs.example.invalid');
      await r.shutdown({ deadline: Date.now() + 5000 });
    } finally {
      await proxy.close();
    }
  });

  it('shuts down promptly while a page is still loading', async () => {
    const slow = createServer(() => {
      /* never answers */
    });
    let connected = 0;
    slow.on('connection', () => connected++);
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/docs`;
      const a = receiver({ urls: [url], initial_delay: 0, timeout: 60_000 });
      await a.r.start(nopHost());
      const deadline = Date.now() + 10_000;
      while (connected === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // Without the abort, shutdown would wait out the 60s page timeout (past mocha's 20s limit).
      await a.r.shutdown({ deadline: Date.now() + 5000 });
      expect(
        a.metrics.sum('driftwatch_docs_watch_checks_total', { result: 'error' }),
        'aborted check',
      ).to.equal(1);
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });

  it('rejects an interval shorter than a minute and a backoff longer than its maximum', () => {
    const cfg = {
      ...docsWatchFactory.createDefaultConfig(),
      interval: 10_000,
      retry_backoff: 2 * 86_400_000,
    };
    const problems = docsWatchFactory.validate!(cfg, { configDir: '.' }).map((p) => p.path[0]);
    expect(problems).to.have.members(['interval', 'retry_backoff']);
  });
});

describe('docs_watch README', () => {
  it('has an example that the real config loader accepts', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml, 'README example').to.be.a('string');
    const cfg = loadServiceConfig({
      files: [],
      inline: [['README.md', yaml!]],
      env: {},
      registry: builtinRegistry(),
    });
    const c = cfg.receivers.get('docs_watch')?.config as DocsWatchConfig;
    expect(c.interval).to.equal(6 * 3_600_000);
    expect(c.user_agent).to.match(/^driftwatch/);
  });
});

describe('docs_watch normalisation', () => {
  it('keeps visible text and drops scripts, styles, comments, tags, entities and timestamps', () => {
    const t = normalizePage(
      '<p>a&amp;b</p><script>x()</script><style>.a{}</style><!-- c --><span>Updated Nov 26, 2026 at 16:00 UTC</span>',
      true,
    );
    expect(t).to.equal('a&b Updated at');
  });

  it('keeps dates that are content (API versions, deprecation dates) and drops dated stamps', () => {
    const a = normalizePage('<p>Use api-version=2024-02-01. Deprecated on 2025-06-30.</p>', true);
    const b = normalizePage('<p>Use api-version=2024-10-21. Deprecated on 2025-06-30.</p>', true);
    expect(a).to.not.equal(b);
    expect(normalizePage('Last updated: 2026-11-26. © 2026 CometAPI. Published Nov 3, 2025', false)).to.equal(
      'Last updated: . © CometAPI. Published',
    );
  });

  it('normalises plain text and markdown without touching markup-like text', () => {
    expect(normalizePage('# Title\n\n  usage <b> 2026-01-02 at 10:30\n', false)).to.equal(
      '# Title usage <b> 2026-01-02 at',
    );
  });
});
