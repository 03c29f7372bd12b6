// SPDX-License-Identifier: Apache-2.0
// What the receiver and its forwarding thread say to each other (structured-clone data only).
import type { ProxyReceiverConfig } from './config.js';
import type { CallRecording } from './describe.js';
import type { LogLevel } from './forwarder.js';
import type { TallyEntry } from './tally.js';

export interface ForwarderWorkerData {
  id: string;
  cfg: ProxyReceiverConfig;
  env: Record<string, string | undefined>;
  bindHost: string;
  port: number;
  endpoint: string;
}

/** From the forwarding thread. */
export type FromForwarder =
  | { type: 'listening'; host: string; port: number; proxied: boolean }
  | { type: 'failed'; message: string }
  | { type: 'batch'; calls: CallRecording[]; counts: TallyEntry[] }
  | { type: 'log'; level: LogLevel; fields: Record<string, unknown>; msg: string }
  | { type: 'flushed'; seq: number }
  | { type: 'closed' };

/** To the forwarding thread. */
export type ToForwarder =
  { type: 'ack'; n: number } | { type: 'flush'; seq: number } | { type: 'shutdown'; deadline: number };
