// SPDX-License-Identifier: Apache-2.0
// The proxy's forwarding thread (`forward_thread: true`). Calls are forwarded and described here,
// on an event loop and a heap of their own, so the agent's judging (validate, classify,
// exporters) and its garbage collections never sit between a client and its answer. Records and
// counts go to the receiver in batches, every 10 ms or 64 records: a batch is copied between the
// threads (~10 µs a record, measured) and the copy pauses forwarding, so batches stay small. At
// most `max_pending_records` may be on their way unacknowledged; beyond that a record is dropped
// and counted (`pipeline_slow`), never queued.
import { parentPort, workerData } from 'node:worker_threads';
import type { CallRecord } from '../../model/call-record.js';
import { Forwarder } from './forwarder.js';
import type { ForwarderWorkerData, FromForwarder, ToForwarder } from './messages.js';
import { Tally } from './tally.js';

const FLUSH_MS = 10;
const MAX_BATCH = 64;

const port = parentPort!;
const data = workerData as ForwarderWorkerData;
const tally = new Tally();
let records: CallRecord[] = [];
let unacked = 0;
let timer: NodeJS.Timeout | undefined;

const send = (m: FromForwarder): void => port.postMessage(m);

function flush(): void {
  if (timer) {
    clearTimeout(timer);
    timer = undefined;
  }
  if (records.length === 0 && !tally.pending) return;
  unacked += records.length;
  send({ type: 'batch', records, counts: tally.take() });
  records = [];
}

function later(): void {
  timer ??= setTimeout(flush, FLUSH_MS);
}

const forwarder = new Forwarder(
  data.id,
  data.cfg,
  {
    record(r) {
      if (unacked + records.length >= data.cfg.max_pending_records) {
        tally.add('dropped|pipeline_slow', 'dropped', { reason: 'pipeline_slow' });
        return later();
      }
      records.push(r);
      if (records.length >= MAX_BATCH) flush();
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
  (a) => send({ type: 'listening', host: a.host, port: a.port }),
  (err: Error) => send({ type: 'failed', message: err.message }),
);
