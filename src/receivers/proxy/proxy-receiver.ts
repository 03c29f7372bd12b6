// SPDX-License-Identifier: Apache-2.0
// The `proxy` receiver. Calls are forwarded and described by the forwarder (`forwarder.ts`), in
// the agent's thread or on a thread of its own (`forwarding.ts`); this side counts what it
// reports and hands its records to the pipeline fail-open through the outbox: a slow or
// refusing pipeline drops records (counted), never a call.
import { request } from 'undici';
import type { Component, CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import type { Consumer } from '../../component/consumer.js';
import type { BoundCounter, Counter } from '../../telemetry/self-metrics.js';
import { splitHostPort } from '../../util/host-port.js';
import { DEFAULT_JUDGE_PATHS } from './config.js';
import type { ProxyReceiverConfig } from './config.js';
import type { ForwarderSink } from './forwarder.js';
import { forwardInThread, forwardOnOwnThread } from './forwarding.js';
import type { Forwarding } from './forwarding.js';
import { Outbox } from './outbox.js';
import type { ProxyCounter } from './tally.js';

export class ProxyReceiver implements Component {
  private forwarding?: Forwarding;
  private outbox?: Outbox;
  private host?: Host;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly counters: Record<ProxyCounter, Counter>;
  private readonly labels: Record<string, string>;
  // every call is counted: its series are looked up once (status classes and reasons are few)
  private readonly bound = new Map<string, BoundCounter>();

  constructor(
    private readonly settings: CreateSettings,
    private readonly cfg: ProxyReceiverConfig,
    private readonly next: Consumer,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    const m = settings.telemetry.metrics;
    this.labels = { receiver: settings.id };
    this.counters = {
      calls: m.counter(
        'driftwatch_proxy_calls_total',
        'Calls through the proxy receiver, every one (sampled or not), by status class and judged.',
      ),
      unjudged: m.counter(
        'driftwatch_proxy_unjudged_calls_total',
        'Calls passed through without a record: other path, sampled out, body above the judge limit, client abort, refused.',
      ),
      dropped: m.counter(
        'driftwatch_proxy_records_dropped_total',
        'Proxy records dropped because the pipeline was slow or refused them (the calls were untouched).',
      ),
      judgeErrors: m.counter(
        'driftwatch_proxy_judge_errors_total',
        'Errors while describing a proxied call (the call was untouched).',
      ),
      connections: m.counter(
        'driftwatch_proxy_upstream_connections_total',
        'Connections the proxy established to its upstream (TCP, and TLS for https; through an HTTP(S) proxy, tunnels); a call on a kept-alive connection opens none.',
      ),
    };
  }

  /** Where the proxy listens (after start); tests use port 0. */
  get address(): { host: string; port: number } | undefined {
    return this.forwarding?.address;
  }

  async start(host: Host): Promise<void> {
    if (this.stopped) return;
    this.host = host;
    const { host: bindHost, port } = splitHostPort(this.cfg.endpoint);
    await this.open(bindHost, port, this.cfg.endpoint);
    host.reportStatus(this.settings, { state: 'ok' });
  }

  /** The outbox and the forwarder (shared by `start` and `runOnce`). */
  private async open(bindHost: string, port: number, endpoint: string): Promise<void> {
    const outbox = new Outbox(this.next, {
      maxPending: this.cfg.max_pending_records,
      maxBatch: 256,
      maxInFlight: 2,
      flushMs: 20,
      signal: this.abort.signal,
      onDrop: (n, reason) => this.add(`dropped|${reason}`, 'dropped', { reason }, n),
    });
    this.outbox = outbox;
    const logger = this.settings.logger;
    const sink: ForwarderSink = {
      record: (r) => void outbox.offer(r),
      count: (key, counter, labels, n) => this.add(key, counter, labels, n),
      log: (level, fields, msg) => logger[level](fields, msg),
    };
    const listen = { id: this.settings.id, cfg: this.cfg, env: this.env, bindHost, port, endpoint };
    this.forwarding = this.cfg.forward_thread
      ? await forwardOnOwnThread(listen, sink, (error) => {
          // `host` is set by start() only: `check` (runOnce) has no status to report
          if (!this.stopped) this.host?.reportStatus(this.settings, { state: 'permanent_error', error });
        })
      : await forwardInThread(listen, sink);
  }

  /** Adds `n` to `counter`'s series of the receiver's labels plus `labels`, bound once per `key`. */
  private add(key: string, counter: ProxyCounter, labels: Record<string, string>, n = 1): void {
    let series = this.bound.get(key);
    if (!series) this.bound.set(key, (series = this.counters[counter].bind({ ...this.labels, ...labels })));
    series.add(n);
  }

  /**
   * `driftwatch check`: `repeat` synthetic chat completions through this proxy, on a loopback
   * port of its own (the configured endpoint may belong to a running agent), marked with
   * `synthetic_header`, then judged and exported like any proxied call. The records are handed
   * to the pipeline before this returns.
   */
  async runOnce(opts: { repeat: number; signal?: AbortSignal }): Promise<void> {
    if (this.stopped) return;
    if (!this.forwarding) await this.open('127.0.0.1', 0, '127.0.0.1:0');
    const { host, port } = this.forwarding!.address;
    const path = this.cfg.judge_paths.find((p) => !p.endsWith('*')) ?? DEFAULT_JUDGE_PATHS[0];
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'driftwatch-check',
      [this.cfg.synthetic_header.name.toLowerCase()]: this.cfg.synthetic_header.value,
    };
    if (this.cfg.check.api_key) headers.authorization = `Bearer ${this.cfg.check.api_key}`;
    const body = JSON.stringify({
      model: this.cfg.check.model,
      messages: [{ role: 'user', content: 'Reply with exactly: pong.' }],
      max_tokens: 16,
    });
    try {
      for (let i = 0; i < opts.repeat && !opts.signal?.aborted; i++) {
        // the answer, good or bad, is judged from the record; a 502 of the proxy is one too
        const res = await request(`http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`, {
          method: 'POST',
          headers,
          body,
          signal: opts.signal,
        }).catch(() => undefined);
        await res?.body.dump({ limit: Infinity }).catch(() => {});
      }
    } finally {
      await this.forwarding?.flush();
      await this.outbox?.drain(Date.now() + 10_000);
    }
  }

  async shutdown(opts: ShutdownOptions): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // calls in flight may finish until the deadline; then their connections are cut
    await this.forwarding?.shutdown(opts.deadline);
    await this.outbox?.drain(opts.deadline);
    this.abort.abort();
    this.host?.reportStatus(this.settings, { state: 'stopped' });
  }
}
