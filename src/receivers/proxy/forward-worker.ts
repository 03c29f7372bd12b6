// SPDX-License-Identifier: Apache-2.0
// The proxy's forwarding thread (`forward_thread: true`). Calls are forwarded and recorded here,
// on an event loop and a heap of their own, so describing and judging them (parsing, validate,
// classify, exporters) and the agent's garbage collections never sit between a client and its
// answer. Recordings (the request body, the response's reads and when they came) and counts go to
// the receiver in batches, every 10 ms or 64 calls, their bytes packed into one buffer that is
// handed over, not copied (a batch of described records was copied at ~10 µs a record). At most
// `max_pending_records` may be on their way unacknowledged; beyond that a call's recording is
// dropped and counted (`pipeline_slow`), never queued.
import { parentPort, workerData } from 'node:worker_threads';
import { packBytes } from './describe.js';
import type { CallRecording } from './describe.js';
import { Forwarder } from './forwarder.js';
import type { ForwarderWorkerData, FromForwarder, ToForwarder } from './messages.js';
import { Tally } from './tally.js';

const FLUSH_MS = 10;
const MAX_BATCH = 64;

const port = parentPort!;
const data = workerData as ForwarderWorkerData;
const tally = new Tally();
let calls: CallRecording[] = [];
let unacked = 0;
let timer: NodeJS.Timeout | undefined;

const send = (m: FromForwarder, moved: ArrayBuffer[] = []): void => port.postMessage(m, moved);

function flush(): void {
  if (timer) {
    clearTimeout(timer);
    timer = undefined;
  }
  if (calls.length === 0 && !tally.pending) return;
  unacked += calls.length;
  send({ type: 'batch', calls, counts: tally.take() }, [packBytes(calls)]);
  calls = [];
}

function later(): void {
  timer ??= setTimeout(flush, FLUSH_MS);
}

const forwarder = new Forwarder(
  data.id,
  data.cfg,
  {
    recorded(c) {
      if (unacked + calls.length >= data.cfg.max_pending_records) {
        tally.add('dropped|pipeline_slow', 'dropped', { reason: 'pipeline_slow' });
        return later();
      }
      calls.push(c);
      if (calls.length >= MAX_BATCH) flush();
      else later();
    },
    count(key, counter, labels) {
      tally.add(key, counter, labels);
      later();
    },
    log(level, fields, msg) {
      send({ type: 'log', level, fields, msg });
    },
  },
  data.env,
);

port.on('message', (m: ToForwarder) => {
  if (m.type === 'ack') unacked = Math.max(0, unacked - m.n);
  else if (m.type === 'flush') {
    flush();
    send({ type: 'flushed', seq: m.seq });
  } else if (m.type === 'shutdown')
    void forwarder.shutdown(m.deadline).finally(() => {
      flush();
      send({ type: 'closed' });
    });
});

forwarder.listen(data.bindHost, data.port, data.endpoint).then(
  (a) => send({ type: 'listening', host: a.host, port: a.port, proxied: forwarder.proxied }),
  (err: Error) => send({ type: 'failed', message: err.message }),
);
