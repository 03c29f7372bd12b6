// SPDX-License-Identifier: Apache-2.0
// docs_watch: checks documentation pages on a slow interval and emits a `docs.changed` event
// record when the normalised page hash moves: the reliability guide's trigger to re-run
// contract validation. One timer wakes for the earliest due page; a check never overlaps the
// previous one; each page backs off on its own after failures.
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import type { Component, CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import type { Consumer } from '../../component/consumer.js';
import { newContext } from '../../component/consumer.js';
import { newCallRecord } from '../../model/call-record.js';
import type { CallRecord } from '../../model/call-record.js';
import { RateLimitedLog } from '../../telemetry/logger.js';
import type { Counter } from '../../telemetry/self-metrics.js';
import type { DocsWatchConfig } from './config.js';
import { urlsFromContracts } from './contract-urls.js';
import type { WatchedUrl } from './contract-urls.js';
import { createDispatcher, fetchPage } from './fetch-page.js';
import { hashText, looksLikeHtml, normalizePage } from './normalize.js';
import { DocsStateStore } from './state.js';

interface Page extends WatchedUrl {
  dueAt: number;
  failures: number;
}

export type CheckResult = 'baseline' | 'changed' | 'unchanged' | 'not_modified' | 'error';

const MAX_TIMER_MS = 2_147_483_647;

export class DocsWatchReceiver implements Component {
  private readonly pages: Page[] = [];
  private readonly store: DocsStateStore;
  private readonly log: RateLimitedLog;
  private readonly checks: Counter;
  private dispatcher?: Dispatcher;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly intervalMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: DocsWatchConfig,
    private readonly next: Consumer,
    private readonly now: () => number = Date.now,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.intervalMs = config.interval;
    this.backoffMs = config.retry_backoff;
    this.maxBackoffMs = config.max_backoff;
    this.store = new DocsStateStore(join(settings.dataDir, 'pages.json'));
    this.log = new RateLimitedLog(settings.logger, 60_000, 3);
    this.checks = settings.telemetry.metrics.counter(
      'driftwatch_docs_watch_checks_total',
      'Documentation page checks by result (baseline, changed, unchanged, not_modified, error).',
    );
  }

  async start(_host: Host): Promise<void> {
    const fromContracts = urlsFromContracts(this.config.contracts);
    for (const p of fromContracts.problems) this.settings.logger.warn({ receiver: this.settings.id }, p);
    const seen = new Set<string>();
    const first = this.now() + this.config.initial_delay;
    for (const w of [...this.config.urls.map((url) => ({ url })), ...fromContracts.urls]) {
      if (seen.has(w.url)) continue;
      seen.add(w.url);
      this.pages.push({ ...w, dueAt: first, failures: 0 });
    }
    const problem = this.store.load();
    if (problem) this.settings.logger.warn({ receiver: this.settings.id }, problem);
    this.dispatcher = createDispatcher(this.config.timeout, this.env);
    this.settings.logger.info(
      { receiver: this.settings.id, pages: this.pages.length },
      'Documentation watch started.',
    );
    this.schedule();
  }

  /** Checks every page now, in order (also what the timer does for due pages). */
  async checkAll(): Promise<CheckResult[]> {
    const out: CheckResult[] = [];
    for (const p of this.pages) out.push(await this.check(p));
    return out;
  }

  private schedule(): void {
    if (this.stopped || this.pages.length === 0) return;
    const due = Math.min(...this.pages.map((p) => p.dueAt));
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, due - this.now()));
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref();
  }

  private tick(): void {
    if (this.stopped || this.running) return;
    const t = this.now();
    const run = (async () => {
      for (const p of this.pages) {
        if (this.stopped) break;
        if (p.dueAt <= t) await this.check(p);
      }
    })();
    this.running = run.finally(() => {
      this.running = undefined;
      this.schedule();
    });
  }

  private async check(page: Page): Promise<CheckResult> {
    const result = await this.checkOnce(page).catch((err: unknown) => {
      this.log.error(
        'unexpected',
        { receiver: this.settings.id, err: String(err) },
        'Documentation check failed.',
      );
      this.failed(page, this.now());
      return 'error' as const;
    });
    this.checks.add(1, { receiver: this.settings.id, result });
    return result;
  }

  private async checkOnce(page: Page): Promise<CheckResult> {
    const prev = this.store.get(page.url);
    const res = await fetchPage(
      page.url,
      {
        userAgent: this.config.user_agent,
        timeoutMs: this.config.timeout,
        maxBodyBytes: this.config.max_body_bytes,
        etag: prev?.etag,
        lastModified: prev?.lastModified,
        signal: this.abort.signal,
      },
      this.dispatcher ?? createDispatcher(30_000),
    );
    const t = this.now();
    if (this.stopped) return 'error';
    const host = safeHost(page.url);
    if (res.kind === 'not_modified' && prev) {
      this.succeeded(page, t);
      this.store.set(page.url, { ...prev, checkedAt: t });
      this.saveQuietly();
      return 'not_modified';
    }
    if (res.kind !== 'ok') {
      const retryAfter = res.kind === 'http_error' ? res.retryAfterMs : undefined;
      this.failed(page, t, retryAfter);
      const what =
        res.kind === 'http_error' ? `HTTP ${res.status}` : res.kind === 'failed' ? res.code : 'not_modified';
      this.settings.telemetry.error(
        res.kind === 'failed' && res.reason === 'timeout'
          ? 'timed_out'
          : res.kind === 'failed' && res.reason === 'connection'
            ? 'connection_failed'
            : 'request_failed',
        'receiving',
      );
      this.log.warn(
        `fail:${page.url}`,
        { receiver: this.settings.id, url_host: host, error: what, retry_in_ms: page.dueAt - t },
        'Documentation page could not be checked; backing off.',
      );
      return 'error';
    }
    const hash = hashText(normalizePage(res.text, looksLikeHtml(res.contentType, res.text)));
    const state = { hash, etag: res.etag, lastModified: res.lastModified, checkedAt: t, changedAt: t };
    if (!prev) {
      this.succeeded(page, t);
      this.store.set(page.url, state);
      this.saveQuietly();
      return 'baseline';
    }
    if (prev.hash === hash) {
      this.succeeded(page, t);
      this.store.set(page.url, { ...state, changedAt: prev.changedAt });
      this.saveQuietly();
      return 'unchanged';
    }
    // Remember the new hash only once the event is acknowledged downstream, so a refused
    // event is announced again at the next check rather than lost.
    try {
      await this.next.consume([this.changedEvent(page, prev.hash, hash, res.bytes, t)], newContext());
    } catch (err) {
      this.failed(page, t);
      this.log.warn(
        'refused',
        { receiver: this.settings.id, err: String(err) },
        'Documentation change event was refused downstream; it will be announced again.',
      );
      return 'error';
    }
    this.succeeded(page, t);
    this.store.set(page.url, state);
    this.saveQuietly();
    this.settings.logger.info(
      {
        receiver: this.settings.id,
        url_host: host,
        previous_hash: prev.hash.slice(0, 12),
        hash: hash.slice(0, 12),
      },
      'Documentation changed: re-run contract validation.',
    );
    return 'changed';
  }

  private changedEvent(page: Page, previous: string, hash: string, bytes: number, t: number): CallRecord {
    const u = new URL(page.url);
    const r = newCallRecord(
      'docs_watch',
      this.settings.id,
      {
        provider: page.provider ?? u.hostname,
        endpoint: u.pathname,
        serverAddress: u.host,
        contract: page.contract,
      },
      { method: 'GET', route: u.pathname, synthetic: true },
      t,
    );
    r.event = {
      name: 'docs.changed',
      attributes: {
        url_host: u.hostname,
        url_path: u.pathname,
        hash: hash.slice(0, 16),
        previous_hash: previous.slice(0, 16),
        bytes,
        ...(page.contract ? { contract: page.contract } : {}),
      },
    };
    // The full URL (with its query) stays out of attributes; extras are never exported as such.
    r.extra = { url: page.url };
    return r;
  }

  private succeeded(page: Page, t: number): void {
    page.failures = 0;
    page.dueAt = t + this.intervalMs;
  }

  private failed(page: Page, t: number, retryAfterMs?: number): void {
    page.failures++;
    const exp = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** Math.min(page.failures - 1, 30));
    const jittered = exp * (0.8 + Math.random() * 0.4);
    page.dueAt = t + Math.max(Math.min(jittered, this.maxBackoffMs), retryAfterMs ?? 0);
  }

  private saveQuietly(): void {
    try {
      this.store.save();
    } catch (err) {
      this.settings.telemetry.error('io_failed', 'receiving');
      this.log.error(
        'save',
        { receiver: this.settings.id, err: (err as NodeJS.ErrnoException).code ?? String(err) },
        'Cannot persist documentation hashes; a restart may announce a change again.',
      );
    }
  }

  async shutdown(_opts: ShutdownOptions): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.running;
    const d = this.dispatcher;
    this.dispatcher = undefined;
    await d?.close();
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return 'invalid';
  }
}
