// SPDX-License-Identifier: Apache-2.0
// The Host components see: component states for the health endpoint, extensions by id, and
// the self-metrics registry.
import type {
  Component,
  ComponentStatus,
  Host,
  ReloadOutcome,
  RouteHandler,
  ServiceState,
} from '../component/component.js';
import { componentKey } from '../component/identity.js';
import type { ComponentIdentity } from '../component/identity.js';
import type { SelfMetrics } from '../telemetry/self-metrics.js';

export type { ServiceState };

export class ServiceHost implements Host {
  private readonly states = new Map<string, ComponentStatus>();
  private readonly extensions = new Map<string, Component>();
  private readonly extraRoutes = new Map<string, RouteHandler>();
  serviceState: ServiceState = 'starting';
  /** Last reload outcome, shown on /healthz. */
  lastReload?: ReloadOutcome;

  constructor(readonly metrics: SelfMetrics) {}

  reportStatus(who: ComponentIdentity, status: Omit<ComponentStatus, 'since'>): void {
    const id = componentKey(who);
    const prev = this.states.get(id);
    // `since` is when the component entered this state: a new error text in the same state keeps it
    if (prev && prev.state === status.state) {
      if (prev.error !== status.error) this.states.set(id, { ...status, since: prev.since });
      return;
    }
    this.states.set(id, { ...status, since: Date.now() });
  }

  forget(who: ComponentIdentity): void {
    this.states.delete(componentKey(who));
  }

  statuses(): ReadonlyMap<string, ComponentStatus> {
    return this.states;
  }

  registerRoute(path: string, handler: RouteHandler): void {
    this.extraRoutes.set(path, handler);
  }

  routes(): ReadonlyMap<string, RouteHandler> {
    return this.extraRoutes;
  }

  getExtension(id: string): Component | undefined {
    return this.extensions.get(id);
  }

  setExtensions(ext: Map<string, Component>): void {
    this.extensions.clear();
    for (const [k, v] of ext) this.extensions.set(k, v);
  }

  /** Healthy: running, and no component starting, stopping or failed permanently. */
  healthy(): boolean {
    if (this.serviceState !== 'running' && this.serviceState !== 'reloading') return false;
    for (const s of this.states.values()) {
      if (s.state === 'starting' || s.state === 'stopping' || s.state === 'permanent_error') return false;
    }
    return true;
  }
}
