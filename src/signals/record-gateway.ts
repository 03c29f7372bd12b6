// SPDX-License-Identifier: Apache-2.0
// Access-log records → the gateway metrics: calls per gateway and status, retries and
// fallbacks counted apart, and every upstream attempt by member, so a dead member behind
// final 200s shows (its attempts fail while the calls succeed).
import type { Attributes } from '@opentelemetry/api';
import type { CallRecord } from '../model/call-record.js';
import { AttrSet } from './attr-set.js';
import type { Instruments } from './instruments.js';
import { ATTR, GATEWAY as G } from './names.js';

export function recordGateway(inst: Instruments, r: CallRecord): void {
  const a: Attributes = {
    [ATTR.gateway]: r.target.gateway ?? r.receiver,
    [ATTR.provider]: r.target.provider,
    [ATTR.endpoint]: r.target.endpoint,
  };
  if (r.request.model) a[ATTR.model] = r.request.model;
  const base = AttrSet.of(a);
  const status = r.response.status;
  inst.add(G.requests, 1, base.with(ATTR.statusCode, status === undefined ? undefined : String(status)));
  const up = r.upstream;
  if (!up) return;
  const last = up.lastAttemptOk === undefined ? 'unknown' : up.lastAttemptOk ? 'ok' : 'failed';
  const retried = (kind: string) =>
    inst.add(G.retries, 1, base.with(ATTR.retryKind, kind).with(ATTR.outcome, last));
  if ((up.retries ?? 0) > 0) retried(up.redispatched ? 'redispatch' : 'retry');
  if ((up.fallbacks ?? 0) > 0) retried('fallback');
  const members = up.members;
  if (!members || members.length === 0) return;
  const per = AttrSet.of({ [ATTR.gateway]: a[ATTR.gateway], [ATTR.endpoint]: r.target.endpoint });
  for (let i = 0; i < members.length; i++) {
    // every attempt but the last failed: that is why the gateway tried again
    const outcome = i < members.length - 1 ? 'failed' : last;
    inst.add(G.upstreamAttempts, 1, per.with(ATTR.upstream, members[i]).with(ATTR.outcome, outcome));
  }
}
