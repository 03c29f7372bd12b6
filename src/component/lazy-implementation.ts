// SPDX-License-Identifier: Apache-2.0
// A component's implementation, imported the first time a pipeline builds it. Config
// validation, `schema`, `components` and `print-config` read only a factory's type, schema and
// defaults, and a pipeline without otlp_http should not pay for the OpenTelemetry SDK: loading
// every implementation cost ~0.5 CPU-s and ~35 MiB RSS per process (docs/performance.md).
export interface LazyImplementation<M> {
  /** Imports the module once (concurrent and later calls share it); a failed import may be retried. */
  load(): Promise<void>;
  /** The loaded module; throws when `load()` has not resolved yet. */
  get(): M;
}

export function lazyImplementation<M>(
  componentType: string,
  importer: () => Promise<M>,
): LazyImplementation<M> {
  let mod: M | undefined;
  let pending: Promise<void> | undefined;
  return {
    load() {
      pending ??= importer().then(
        (m) => void (mod = m),
        (err: unknown) => {
          pending = undefined;
          throw err;
        },
      );
      return pending;
    },
    get() {
      if (mod === undefined)
        throw new Error(
          `component "${componentType}": its implementation is not loaded; await factory.load() before create()`,
        );
      return mod;
    },
  };
}
