// SPDX-License-Identifier: Apache-2.0
// Real backends for exporter suites: VictoriaMetrics (OTLP/HTTP metrics, Prometheus naming) and
// Prometheus (scrape client), as unpacked by .ci/install.d/50-otlp-backends.sh into .cache/.
// Each runs as a child process on 127.0.0.1 with a free port and a temp data directory.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cacheBin = join(repoRoot, '.cache/otlp-backends/usr/bin');
export const VICTORIA_METRICS = [join(cacheBin, 'victoria-metrics'), '/usr/bin/victoria-metrics'];
export const PROMETHEUS = [join(cacheBin, 'prometheus'), '/usr/bin/prometheus'];
export const BACKENDS_HINT = 'bash .ci/install.d/50-otlp-backends.sh';

/** A port free on 127.0.0.1 right now (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function pollUntil<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

abstract class Backend {
  protected proc?: ChildProcess;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'dw-backend-'));
  port = 0;
  output = '';

  constructor(protected readonly bin: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected abstract args(): string[];
  protected abstract readyPath: string;

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const p = spawn(this.bin, this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (s: Buffer) => (this.output = (this.output + s.toString()).slice(-8000));
    p.stdout?.on('data', keep);
    p.stderr?.on('data', keep);
    this.proc = p;
    await pollUntil(
      async () => {
        if (p.exitCode !== null) throw new Error(`exited with ${p.exitCode}: ${this.output.slice(-1000)}`);
        const r = await fetch(this.url + this.readyPath);
        return r.ok ? true : undefined;
      },
      30_000,
      `${this.bin} to be ready`,
    );
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Instant query through the Prometheus-compatible API: `[{metric, value}]`. */
  async query(q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const r = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(q)}`);
    const j = (await r.json()) as {
      status: string;
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    if (j.status !== 'success') throw new Error(`query failed: ${JSON.stringify(j).slice(0, 300)}`);
    return j.data.result;
  }

  /** Sum of an instant query's values, or undefined when no series. */
  async sum(q: string): Promise<number | undefined> {
    const res = await this.query(`sum(${q})`);
    return res.length ? Number(res[0].value[1]) : undefined;
  }
}

export class VictoriaMetrics extends Backend {
  protected readyPath = '/health';
  protected args(): string[] {
    return [
      `-storageDataPath=${this.dataDir}`,
      `-httpListenAddr=127.0.0.1:${this.port}`,
      '-opentelemetry.usePrometheusNaming',
      '-retentionPeriod=1d',
      '-search.latencyOffset=0s',
      '-search.disableCache',
      '-loggerLevel=ERROR',
    ];
  }
  get otlpMetricsUrl(): string {
    return `${this.url}/opentelemetry/v1/metrics`;
  }
}

export class Prometheus extends Backend {
  protected readyPath = '/-/ready';
  constructor(
    bin: string,
    private readonly target: string,
    private readonly interval = '1s',
    /** Alerting rule files to load (evaluated every `interval`). */
    private readonly ruleFiles: readonly string[] = [],
  ) {
    super(bin);
  }
  protected args(): string[] {
    const cfg = join(this.dataDir, 'prometheus.yml');
    writeFileSync(
      cfg,
      [
        'global:',
        `  scrape_interval: ${this.interval}`,
        `  evaluation_interval: ${this.interval}`,
        ...(this.ruleFiles.length
          ? ['rule_files:', ...this.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)]
          : []),
        'scrape_configs:',
        '  - job_name: driftwatch',
        '    static_configs:',
        `      - targets: ['${this.target}']`,
        '',
      ].join('\n'),
    );
    return [
      `--config.file=${cfg}`,
      `--storage.tsdb.path=${join(this.dataDir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${this.port}`,
      '--log.level=error',
    ];
  }
}
