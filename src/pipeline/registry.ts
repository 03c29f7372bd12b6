// SPDX-License-Identifier: Apache-2.0
// One registry of component factories, keyed by kind and type id.
import type { Kind } from '../component/component.js';
import type {
  AnyFactory,
  ExporterFactory,
  ExtensionFactory,
  ProcessorFactory,
  ReceiverFactory,
} from '../component/factory.js';

export class Registry {
  private readonly byKind: Record<Kind, Map<string, AnyFactory>> = {
    receiver: new Map(),
    processor: new Map(),
    exporter: new Map(),
    extension: new Map(),
  };

  constructor(factories: readonly AnyFactory[] = []) {
    for (const f of factories) this.register(f);
  }

  register(factory: AnyFactory): void {
    if (!/^[a-z][a-z0-9_]*$/.test(factory.type))
      throw new Error(`component type "${factory.type}" must be lower_snake_case`);
    const m = this.byKind[factory.kind];
    if (m.has(factory.type)) throw new Error(`${factory.kind} type "${factory.type}" registered twice`);
    m.set(factory.type, factory);
  }

  get(kind: 'receiver', type: string): ReceiverFactory | undefined;
  get(kind: 'processor', type: string): ProcessorFactory | undefined;
  get(kind: 'exporter', type: string): ExporterFactory | undefined;
  get(kind: 'extension', type: string): ExtensionFactory | undefined;
  get(kind: Kind, type: string): AnyFactory | undefined;
  get(kind: Kind, type: string): AnyFactory | undefined {
    return this.byKind[kind].get(type);
  }

  types(kind: Kind): string[] {
    return [...this.byKind[kind].keys()].sort();
  }

  all(): AnyFactory[] {
    return (Object.keys(this.byKind) as Kind[]).flatMap((k) =>
      [...this.byKind[k].values()].sort((a, b) => a.type.localeCompare(b.type)),
    );
  }
}
