// SPDX-License-Identifier: Apache-2.0
// The `probe` receiver: runs synthetic contract probes against one OpenAI-compatible target on
// their intervals and pushes one CallRecord per probe run. A probe never overlaps itself (a tick
// is skipped while the previous run is going), probes share a concurrency cap, and a daily
// token/request budget stops probing when spent (one `probe.budget_exhausted` event per day).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  Component,
  CreateSettings,
  Host,
  RunOnceCapable,
  ShutdownOptions,
} from '../../component/component.js';
import type { Consumer } from '../../component/consumer.js';
import { newContext } from '../../component/consumer.js';
import { codeOf, ConfigError } from '../../component/errors.js';
import { providerOf } from '../../http-call/provider.js';
import { newCallRecord } from '../../model/call-record.js';
import type { CallRecord, TargetInfo } from '../../model/call-record.js';
import { TARGET_DECLARED_EVENT } from '../../signals/names.js';
import { ProbeBudget } from './budget.js';
import type { ProbeReceiverConfig, ProbeSpec } from './config.js';
import { Connections } from './connection.js';
import { estimateTokens, buildRequest } from './request-builder.js';
import { sleepUnlessAborted } from '../../util/abort.js';
import { runProbe } from './run-probe.js';
import type { ProbeTargetContext } from './run-probe.js';

/** Target URL = base_url + path, without doubling the slash. */
export function targetUrl(cfg: Pick<ProbeReceiverConfig, 'base_url' | 'path'>): URL {
  return new URL(cfg.base_url.replace(/\/+$/, '') + cfg.path);
}

class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((r) => this.waiters.push(r));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }
}

/** Process-wide cap: probe requests in flight across every probe receiver of the agent. */
export const GLOBAL_PROBE_CONCURRENCY = 16;
const globalSlots = new Semaphore(GLOBAL_PROBE_CONCURRENCY);

export class ProbeReceiver implements Component, RunOnceCapable {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly slots: Semaphore;
  private readonly budget: ProbeBudget;
  private ctx?: ProbeTargetContext;
  private stopped = false;
  private host?: Host;

  constructor(
    private readonly settings: CreateSettings,
    private readonly cfg: ProbeReceiverConfig,
    private readonly next: Consumer,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.slots = new Semaphore(cfg.max_concurrency);
    const file = join(
      settings.dataDir,
      'probe-budget',
      `${settings.id.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`,
    );
    this.budget = new ProbeBudget(file, {
      dailyTokens: cfg.budget.daily_tokens,
      dailyRequests: cfg.budget.daily_requests,
    });
  }

  async start(host: Host): Promise<void> {
    if (this.stopped) return;
    this.host = host;
    if (!this.prepare()) {
      // The loader's validate() refuses this; a receiver created without it just reports and idles.
      this.settings.telemetry.error('config_failed', 'receiving');
      host.reportStatus(this.settings, {
        state: 'permanent_error',
        error: 'base_url is missing or invalid',
      });
      return;
    }
    for (const p of this.cfg.probes) this.schedule(p);
    void this.emit(this.declarations());
    host.reportStatus(this.settings, { state: 'ok' });
  }

  /**
   * `driftwatch check`: runs every probe (every prompt size) `repeat` times through the same path
   * as the scheduled ticks (budget, concurrency caps, emit) and resolves once every record was
   * acknowledged downstream. Works without start(): no timers are set.
   */
  async runOnce(opts: { repeat: number; signal?: AbortSignal }): Promise<void> {
    if (this.stopped) return;
    if (!this.ctx && !this.prepare())
      throw new ConfigError([`${this.settings.id}: base_url is missing or invalid`]);
    const cut = () => this.abort.abort();
    if (opts.signal?.aborted) return;
    opts.signal?.addEventListener('abort', cut, { once: true });
    try {
      for (let i = 0; i < opts.repeat && !this.stopped && !this.abort.signal.aborted; i++) {
        await Promise.all(this.cfg.probes.map((p) => this.runAll(p)));
      }
    } finally {
      opts.signal?.removeEventListener('abort', cut);
    }
  }

  /** Builds the target context once; false when base_url is unusable. */
  private prepare(): boolean {
    if (this.ctx) return true;
    let url: URL;
    try {
      url = targetUrl(this.cfg);
    } catch {
      return false;
    }
    const ca = this.cfg.tls.ca_file ? readFileSync(this.cfg.tls.ca_file, 'utf8') : undefined;
    const target: TargetInfo = {
      provider: providerOf(this.cfg, url),
      endpoint: url.pathname,
      serverAddress: url.hostname,
      serverPort: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
    };
    if (this.cfg.environment) target.environment = this.cfg.environment;
    if (this.cfg.contract) target.contract = this.cfg.contract;
    this.ctx = {
      receiverId: this.settings.id,
      cfg: this.cfg,
      url,
      target,
      connections: new Connections({
        origin: url,
        ca,
        serverName: this.cfg.tls.server_name,
        connectTimeoutMs: this.cfg.connect_timeout,
        keepAlive: this.cfg.keep_alive,
        proxy: this.cfg.proxy,
        env: this.env,
        dnsServers: this.cfg.dns_servers,
      }),
      signal: this.abort.signal,
      sleep: (ms) => this.sleep(ms),
    };
    return true;
  }

