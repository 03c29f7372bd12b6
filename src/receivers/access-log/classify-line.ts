// SPDX-License-Identifier: Apache-2.0
// Error class of one access-log call from the fields the gateway wrote, taken together
// (status + upstream attempts + connect time + proxy flags), DESIGN.md §5. Pure, so `replay`
// and the classify processor can share it.
import type { CallRecord, ErrorClass } from '../../model/call-record.js';

export interface LineClass {
  errorClass?: ErrorClass;
  subReason?: string;
  owner?: string;
  /** More than one upstream attempt within a group. */
  retried: boolean;
  /** The gateway switched upstream group (nginx ` : `, i.e. error_page fallback). */
  fallback: boolean;
  lastAttemptOk?: boolean;
}

export const OWNERS: Record<ErrorClass, string> = {
  auth: 'secrets / IAM / deploy config',
  bad_request: 'application team',
  rate_limit: 'platform / capacity',
  timeout: 'platform / SRE',
  upstream: 'platform / SRE',
  network: 'platform / network',
  redirect: 'application config',
  parse: 'application + platform',
  schema: 'application + platform',
  client_abort: 'client / caller',
  unknown: 'platform / SRE',
};

/** Envoy response flags that decide the class on their own (first match wins). */
const ENVOY_FLAGS: Array<[string, ErrorClass, string]> = [
  ['DC', 'client_abort', 'downstream_closed'],
  ['UF', 'network', 'upstream_connect_failure'],
  ['UH', 'upstream', 'no_healthy_upstream'],
  ['UT', 'timeout', 'upstream_timeout'],
  ['UC', 'upstream', 'upstream_connection_termination'],
  ['UR', 'upstream', 'upstream_remote_reset'],
  ['UO', 'upstream', 'upstream_overflow'],
  ['URX', 'upstream', 'retry_limit_exceeded'],
  ['RL', 'rate_limit', 'local_rate_limit'],
  ['UAEX', 'auth', 'ext_authz_denied'],
  ['NR', 'bad_request', 'no_route'],
  ['SI', 'timeout', 'stream_idle_timeout'],
];

export function classifyLine(r: CallRecord): LineClass {
  const up = r.upstream;
  const retried = (up?.attempts ?? 1) > 1;
  const groups = typeof r.extra?.upstreamGroups === 'number' ? r.extra.upstreamGroups : 1;
  const decided = decide(r);
  return {
    errorClass: decided?.[0],
    subReason: decided?.[1],
    owner: decided ? OWNERS[decided[0]] : undefined,
    retried,
    fallback: groups > 1,
    lastAttemptOk: up?.lastAttemptOk,
  };
}

function decide(r: CallRecord): [ErrorClass, string] | undefined {
  const status = r.response.status;
  const flags = typeof r.extra?.responseFlags === 'string' ? r.extra.responseFlags : undefined;
  if (flags !== undefined && flags !== '-') {
    const list = flags.split(',');
    for (const [flag, cls, sub] of ENVOY_FLAGS) if (list.includes(flag)) return [cls, sub];
  }
  if (status === undefined) return ['unknown', 'no_status'];
  if (status === 499) return ['client_abort', 'client_closed_request'];
  if (status === 0) return ['client_abort', 'no_response'];
  if (status < 300) return undefined;
  // (2xx is the common case: return before building any sub-reason string.)
  if (status < 400) return ['redirect', `http_${status}`];
  if (status === 401 || status === 403) return ['auth', `http_${status}`];
  if (status === 429) return ['rate_limit', 'http_429'];
  if (status === 408) return ['timeout', 'http_408'];
  if (status < 500) return ['bad_request', `http_${status}`];
  if (status === 504 || status === 524) return ['timeout', 'upstream_timeout'];
  if (status === 502) {
    // nginx writes `-` as the connect time when it never connected (refused, unreachable).
    if (r.extra?.upstreamConnectFailed === true) return ['network', 'upstream_connect_failure'];
    return ['upstream', 'bad_gateway'];
  }
  return ['upstream', `http_${status}`];
}
