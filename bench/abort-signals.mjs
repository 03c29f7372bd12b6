// SPDX-License-Identifier: Apache-2.0
/* global process, console, setImmediate, setTimeout, AbortController, AbortSignal, gc */
// Per-request abort signals derived from a long-lived shutdown signal, as the otlp_http exporter
// does once per request: AbortSignal.any([parent, AbortSignal.timeout()]) (the old code) against
// DeadlineSignal (src/util/abort.ts). Prints the live heap left after a forced GC and how many
// dependants the parent still holds. Needs --expose-gc (bench/run.js passes it).
import { DeadlineSignal } from '../dist/util/abort.js';

const N = Number(process.env.BENCH_ABORT_OPS ?? 200_000);
const settle = async () => {
  for (let k = 0; k < 3; k++) {
    gc();
    await new Promise((r) => setTimeout(r, 100));
  }
};
for (const mode of ['AbortSignal.any', 'DeadlineSignal']) {
  const parent = new AbortController();
  await settle();
  const h0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < N; i++) {
    const f = () => {};
    if (mode === 'AbortSignal.any') {
      const s = AbortSignal.any([parent.signal, AbortSignal.timeout(10_000)]);
      s.addEventListener('abort', f); // undici listens on the request signal
      s.removeEventListener('abort', f);
    } else {
      const d = new DeadlineSignal(10_000, parent.signal);
      d.signal.addEventListener('abort', f);
      d.signal.removeEventListener('abort', f);
      d.dispose();
    }
    if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
  }
  await settle();
  const held = Object.getOwnPropertySymbols(parent.signal)
    .filter((s) => s.description === 'kDependantSignals')
    .reduce((a, s) => a + (parent.signal[s]?.size ?? 0), 0);
  const grown = (process.memoryUsage().heapUsed - h0) / 1048576;
  console.log(
    `${mode.padEnd(16)} ${N} requests: live heap after GC ${grown >= 0 ? '+' : ''}${grown.toFixed(1)} MiB (${Math.round((grown * 1048576) / N)} B/request), dependants held by the shutdown signal ${held}`,
  );
}
process.exit(0);