  private schedule(p: ProbeSpec): void {
    const every = Math.max(1, p.interval);
    const offset = this.cfg.start_jitter ? Math.floor(Math.random() * Math.min(every, 60_000)) : 0;
    const first = setTimeout(() => {
      this.timers.delete(first);
      this.tick(p);
      const t = setInterval(() => this.tick(p), every);
      t.unref();
      this.timers.add(t);
    }, offset);
    first.unref();
    this.timers.add(first);
  }

  /** Runs one probe now (all its prompt sizes) unless it is still running. */
  tick(p: ProbeSpec): void {
    if (this.stopped || !this.ctx || this.running.has(p.name)) return;
    this.running.add(p.name);
    const run = this.runAll(p)
      .catch((err: unknown) => {
        this.settings.telemetry.error('request_failed', 'receiving');
        this.settings.logger.error({ probe: p.name, err: String(err) }, 'Probe run failed unexpectedly.');
      })
      .finally(() => {
        this.running.delete(p.name);
        this.inflight.delete(run);
      });
    this.inflight.add(run);
  }

  private async runAll(p: ProbeSpec): Promise<void> {
    for (const size of p.prompt_sizes) {
      if (this.stopped) return;
      await this.slots.acquire();
      await globalSlots.acquire();
      try {
        if (this.stopped) return;
        const spent = this.budget.exhausted();
        if (spent) {
          if (this.budget.announce()) await this.emit([this.budgetEvent(p, spent)]);
          return;
        }
        const record = await runProbe(this.ctx!, p, size);
        // Without usage, a response that got an answer is charged an estimate; a failed connection costs nothing.
        const answered = (record.response.status ?? 0) >= 200 && (record.response.status ?? 0) < 300;
        const tokens =
          record.response.usage?.totalTokens ??
          (answered ? estimateTokens(buildRequest(this.cfg, p, size).body) : 0);
        this.budget.add(record.retry?.attempts ?? 1, tokens);
        if (this.stopped && record.transportError?.code === 'aborted') return;
        await this.emit([record]);
      } finally {
        globalSlots.release();
        this.slots.release();
      }
    }
  }

  /**
   * One `target.declared` event per probe and prompt size, with the request fields its records
   * will carry: exporters create the target's alerting counters at 0 before the first probe ends.
   */
  private declarations(): CallRecord[] {
    const ctx = this.ctx!;
    const out: CallRecord[] = [];
    for (const p of this.cfg.probes)
      for (const size of p.prompt_sizes) {
        const r = newCallRecord(
          'probe',
          this.settings.id,
          { ...ctx.target },
          {
            method: 'POST',
            route: ctx.target.endpoint,
            ...buildRequest(this.cfg, p, size).info,
            synthetic: true,
          },
        );
        r.event = { name: TARGET_DECLARED_EVENT, attributes: { probe: p.name, kind: p.kind } };
        out.push(r);
      }
    return out;
  }

  private budgetEvent(p: ProbeSpec, limit: 'tokens' | 'requests'): CallRecord {
    const ctx = this.ctx!;
    const s = this.budget.snapshot();
    const r = newCallRecord(
      'probe',
      this.settings.id,
      { ...ctx.target },
      {
        method: 'POST',
        route: ctx.target.endpoint,
        synthetic: true,
        probe: p.name,
        probeKind: p.kind,
      },
    );
    r.event = {
      name: 'probe.budget_exhausted',
      attributes: {
        receiver: this.settings.id,
        limit,
        day: s.day,
        spent_tokens: s.tokens,
        spent_requests: s.requests,
        daily_tokens: this.cfg.budget.daily_tokens,
        daily_requests: this.cfg.budget.daily_requests,
      },
    };
    this.settings.logger.warn(
      { receiver: this.settings.id, limit, day: s.day },
      'Probe budget exhausted: probing paused until the next UTC day.',
    );
    return r;
  }

  private async emit(batch: CallRecord[]): Promise<void> {
    try {
      // accepted/refused are counted by the pipeline's observeReceiverOutput wrapper
      await this.next.consume(batch, newContext(this.abort.signal));
    } catch (err) {
      this.settings.telemetry.error('request_failed', 'receiving');
      // a probe keeps no checkpoint: a refused record is gone, so here (and only here) it is dropped
      this.settings.telemetry.dropped(batch.length, 'refused_downstream', false);
      this.settings.logger.warn(
        { code: codeOf(err), err: String(err), records: batch.length },
        'Pipeline refused a probe record; dropping it (the next run probes again).',
      );
    }
  }

  private async sleep(ms: number): Promise<void> {
    await sleepUnlessAborted(ms, this.abort.signal);
  }

  async shutdown(opts: ShutdownOptions): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    this.timers.clear();
    // In-flight probes are cut: a half-finished probe says nothing about the contract.
    this.abort.abort();
    const wait = Promise.allSettled([...this.inflight]);
    const left = Math.max(0, opts.deadline - Date.now());
    await Promise.race([wait, new Promise((r) => setTimeout(r, left).unref())]);
    await this.ctx?.connections.close();
    this.budget.flush();
    this.host?.reportStatus(this.settings, { state: 'stopped' });
  }
}
