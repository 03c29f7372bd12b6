// SPDX-License-Identifier: Apache-2.0
// LineFields → CallRecord. One record per parsed line; only the objects a CallRecord requires
// are allocated (upstream info only when the line logged upstream fields).
import type { CallRecord, ResponseInfo, Timings, UpstreamInfo } from '../../model/call-record.js';
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
  /** Kept model and member names, each mapped to its own copy (the one records share). */
  private readonly models = new Map<string, string>();
  private readonly members = new Map<string, string>();

  constructor(private readonly opts: RecordOptions) {}

  /**
   * One record, built whole: every object is created with the properties it will hold (no
   * property added later, so records share hidden classes and allocate no growing backing
   * stores), and no string of the record points into the read chunk (a slice would keep the
   * whole 64 KiB chunk alive while the record travels, and make every GC copy it).
   */
  build(f: LineFields, nowMs: number): CallRecord {
    const route = this.opts.routes.normalize(f.path);
    // the request model first: it takes a place among max_models before the response's
    const model = this.model(f.model ?? f.responseModel);
    const responseModel = f.responseModel === undefined ? undefined : this.model(f.responseModel);
    const gateway = this.opts.gateway;
    const hasUpstream =
      f.upstreamAttempts !== undefined ||
      f.upstreamStatuses !== undefined ||
      f.connectFailed === true ||
      f.upstreamFailed === true ||
      f.upstreamMembers !== undefined;
    const response: ResponseInfo = {
      headers: {},
      status: f.status,
      bodyBytes: f.bytesSent,
      parse: 'not_read',
      model: responseModel,
      requestId: f.requestId === undefined ? undefined : detach(f.requestId),
    };
    if (f.promptTokens !== undefined || f.completionTokens !== undefined || f.totalTokens !== undefined) {
      response.usage = {
        promptTokens: f.promptTokens ?? null,
        completionTokens: f.completionTokens ?? null,
        totalTokens: f.totalTokens ?? (f.promptTokens ?? 0) + (f.completionTokens ?? 0),
        origin: 'log',
      };
    }
    const r: CallRecord = {
      source: 'access_log',
      receiver: this.opts.receiver,
      startTimeMs: f.timeMs ?? nowMs,
      target:
        gateway !== undefined
          ? { provider: f.provider ?? this.opts.provider, endpoint: route, gateway }
          : { provider: f.provider ?? this.opts.provider, endpoint: route },
      request: {
        method: f.method ?? 'UNKNOWN',
        route,
        model,
        synthetic: f.synthetic === true,
        bodyBytes: f.bytesReceived,
      },
      response,
      timings: timingsOf(f, hasUpstream),
      findings: { items: [] },
    };
    if (hasUpstream) r.upstream = this.upstream(f);
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

  private upstream(f: LineFields): UpstreamInfo {
    const statuses = f.upstreamStatuses ?? [];
    const attempts = Math.max(f.upstreamAttempts ?? 0, statuses.length, f.upstreamMembers?.length ?? 0, 1);
    const last = statuses.length > 0 ? statuses[statuses.length - 1] : undefined;
    const groups = f.upstreamGroups ?? 1;
    const up: UpstreamInfo = {
      statuses,
      attempts,
      retried: attempts > 1,
      // a failed connect or a proxy-ended session outweighs a status the proxy made up
      lastAttemptOk:
        f.upstreamFailed || f.connectFailed ? false : last === undefined ? undefined : last < 400,
      retries: attempts - groups,
      fallbacks: groups - 1,
    };
    if (f.redispatched) up.redispatched = true;
    const members = f.upstreamMembers;
    if (members !== undefined) {
      for (let i = 0; i < members.length; i++) members[i] = this.member(members[i]);
      up.members = members;
    }
    if (f.connectMs !== undefined) up.connectMs = f.connectMs;
    return up;
  }

  private member(m: string): string {
    const kept = this.members.get(m);
    if (kept !== undefined) return kept;
    if (this.members.size >= (this.opts.maxUpstreams ?? 50)) return 'other';
    const own = detach(m);
    this.members.set(own, own);
    return own;
  }

  private model(m: string | undefined): string | undefined {
    if (m === undefined) return undefined;
    const kept = this.models.get(m);
    if (kept !== undefined) return kept;
    if (this.models.size >= this.opts.maxModels) return 'other';
    const own = detach(m);
    this.models.set(own, own);
    return own;
  }
}

/** The timings a line logged, as one object of the properties it has. */
function timingsOf(f: LineFields, hasUpstream: boolean): Timings {
  const t: Timings = {};
  if (f.totalMs !== undefined) t.totalMs = f.totalMs;
  if (f.upstreamMs !== undefined) t.upstreamMs = f.upstreamMs;
  if (f.ttfbMs !== undefined) t.ttfbMs = f.ttfbMs;
  if (hasUpstream && f.connectMs !== undefined) t.connectMs = f.connectMs;
  return t;
}
