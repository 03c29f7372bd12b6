// SPDX-License-Identifier: Apache-2.0
// Secret-leak audit (issue 8): the real agent, every exporter, probes of every kind against a
// simulator that misbehaves on purpose, an access log carrying the key, and real calls through
// the proxy receiver (issue 19) carrying key, prompts and tenant id in headers and bodies. Every byte the agent
// emits is captured and searched for canary API key, prompt and tenant id in raw, base64,
// URL-encoded and JSON-escaped forms. Duration: AUDIT_SECONDS (default 90 under CI=true, else 30).
import { expect } from 'chai';
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ProviderSimulator } from '../../src/simulator/server.js';
import { parseScenario } from '../../src/simulator/scenario.js';
import { OtlpTestReceiver } from '../../src/testing/otlp-receiver.js';
import { freePort, spawnAgent, waitFor } from '../helpers/child-agent.js';

const KEY = 'sk-dwcanaryKEY9q7Zx3Lm2Pw8Rt6Vb4Nc1';
const PROMPT = 'Canary prompt "zebra-quartz-4471" & friends/slash: reply pong.';
const SYSTEM = 'Canary system orchid-lantern-5582 <b>';
const LARGE = 'Canary large prompt marble-falcon-6693 ' + 'filler words here. '.repeat(200);
const TENANT = 'tenant-canary-walnut-7704';
const ANSWER = 'pong. canary completion velvet-harbor-8815';
const TENANT_KEY = 'hmac-canary-saffron-9926-key';
/** Distinctive cores: a leak of any fragment that keeps the core is still caught. */
const CANARIES: Record<string, string[]> = {
  key: [KEY, 'dwcanaryKEY9q7Zx3Lm2Pw8Rt6Vb4Nc1'],
  prompt: [PROMPT, 'zebra-quartz-4471'],
  system: [SYSTEM, 'orchid-lantern-5582'],
  large: ['marble-falcon-6693'],
  tenant: [TENANT, 'walnut-7704'],
  answer: [ANSWER, 'velvet-harbor-8815'],
  hmac: [TENANT_KEY, 'saffron-9926'],
};

/** Base64 of `s` at each of the three byte alignments, trimmed to the characters that are stable. */
function base64Forms(s: string): string[] {
  const out: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const b = Buffer.from('\0'.repeat(pad) + s).toString('base64');
    const start = pad === 0 ? 0 : Math.ceil((pad * 4) / 3) + 1;
    const stableChars = Math.floor(((Buffer.byteLength(s) - ((3 - pad) % 3)) * 4) / 3) - 2;
    const piece = b.slice(start, start + Math.max(8, stableChars));
    if (piece.length >= 8) out.push(piece.replace(/=+$/, ''));
  }
  return out;
}

function forms(s: string): string[] {
  const json = JSON.stringify(s).slice(1, -1);
  const set = new Set([
    s,
    json,
    encodeURIComponent(s),
    encodeURIComponent(s).replace(/%20/g, '+'),
    ...base64Forms(s),
  ]);
  return [...set].filter((f) => f.length >= 8);
}

const NEEDLES = Object.entries(CANARIES).flatMap(([what, list]) =>
  list.flatMap((c) => forms(c).map((needle) => ({ what, needle }))),
);

function findLeaks(where: string, text: string): string[] {
  const lower = text.toLowerCase();
  return NEEDLES.filter((n) => lower.includes(n.needle.toLowerCase())).map((n) => {
    const at = lower.indexOf(n.needle.toLowerCase());
    const around = text.slice(Math.max(0, at - 160), at + n.needle.length + 40);
    return `${where}: ${n.what} canary found as ${JSON.stringify(n.needle.slice(0, 24))} in …${JSON.stringify(around)}`;
  });
}

