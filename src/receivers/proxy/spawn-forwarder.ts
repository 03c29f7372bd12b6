// SPDX-License-Identifier: Apache-2.0
// Starts the forwarding thread from the built package, or from the sources when the agent runs
// under tsx (the tests): tsx's `--import` hook does not reach worker threads (tsx issue #354),
// so the worker registers it itself before loading the TypeScript entry.
import { Worker } from 'node:worker_threads';
import type { ForwarderWorkerData } from './messages.js';

export function spawnForwarder(data: ForwarderWorkerData): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`./forward-worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSources) return new Worker(entry, { workerData: data });
  const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}
