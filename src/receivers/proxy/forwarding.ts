// SPDX-License-Identifier: Apache-2.0
// Where the proxy forwards its calls: on the agent's own event loop (the default: no second heap,
// fewest copies) or on a thread of its own (`forward_thread: true`), where the agent's judging and
// its garbage collections never sit between a client and its answer (that thread only records a
// judged call; it is described here, `CallDescriber`). Either way the receiver sees the same sink:
// records, counts and log lines.
import type { Worker } from 'node:worker_threads';
import type { ProxyReceiverConfig } from './config.js';
import { CallDescriber } from './describe.js';
import { sanitizeError } from './error-envelope.js';
import { countUnjudged, describeFailed, Forwarder } from './forwarder.js';
import type { ForwarderSink } from './forwarder.js';
import type { ForwarderWorkerData, FromForwarder, ToForwarder } from './messages.js';
import { spawnForwarder } from './spawn-forwarder.js';

export interface Forwarding {
  readonly address: { host: string; port: number };
  /** Resolves once every call described so far has reached the sink. */
  flush(): Promise<void>;
  /** Stops taking calls; calls in flight may finish until `deadline` (epoch ms). */
  shutdown(deadline: number): Promise<void>;
}

export interface Listen {
  id: string;
  cfg: ProxyReceiverConfig;
  env: NodeJS.ProcessEnv;
  bindHost: string;
  port: number;
  endpoint: string;
}

export async function forwardInThread(l: Listen, sink: ForwarderSink): Promise<Forwarding> {
  const forwarder = new Forwarder(l.id, l.cfg, sink, l.env);
  const address = await forwarder.listen(l.bindHost, l.port, l.endpoint);
  return { address, flush: () => Promise.resolve(), shutdown: (deadline) => forwarder.shutdown(deadline) };
}

/**
 * The forwarding thread. `onFailure` hears, once, of a thread that died after it listened (a bug:
 * the calls then fail, so the receiver reports a permanent error). `spawn` starts the thread
 * (tests pass one that keeps a handle on it).
 */
export async function forwardOnOwnThread(
  l: Listen,
  sink: ForwarderSink,
  onFailure: (reason: string) => void,
  spawn: (data: ForwarderWorkerData) => Worker = spawnForwarder,
): Promise<Forwarding> {
  const worker = spawn({
    id: l.id,
    cfg: l.cfg,
    env: { ...l.env },
    bindHost: l.bindHost,
    port: l.port,
    endpoint: l.endpoint,
  });
  const post = (m: ToForwarder): void => worker.postMessage(m);
  const flushed = new Map<number, () => void>();
  let seq = 0;
  let onClosed: (() => void) | undefined;
  let listening = false;
  let describer: CallDescriber | undefined;
  let stopping = false;
  let failed = false;
  // an uncaught error is followed by an exit: the first cause is the one reported
  const fail = (reason: string): void => {
    if (!listening || stopping || failed) return;
    failed = true;
    onFailure(reason);
  };
  const settleAll = (): void => {
    for (const done of flushed.values()) done();
    flushed.clear();
    onClosed?.();
  };
  const address = await new Promise<{ host: string; port: number }>((resolve, reject) => {
    worker.on('message', (m: FromForwarder) => {
      if (m.type === 'batch') {
        for (const c of m.counts) sink.count(c.key, c.counter, c.labels, c.n);
        // the forwarding thread only recorded these calls: they are described here
        for (const c of m.calls) {
          try {
            sink.record(describer!.describe(c, (reason) => countUnjudged(sink, reason)));
          } catch (err) {
            describeFailed(sink, err);
          }
        }
        if (m.calls.length > 0) post({ type: 'ack', n: m.calls.length });
      } else if (m.type === 'log') sink.log(m.level, m.fields, m.msg);
      else if (m.type === 'listening') {
        listening = true;
        describer = new CallDescriber(l.id, l.cfg, m.proxied);
        resolve({ host: m.host, port: m.port });
      } else if (m.type === 'failed') {
        reject(new Error(m.message));
        void worker.terminate();
      } else if (m.type === 'flushed') {
        flushed.get(m.seq)?.();
        flushed.delete(m.seq);
      } else onClosed?.();
    });
    worker.on('error', (err) => {
      const reason = sanitizeError(err);
      sink.log('error', { receiver: l.id, err: reason }, 'Proxy forwarding thread failed.');
      reject(new Error(`${l.id}: proxy forwarding thread failed: ${reason}`));
      fail(reason);
    });
    worker.on('exit', (code) => {
      reject(new Error(`${l.id}: proxy forwarding thread exited before listening`));
      fail(`proxy forwarding thread exited (code ${code})`);
      settleAll();
    });
  });
  return {
    address,
    flush() {
      const n = ++seq;
      const done = new Promise<void>((r) => flushed.set(n, r));
      post({ type: 'flush', seq: n });
      return done;
    },
    async shutdown(deadline) {
      stopping = true;
      const closed = new Promise<void>((r) => (onClosed = r));
      post({ type: 'shutdown', deadline });
      // the thread cuts what is left at the deadline; a second more for its last batch
      const margin = Math.max(0, deadline - Date.now()) + 1000;
      await Promise.race([closed, new Promise((r) => setTimeout(r, margin).unref())]);
      await worker.terminate();
    },
  };
}