function sum(metrics: string, name: string, receiver: string): number {
  return [
    ...metrics.matchAll(new RegExp(`${name}\\{[^}]*receiver="${receiver}"[^}]*\\} (\\d+)`, 'g')),
  ].reduce((a, m) => a + Number(m[1]), 0);
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function auditSeconds(): number {
  const env = Number(process.env.AUDIT_SECONDS);
  if (Number.isFinite(env) && env > 0) return env;
  return process.env.CI === 'true' ? 90 : 30;
}

describe('secret-leak audit: the whole agent, every exporter, canaries nowhere', function () {
  const seconds = auditSeconds();
  this.timeout((seconds + 120) * 1000);
  let dir: string;
  const sim = new ProviderSimulator(
    parseScenario({
      name: 'leak-audit',
      seed: 8,
      api_key: KEY,
      answer: ANSWER,
      latency: { ttfb: { value: '5ms' }, first_token: { value: '5ms' }, chunk_gap: { value: '2ms' } },
      errors: [
        { mode: 'error_401', rate: 0.05 },
        { mode: 'error_429', rate: 0.05 },
        { mode: 'error_500', rate: 0.05 },
        { mode: 'error_503', rate: 0.04 },
      ],
      drift: [
        { mode: 'usage_null', rate: 0.05 },
        { mode: 'renamed_field', rate: 0.05 },
        { mode: 'new_field', rate: 0.04 },
        { mode: 'html_200', rate: 0.05 },
        { mode: 'redirect_301', rate: 0.04 },
        { mode: 'stream_cut', rate: 0.08, applies_to: 'stream' },
        { mode: 'stream_error_event', rate: 0.08, applies_to: 'stream' },
      ],
      faults: [
        { mode: 'invalid_json', rate: 0.04 },
        { mode: 'sse_garbage', rate: 0.04, applies_to: 'stream' },
      ],
    }),
  );
  const otlpProto = new OtlpTestReceiver();
  const otlpJson = new OtlpTestReceiver();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dw-leak-'));
  });
  after(async () => {
    await sim.stop();
    await otlpProto.stop();
    await otlpJson.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`runs ${seconds}s and no canary appears in OTLP, pages, logs or data files`, async () => {
    const base = await sim.start();
    const protoUrl = await otlpProto.start();
    const jsonUrl = await otlpJson.start();
    const healthPort = await freePort();
    const promPort = await freePort();
    const proxyPort = await freePort();
    const dataDir = join(dir, 'data');
    const logFile = join(dir, 'gateway.log');
    writeFileSync(logFile, '');
    const config = join(dir, 'agent.yaml');
    writeFileSync(
      config,
      `
receivers:
  probe/audit:
    base_url: ${base}
    api_key: \${env:DW_AUDIT_API_KEY}
    model: gpt-4o-mini
    environment: staging
    start_jitter: false
    user: ${TENANT}
    metadata: { tenant: ${TENANT} }
    prompt: ${JSON.stringify(PROMPT)}
    system_prompt: ${JSON.stringify(SYSTEM)}
    large_prompt: ${JSON.stringify(LARGE)}
    expect_answer: pong
    timeout: 5s
    budget: { daily_tokens: 0, daily_requests: 0 }
    probes:
      - { name: chat, kind: chat, interval: 1s, prompt_sizes: [small, large] }
      - { name: stream, kind: chat_stream, interval: 1s }
      - { name: usage, kind: usage, interval: 1s }
      - { name: invalid, kind: invalid_request, interval: 2s }
      - { name: payload, kind: invalid_request, invalid: payload, interval: 2s }
      - { name: deadline, kind: timeout_boundary, interval: 2s, timeout: 3ms }
  proxy/audit:
    endpoint: 127.0.0.1:${proxyPort}
    upstream: ${base.replace(/\/v1$/, '')}
    environment: staging
    tenant:
      header: x-tenant
      hmac_key: \${env:DW_AUDIT_TENANT_KEY}
  access_log/gateway:
    include: [${logFile}]
    start_at: beginning
    format: nginx_combined
    poll_interval: 100ms
processors:
  validate:
    contract: config/contracts/openai-chat-completions.yaml
  classify: {}
  redact: {}
exporters:
  debug:
    verbosity: detailed
  status: {}
  otlp_http/proto:
    endpoint: ${protoUrl}
    protocol: http/protobuf
    sending_queue: { storage: file }
    metrics: { export_interval: 2s }
  otlp_http/json:
    endpoint: ${jsonUrl}
    protocol: http/json
    compression: none
    metrics: { export_interval: 2s }
    traces: { access_log_sampling: 1 }
  prometheus:
    endpoint: 127.0.0.1:${promPort}
extensions:
  health_check:
    endpoint: 127.0.0.1:${healthPort}
service:
  extensions: [health_check]
  pipelines:
    contract:
      receivers: [probe/audit, access_log/gateway, proxy/audit]
      processors: [validate, classify, redact]
      exporters: [debug, status, otlp_http/proto, otlp_http/json, prometheus]
`,
    );
    const agent = spawnAgent(['run', '--config', config, '--data-dir', dataDir], {
      DW_AUDIT_API_KEY: KEY,
      DW_AUDIT_TENANT_KEY: TENANT_KEY,
      DRIFTWATCH_LOG_LEVEL: 'debug',
    });
    const pages: Array<{ url: string; text: string }> = [];
    const dataSnapshots: Array<{ file: string; bytes: Buffer }> = [];
    const snapshotData = (): void => {
      try {
        for (const f of walk(dataDir)) {
          try {
            dataSnapshots.push({ file: f, bytes: readFileSync(f) });
          } catch {
            // removed between listing and reading (a delivered queue entry)
          }
        }
      } catch {
        // not created yet
      }
    };
    const urls = [
      `http://127.0.0.1:${healthPort}/healthz`,
      `http://127.0.0.1:${healthPort}/metrics`,
      `http://127.0.0.1:${healthPort}/status`,
      `http://127.0.0.1:${healthPort}/status.json`,
      `http://127.0.0.1:${promPort}/metrics`,
    ];
    let line = 0;
    const writeLogLines = (): void => {
      const t = '[26/Nov/2026:10:00:00 +0000]';
      const rows: string[] = [];
      for (let i = 0; i < 20; i++) {
        line++;
        const q = i % 2 ? `?api_key=${KEY}&user=${TENANT}` : `?key=${encodeURIComponent(KEY)}`;
        const status = [200, 200, 429, 500, 502, 504, 401][line % 7];
        rows.push(
          `127.0.0.1 - ${TENANT} ${t} "POST /v1/chat/completions${q} HTTP/1.1" ${status} 512 "https://app.example/?k=${KEY}" "curl/8 Bearer ${KEY}"`,
        );
      }
      // lines the parser rejects are logged (rate-limited) with a redacted excerpt: a JSON line
      // (a LiteLLM-style log read with the wrong format) carrying the prompt, and free text
      rows.push(
        JSON.stringify({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: PROMPT }],
          user: TENANT,
          api_key: KEY,
        }),
        `garbage line Authorization: Bearer ${KEY} user=${TENANT}`,
      );
      appendFileSync(logFile, rows.join('\n') + '\n');
    };
    // Real calls through the proxy: key, tenant and prompts in headers, query and body.
    let proxied = 0;
    const callThroughProxy = async (): Promise<void> => {
      const bodies = [
        {
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: SYSTEM },
            { role: 'user', content: PROMPT },
          ],
        },
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: LARGE }], stream: true, user: TENANT },
        {
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: PROMPT }],
          stream: true,
          stream_options: { include_usage: true },
        },
        {
          model: 'no-such-model',
          messages: [{ role: 'user', content: PROMPT }],
          metadata: { tenant: TENANT },
        },
      ];
      await Promise.all(
        bodies.map(async (b) => {
          try {
            const res = await fetch(`http://127.0.0.1:${proxyPort}/v1/chat/completions?key=${KEY}`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${KEY}`,
                'content-type': 'application/json',
                'x-tenant': TENANT,
                'user-agent': `canary-agent/${TENANT}`,
              },
              body: JSON.stringify(b),
            });
            await res.text();
            proxied++;
          } catch {
            // counted by the assertion on `proxied` below
          }
        }),
      );
    };
    try {
      await waitFor(
        'the health endpoint',
        async () => (await fetch(urls[0]!)).status === 200 || undefined,
        60_000,
      );
      const end = Date.now() + seconds * 1000;
      while (Date.now() < end) {
        writeLogLines();
        await callThroughProxy();
        for (const url of urls) {
          try {
            const res = await fetch(url);
            pages.push({ url, text: await res.text() });
          } catch (err) {
            pages.push({ url, text: `fetch failed: ${String(err)}` });
          }
        }
        snapshotData();
        await new Promise((r) => setTimeout(r, 2000));
      }
      // a last metrics export must have happened; give the exporters one more interval
      await new Promise((r) => setTimeout(r, 3000));
      agent.proc.kill('SIGTERM');
      expect(await agent.exited, agent.stderr().slice(-2000)).to.equal(0);
    } finally {
      agent.proc.kill('SIGKILL');
    }
    snapshotData();

    // The run was meaningful: records of both sources, error classes, drift, OTLP traffic.
    const metricsPages = pages.filter((p) => p.url.endsWith(`${healthPort}/metrics`));
    const lastMetrics = metricsPages[metricsPages.length - 1]!.text;
    const accepted = [
      ...lastMetrics.matchAll(/driftwatch_receiver_accepted_records_total\{[^}]*\} (\d+)/g),
    ].reduce((a, m) => a + Number(m[1]), 0);
    expect(accepted, 'records accepted by the receivers').to.be.greaterThan(seconds * 5);
    const statusJson = pages.filter((p) => p.url.endsWith('/status.json')).pop()!.text;
    const classes = new Set(
      [
        ...statusJson.matchAll(
          /"(rate_limit|server_error|auth|network|timeout|invalid_request|not_found|content_type|malformed_response|protocol|stream_incomplete|overloaded|[a-z_]+_error)"/g,
        ),
      ].map((m) => m[1]),
    );
    expect(classes.size, `error classes on /status.json: ${[...classes].join(', ')}`).to.be.at.least(3);
    expect(proxied, 'calls answered through the proxy').to.be.greaterThan(seconds);
    expect(
      sum(lastMetrics, 'driftwatch_receiver_accepted_records_total', 'proxy/audit'),
      'proxy records accepted',
    ).to.be.greaterThan(0);
    const served = [...sim.served.keys()].filter((m) => m !== 'normal');
    expect(served.length, `modes served: ${served.join(', ')}`).to.be.at.least(6);
    const debugOut = agent.stdout();
    expect(debugOut, 'drift reached the debug exporter').to.match(/drift|violation/i);
    for (const r of [otlpProto, otlpJson]) {
      const signals = new Set(r.requests.map((q) => q.signal));
      expect([...signals].sort(), `signals received at ${r.url}`).to.include.members([
        'logs',
        'metrics',
        'traces',
      ]);
    }

    const leaks: string[] = [];
    for (const r of [otlpProto, otlpJson])
      for (const q of r.requests) {
        leaks.push(...findLeaks(`OTLP ${q.signal} raw (${q.contentType})`, q.raw.toString('latin1')));
        leaks.push(...findLeaks(`OTLP ${q.signal} decoded`, JSON.stringify(q.body)));
        leaks.push(...findLeaks(`OTLP ${q.signal} headers`, JSON.stringify(q.headers)));
      }
    for (const p of pages) leaks.push(...findLeaks(p.url, p.text));
    leaks.push(...findLeaks('stdout', agent.stdout()));
    leaks.push(...findLeaks('stderr', agent.stderr()));
    for (const s of dataSnapshots) {
      let text = s.bytes.toString('latin1');
      try {
        text += gunzipSync(s.bytes).toString('latin1');
      } catch {
        // not gzip
      }
      leaks.push(...findLeaks(`data file ${s.file.slice(dataDir.length)}`, text));
    }
    expect(dataSnapshots.length, 'data files were written (checkpoints, queue)').to.be.greaterThan(0);
    expect([...new Set(leaks)]).to.deep.equal([]);
  });
});
