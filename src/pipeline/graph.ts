// SPDX-License-Identifier: Apache-2.0
// The pipeline graph (Collector service/internal/graph):
//
//   receiver ─relay─► fanout ─► [processor → processor]₁ ─► fanout ─► exporter A
//                          └──► [processor → …]₂        ─────────┴─► exporter B
//
// Receivers and exporters are shared across pipelines; processors are created per pipeline.
// Start: extensions, exporters, processors, receivers. Stop: the reverse, so upstream drains
// into live consumers. Every shutdown error is collected.
import { join } from 'node:path';
import type { Component, Host, Kind } from '../component/component.js';
import type { Consumer } from '../component/consumer.js';
import { DriftwatchError } from '../component/errors.js';
import type { ProcessSettings } from '../config/process-settings.js';
import type { ServiceConfig } from '../config/load.js';
import { createComponentTelemetry } from '../telemetry/component-telemetry.js';
import type { Logger } from '../telemetry/logger.js';
import type { SelfMetrics } from '../telemetry/self-metrics.js';
import { fanout, Relay } from './fanout.js';
import {
  observeExporter,
  observeProcessorInput,
  observeProcessorOutput,
  observeReceiverOutput,
} from './observed.js';
import type { Registry } from './registry.js';

export interface GraphDeps {
  registry: Registry;
  process: ProcessSettings;
  logger: Logger;
  metrics: SelfMetrics;
}

export interface Node {
  /** Unique key in the graph: `receiver:probe/x`, `processor:contract:validate`. */
  key: string;
  id: string;
  kind: Kind;
  pipeline?: string;
  /** Stable serialisation of the config: equal means "unchanged" on reload. */
  fingerprint: string;
  instance: Component;
  /** Exporters and processors: the observed consumer others call. */
  consumer?: Consumer;
  /** Receivers: the swappable downstream. */
  relay?: Relay;
  started: boolean;
}

export class Graph {
  /** In start order. */
  readonly nodes: Node[] = [];

  private constructor() {}

  /**
   * `tap`, when given, is added beside the exporters of every pipeline: `driftwatch check`
   * reads the judged records there.
   */
  static async build(cfg: ServiceConfig, deps: GraphDeps, previous?: Graph, tap?: Consumer): Promise<Graph> {
    await Graph.loadImplementations(cfg, deps.registry);
    const g = new Graph();
    const reuse = (key: string, fingerprint: string): Node | undefined => {
      const old = previous?.find(key);
      return old && old.fingerprint === fingerprint && old.kind !== 'processor' ? old : undefined;
    };
    const settingsFor = (kind: Kind, id: string, pipeline?: string) => ({
      id,
      kind,
      pipeline,
      logger: deps.logger.child({ component: `${kind}/${id}`, ...(pipeline ? { pipeline } : {}) }),
      telemetry: createComponentTelemetry(deps.metrics, kind, id, pipeline),
      process: deps.process,
      dataDir: join(deps.process.dataDir, `${kind}-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`),
      sensitive: cfg.sensitive,
    });

    for (const id of cfg.service.extensions) {
      const c = cfg.extensions.get(id)!;
      const fp = stableJson(c.config);
      const key = `extension:${id}`;
      const old = reuse(key, fp);
      if (old) g.nodes.push({ ...old });
      else {
        const f = deps.registry.get('extension', c.type)!;
        g.nodes.push({
          key,
          id,
          kind: 'extension',
          fingerprint: fp,
          instance: f.create(settingsFor('extension', id), c.config),
          started: false,
        });
      }
    }

    const exporterIds = new Set([...cfg.service.pipelines.values()].flatMap((p) => p.exporters));
    const exporters = new Map<string, Consumer>();
    for (const id of exporterIds) {
      const c = cfg.exporters.get(id)!;
      const fp = stableJson(c.config);
      const key = `exporter:${id}`;
      const old = reuse(key, fp);
      if (old) {
        g.nodes.push({ ...old });
        exporters.set(id, old.consumer!);
      } else {
        const s = settingsFor('exporter', id);
        const inst = deps.registry.get('exporter', c.type)!.create(s, c.config);
        const consumer = observeExporter(inst, s.telemetry);
        g.nodes.push({
          key,
          id,
          kind: 'exporter',
          fingerprint: fp,
          instance: inst,
          consumer,
          started: false,
        });
        exporters.set(id, consumer);
      }
    }

    const entries = new Map<string, Consumer>();
    for (const p of cfg.service.pipelines.values()) {
      let next: Consumer = fanout([...p.exporters.map((e) => exporters.get(e)!), ...(tap ? [tap] : [])]);
      const procNodes: Node[] = [];
      for (const id of [...p.processors].reverse()) {
        const c = cfg.processors.get(id)!;
        const s = settingsFor('processor', id, p.id);
        const inst = deps.registry
          .get('processor', c.type)!
          .create(s, c.config, observeProcessorOutput(next, s.telemetry));
        next = observeProcessorInput(inst, s.telemetry);
        procNodes.unshift({
          key: `processor:${p.id}:${id}`,
          id,
          kind: 'processor',
          pipeline: p.id,
          fingerprint: stableJson(c.config),
          instance: inst,
          consumer: next,
          started: false,
        });
      }
      // Processors start downstream-first too.
      g.nodes.push(...procNodes.reverse());
      entries.set(p.id, next);
    }

    const receiverIds = new Set([...cfg.service.pipelines.values()].flatMap((p) => p.receivers));
    for (const id of receiverIds) {
      const c = cfg.receivers.get(id)!;
      const fp = stableJson(c.config);
      const key = `receiver:${id}`;
      const downstream = fanout(
        [...cfg.service.pipelines.values()]
          .filter((p) => p.receivers.includes(id))
          .map((p) => entries.get(p.id)!),
      );
      const old = reuse(key, fp);
      if (old) {
        // The relay is re-pointed when the new graph is committed, not before.
        g.nodes.push({ ...old, consumer: downstream });
      } else {
        const s = settingsFor('receiver', id);
        const relay = new Relay(downstream);
        const inst = deps.registry
          .get('receiver', c.type)!
          .create(s, c.config, observeReceiverOutput(relay, s.telemetry));
        g.nodes.push({
          key,
          id,
          kind: 'receiver',
          fingerprint: fp,
          instance: inst,
          relay,
          consumer: downstream,
          started: false,
        });
      }
    }
    return g;
  }

