// SPDX-License-Identifier: Apache-2.0
// Component lifecycle contracts (learned from the Collector's component.Component).
import type { Logger } from '../telemetry/logger.js';
import type { ComponentTelemetry } from '../telemetry/component-telemetry.js';
import type { SelfMetrics } from '../telemetry/self-metrics.js';
import type { ProcessSettings } from '../config/process-settings.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kind } from '../model/component-kind.js';
import type { ComponentIdentity } from './identity.js';

/** An extra HTTP route served by the health_check extension (status page, etc.). */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export type { Kind, Stability } from '../model/component-kind.js';

export type ComponentState =
  'starting' | 'ok' | 'recoverable_error' | 'permanent_error' | 'stopping' | 'stopped';

export interface ComponentStatus {
  state: ComponentState;
  /** Sanitized reason, never a secret. */
  error?: string;
  since: number;
}

export interface ShutdownOptions {
  /** Absolute wall-clock deadline (epoch ms) by which the component must have released everything. */
  deadline: number;
}

export type ServiceState = 'starting' | 'running' | 'reloading' | 'stopping' | 'stopped';

/** The outcome of the last configuration reload. */
export interface ReloadOutcome {
  at: number;
  ok: boolean;
  error?: string;
}

/** What the running service offers its components. */
export interface Host {
  /** The service's own lifecycle state (the health endpoint shows it). */
  readonly serviceState: ServiceState;
  /** Last reload outcome, when there was one. */
  readonly lastReload?: ReloadOutcome;
  /** Running, and no component starting, stopping or failed for good. */
  healthy(): boolean;
  /**
   * Sets a component's state under its one key (componentKey): pass the CreateSettings (or the
   * graph node), never a hand-made string, so the graph and the component share the entry.
   */
  reportStatus(who: ComponentIdentity, status: Omit<ComponentStatus, 'since'>): void;
  getExtension(id: string): Component | undefined;
  /** Component states by componentKey, for the health endpoint. */
  statuses(): ReadonlyMap<string, ComponentStatus>;
  /** The agent's own telemetry registry (rendered at /metrics). */
  readonly metrics: SelfMetrics;
  /** Components may publish extra routes on the health endpoint (e.g. `/status`). */
  registerRoute(path: string, handler: RouteHandler): void;
  routes(): ReadonlyMap<string, RouteHandler>;
}

export interface Component {
  /** Must return quickly; long-running loops run in the background. */
  start(host: Host): Promise<void>;
  /** Idempotent, safe without start(); stops intake, drains, releases, within the deadline. */
  shutdown(opts: ShutdownOptions): Promise<void>;
}

/** Everything a factory needs besides the config and the next consumer. */
export interface CreateSettings {
  /** Full id, `type` or `type/name`. */
  id: string;
  kind: Kind;
  /** Pipeline the instance belongs to (processors are created per pipeline). */
  pipeline?: string;
  logger: Logger;
  telemetry: ComponentTelemetry;
  process: ProcessSettings;
  /** Directory where the component may keep state (checkpoints, queues); created on demand. */
  dataDir: string;
  /**
   * Values that must never leave the process: configured secrets (api keys, tokens) and probe
   * prompts. Exporters build an ExportGuard (src/util/export-guard.ts) from them.
   */
  sensitive: readonly string[];
}

/**
 * A receiver that can run its work once, on demand (`driftwatch check`): every configured
 * probe `repeat` times, records pushed through the pipeline, resolved once acknowledged.
 */
export interface RunOnceCapable {
  runOnce(opts: { repeat: number; signal?: AbortSignal }): Promise<void>;
}

export function canRunOnce(c: Component): c is Component & RunOnceCapable {
  return typeof (c as Partial<RunOnceCapable>).runOnce === 'function';
}
