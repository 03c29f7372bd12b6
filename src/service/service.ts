// SPDX-License-Identifier: Apache-2.0
// Runs one pipeline graph and swaps it on reload: the new graph is built (and validated)
// before the old one is touched; unchanged receivers, exporters and extensions are carried
// over with their state; a failed build leaves the old graph running.
import { componentKey } from '../component/identity.js';
import type { DriftwatchError } from '../component/errors.js';
import type { Component } from '../component/component.js';
import type { ServiceConfig } from '../config/load.js';
import { Graph } from '../pipeline/graph.js';
import type { GraphDeps, Node } from '../pipeline/graph.js';
import { ServiceHost } from './host.js';

export class Service {
  readonly host: ServiceHost;
  private graph?: Graph;
  private config?: ServiceConfig;
  private reloading: Promise<void> = Promise.resolve();

  constructor(private readonly deps: GraphDeps) {
    this.host = new ServiceHost(deps.metrics);
  }

  get currentConfig(): ServiceConfig | undefined {
    return this.config;
  }

  get currentGraph(): Graph | undefined {
    return this.graph;
  }

  async start(cfg: ServiceConfig): Promise<void> {
    const g = await Graph.build(cfg, this.deps);
    this.publishExtensions(g);
    try {
      await g.startAll(this.host);
    } catch (err) {
      await g.shutdownAll(this.host, Date.now() + this.deps.process.shutdownTimeoutMs);
      this.host.serviceState = 'stopped';
      throw err;
    }
    this.graph = g;
    this.config = cfg;
    this.host.serviceState = 'running';
  }

  /** Serialised: a second SIGHUP waits for the first reload. */
  reload(cfg: ServiceConfig): Promise<void> {
    const run = this.reloading.then(() => this.swap(cfg));
    this.reloading = run.catch(() => undefined);
    return run;
  }

  private async swap(cfg: ServiceConfig): Promise<void> {
    const old = this.graph;
    if (!old) return this.start(cfg);
    this.host.serviceState = 'reloading';
    const next = await Graph.build(cfg, this.deps, old);
    const kept = new Set<Component>(next.nodes.filter((n) => n.started).map((n) => n.instance));
    const retired = (n: Node) => !kept.has(n.instance);
    const deadline = () => Date.now() + this.deps.process.shutdownTimeoutMs;
    try {
      // 1. New extensions, exporters and processors. A replaced component that holds a port
      //    must let go first, so on a start failure stop the old one of the same id and retry.
      for (const n of next.nodes.filter((x) => x.kind !== 'receiver' && !x.started)) {
        try {
          await next.startAll(this.host, (x) => x === n);
        } catch (err) {
          const twin = old.find(n.key);
          if (!twin || !retired(twin) || !twin.started) throw err;
          await old.shutdownAll(this.host, deadline(), (x) => x === twin);
          await next.startAll(this.host, (x) => x === n);
        }
      }
      // 2. Carried-over receivers now feed the new processors.
      for (const n of next.nodes) if (n.kind === 'receiver' && n.started) n.relay?.setTarget(n.consumer!);
      // 3. Retire what the new graph no longer uses: receivers first, so they drain into live consumers.
      // a retired twin reports stopping/stopped under the key its started replacement already
      // uses: keep the replacement's state, or /healthz would show a stale "stopped"
      const replaced = old.nodes.filter((n) => retired(n) && next.find(n.key)?.started);
      const kept = replaced.map((n) => [n, this.host.statuses().get(componentKey(n))] as const);
      const errors = await old.shutdownAll(this.host, deadline(), (x) => retired(x) && x.started);
      for (const [n, s] of kept) if (s) this.host.reportStatus(n, { state: s.state, error: s.error });
      for (const e of errors)
        this.deps.logger.warn({ code: e.code, err: e.message }, 'A retired component did not stop cleanly.');
      for (const n of old.nodes) if (retired(n) && !next.find(n.key)) this.host.forget(n);
      // 4. New receivers last.
      await next.startAll(this.host);
    } catch (err) {
      this.host.serviceState = 'running';
      this.graph = next;
      this.config = cfg;
      throw err;
    }
    this.publishExtensions(next);
    this.graph = next;
    this.config = cfg;
    this.host.serviceState = 'running';
  }

  async shutdown(deadlineMs = this.deps.process.shutdownTimeoutMs): Promise<DriftwatchError[]> {
    await this.reloading;
    this.host.serviceState = 'stopping';
    const errors = this.graph ? await this.graph.shutdownAll(this.host, Date.now() + deadlineMs) : [];
    this.host.serviceState = 'stopped';
    return errors;
  }

  private publishExtensions(g: Graph): void {
    this.host.setExtensions(
      new Map(g.nodes.filter((n) => n.kind === 'extension').map((n) => [n.id, n.instance])),
    );
  }
}
