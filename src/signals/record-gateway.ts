// SPDX-License-Identifier: Apache-2.0
// Access-log records → the gateway metrics: calls per gateway and status, retries and
// fallbacks counted apart, and every upstream attempt by member, so a dead member behind
// final 200s shows (its attempts fail while the calls succeed).
import type { CallRecord } from '../model/call-record.js';
import { AttrSet } from './attr-set.js';
import { ATTR, GATEWAY as G } from './names.js';
import type { MetricSink } from './metric-sink.js';

/** `model` is the record's bounded model label (the caller applies the label bounds). */
export function recordGateway(inst: MetricSink, r: CallRecord, model: string | undefined): void {
  const gateway = r.target.gateway ?? r.receiver;
  const base = AttrSet.ROOT.with(ATTR.gateway, gateway)
    .with(ATTR.provider, r.target.provider)
    .with(ATTR.endpoint, r.target.endpoint)
    .with(ATTR.model, model);
  const status = r.response.status;
  inst.add(G.requests, 1, base.with(ATTR.statusCode, status === undefined ? undefined : String(status)));
  const up = r.upstream;
  if (!up) return;
  const last = up.lastAttemptOk === undefined ? 'unknown' : up.lastAttemptOk ? 'ok' : 'failed';
  if ((up.retries ?? 0) > 0) retried(inst, base, up.redispatched ? 'redispatch' : 'retry', last);
  if ((up.fallbacks ?? 0) > 0) retried(inst, base, 'fallback', last);
  const members = up.members;
  if (!members || members.length === 0) return;
  const per = AttrSet.ROOT.with(ATTR.gateway, gateway).with(ATTR.endpoint, r.target.endpoint);
  for (let i = 0; i < members.length; i++) {
    // every attempt but the last failed: that is why the gateway tried again
    const outcome = i < members.length - 1 ? 'failed' : last;
    inst.add(G.upstreamAttempts, 1, per.with(ATTR.upstream, members[i]).with(ATTR.outcome, outcome));
  }
}

/** A plain function, not a closure made per record (every access-log record has upstream info). */
function retried(inst: MetricSink, base: AttrSet, kind: string, outcome: string): void {
  inst.add(G.retries, 1, base.with(ATTR.retryKind, kind).with(ATTR.outcome, outcome));
}
