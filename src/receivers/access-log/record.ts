// SPDX-License-Identifier: Apache-2.0
// LineFields → CallRecord. One record per parsed line; only the objects a CallRecord requires
// are allocated (upstream info only when the line logged upstream fields).
import { newCallRecord } from '../../model/call-record.js';
import type { CallRecord } from '../../model/call-record.js';
import type { LineFields } from './fields.js';
import type { RouteNormalizer } from './route.js';
import { detach } from './values.js';

export interface RecordOptions {
  receiver: string;
  provider: string;
  /** `target.gateway` of every record (keeps several gateways apart). */
  gateway?: string;
  /** Distinct upstream members kept before new ones become `other` (bounded cardinality). */
  maxUpstreams?: number;
  routes: RouteNormalizer;
  /** Distinct model names kept before new ones become `other` (bounded cardinality). */
  maxModels: number;
}

/** The `gateway` label: the configured name, else the receiver's name (`access_log/nginx` → `nginx`). */
export function gatewayName(configured: string | undefined, receiverId: string): string {
  if (configured) return configured;
  const slash = receiverId.indexOf('/');
  return slash >= 0 ? receiverId.slice(slash + 1) : receiverId;
}

export class RecordBuilder {
  private readonly models = new Set<string>();
  private readonly members = new Set<string>();

  constructor(private readonly opts: RecordOptions) {}

  build(f: LineFields, nowMs: number): CallRecord {
    const route = this.opts.routes.normalize(f.path);
    const model = this.model(f.model ?? f.responseModel);
    const r = newCallRecord(
      'access_log',
      this.opts.receiver,
      { provider: f.provider ?? this.opts.provider, endpoint: route },
      {
        method: f.method ?? 'UNKNOWN',
        route,
        model,
        synthetic: f.synthetic === true,
        bodyBytes: f.bytesReceived,
      },
      f.timeMs ?? nowMs,
    );
    if (this.opts.gateway !== undefined) r.target.gateway = this.opts.gateway;
    const res = r.response;
    res.status = f.status;
    res.bodyBytes = f.bytesSent;
    res.parse = 'not_read';
    if (f.responseModel !== undefined) res.model = this.model(f.responseModel);
    if (f.requestId !== undefined) res.requestId = f.requestId;
    if (f.promptTokens !== undefined || f.completionTokens !== undefined || f.totalTokens !== undefined) {
      res.usage = {
        promptTokens: f.promptTokens ?? null,
        completionTokens: f.completionTokens ?? null,
        totalTokens: f.totalTokens ?? (f.promptTokens ?? 0) + (f.completionTokens ?? 0),
        origin: 'log',
      };
    }
    const t = r.timings;
    if (f.totalMs !== undefined) t.totalMs = f.totalMs;
    if (f.upstreamMs !== undefined) t.upstreamMs = f.upstreamMs;
    if (f.ttfbMs !== undefined) t.ttfbMs = f.ttfbMs;
    if (
      f.upstreamAttempts !== undefined ||
      f.upstreamStatuses !== undefined ||
      f.connectFailed ||
      f.upstreamFailed ||
      f.upstreamMembers !== undefined
    ) {
      const statuses = f.upstreamStatuses ?? [];
      const attempts = Math.max(f.upstreamAttempts ?? 0, statuses.length, f.upstreamMembers?.length ?? 0, 1);
      const last = statuses.length > 0 ? statuses[statuses.length - 1] : undefined;
      const groups = f.upstreamGroups ?? 1;
      r.upstream = {
        statuses,
        attempts,
        retried: attempts > 1,
        // a failed connect or a proxy-ended session outweighs a status the proxy made up
        lastAttemptOk:
          f.upstreamFailed || f.connectFailed ? false : last === undefined ? undefined : last < 400,
        retries: attempts - groups,
        fallbacks: groups - 1,
      };
      if (f.redispatched) r.upstream.redispatched = true;
      const members = f.upstreamMembers;
      if (members !== undefined) {
        for (let i = 0; i < members.length; i++) members[i] = this.member(members[i]);
        r.upstream.members = members;
      }
      if (f.connectMs !== undefined) r.upstream.connectMs = f.connectMs;
      if (f.connectMs !== undefined) t.connectMs = f.connectMs;
    }
    if (
      f.flags !== undefined ||
      f.terminationState !== undefined ||
      f.connectFailed ||
      (f.upstreamGroups ?? 1) > 1
    ) {
      r.extra = {};
      if (f.flags !== undefined) r.extra.responseFlags = f.flags;
      if (f.terminationState !== undefined) r.extra.terminationState = f.terminationState;
      if (f.connectFailed) r.extra.upstreamConnectFailed = true;
      if ((f.upstreamGroups ?? 1) > 1) r.extra.upstreamGroups = f.upstreamGroups;
    }
    return r;
  }

  private member(m: string): string {
    if (this.members.has(m)) return m;
    if (this.members.size >= (this.opts.maxUpstreams ?? 50)) return 'other';
    this.members.add(detach(m));
    return m;
  }

  private model(m: string | undefined): string | undefined {
    if (m === undefined) return undefined;
    if (this.models.has(m)) return m;
    if (this.models.size >= this.opts.maxModels) return 'other';
    this.models.add(detach(m));
    return m;
  }
}