  /** Imports the implementation of every component type the service uses, and only those. */
  private static async loadImplementations(cfg: ServiceConfig, registry: Registry): Promise<void> {
    const pipelines = [...cfg.service.pipelines.values()];
    const used: [Kind, Map<string, { type: string }>, string[]][] = [
      ['extension', cfg.extensions, cfg.service.extensions],
      ['exporter', cfg.exporters, pipelines.flatMap((p) => p.exporters)],
      ['processor', cfg.processors, pipelines.flatMap((p) => p.processors)],
      ['receiver', cfg.receivers, pipelines.flatMap((p) => p.receivers)],
    ];
    const loads = used.flatMap(([kind, blocks, ids]) =>
      [...new Set(ids.map((id) => blocks.get(id)!.type))].map((type) => registry.get(kind, type)?.load?.()),
    );
    await Promise.all(loads);
  }

  find(key: string): Node | undefined {
    return this.nodes.find((n) => n.key === key);
  }

  /** Starts every node not yet started, in order; throws on the first failure (already-started nodes stay up). */
  async startAll(host: Host, filter: (n: Node) => boolean = () => true): Promise<void> {
    for (const n of this.nodes) {
      if (n.started || !filter(n)) continue;
      host.reportStatus(n, { state: 'starting' });
      try {
        await n.instance.start(host);
      } catch (err) {
        host.reportStatus(n, { state: 'permanent_error', error: (err as Error).message });
        throw new DriftwatchError(
          'DW_ERR_COMPONENT_START',
          `${n.kind} "${n.id}" failed to start: ${(err as Error).message}`,
          { cause: err },
        );
      }
      n.started = true;
      host.reportStatus(n, { state: 'ok' });
    }
  }

  /** Stops the given nodes (default all) in reverse start order, collecting every error. */
  async shutdownAll(
    host: Host | undefined,
    deadline: number,
    filter: (n: Node) => boolean = () => true,
  ): Promise<DriftwatchError[]> {
    const errors: DriftwatchError[] = [];
    for (const n of [...this.nodes].reverse()) {
      if (!filter(n)) continue;
      host?.reportStatus(n, { state: 'stopping' });
      try {
        await withDeadline(n.instance.shutdown({ deadline }), deadline, `${n.kind} "${n.id}"`);
        host?.reportStatus(n, { state: 'stopped' });
      } catch (err) {
        errors.push(
          new DriftwatchError('DW_ERR_SHUTDOWN', `${n.kind} "${n.id}": ${(err as Error).message}`, {
            cause: err,
          }),
        );
        host?.reportStatus(n, { state: 'permanent_error', error: (err as Error).message });
      }
      n.started = false;
    }
    return errors;
  }
}

async function withDeadline<T>(p: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const ms = Math.max(0, deadline - Date.now());
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not stop within the shutdown deadline`)), ms);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** JSON with sorted keys: equal configs give equal strings. */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : x,
  );
}
