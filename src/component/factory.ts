// SPDX-License-Identifier: Apache-2.0
// Factories build components; the next consumer is injected at creation so a receiver
// never imports an exporter (Collector component.Factory).
import type { Component, CreateSettings, Kind, Stability } from './component.js';
import type { Consumer } from './consumer.js';

/** A JSON Schema (draft-07 subset as understood by ajv). */
export type JsonSchema = Record<string, unknown>;

/** A cross-field problem found after schema validation; `path` is relative to the component block. */
export interface ConfigProblem {
  path: string[];
  message: string;
}

interface FactoryBase<C> {
  readonly type: string;
  readonly kind: Kind;
  readonly stability: Stability;
  readonly description: string;
  /** JSON Schema with defaults; `additionalProperties: false` everywhere. */
  readonly configSchema: JsonSchema;
  /** Pure: a fresh default config each call. */
  createDefaultConfig(): C;
  /** Cross-field rules the schema cannot say. Optional. */
  validate?(
    config: C,
    ctx: { environment?: string; configDir: string; env?: Record<string, string | undefined> },
  ): ConfigProblem[];
  /**
   * Imports the implementation (component/lazy-implementation.ts); `create` may be called once it
   * resolved. Absent: `create` works at once. Everything above must stay usable without it.
   */
  load?(): Promise<void>;
}

export interface ReceiverFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'receiver';
  create(settings: CreateSettings, config: C, next: Consumer): Component;
}

export interface ProcessorComponent extends Component, Consumer {}

export interface ProcessorFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'processor';
  create(settings: CreateSettings, config: C, next: Consumer): ProcessorComponent;
}

export interface ExporterComponent extends Component, Consumer {
  /** Optional: confirm the telemetry path (`driftwatch check`). */
  testExport?(): Promise<void>;
}

export interface ExporterFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'exporter';
  create(settings: CreateSettings, config: C): ExporterComponent;
}

export interface ExtensionFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'extension';
  create(settings: CreateSettings, config: C): Component;
}

export type AnyFactory = ReceiverFactory | ProcessorFactory | ExporterFactory | ExtensionFactory;
