// SPDX-License-Identifier: Apache-2.0
// The resource every signal carries: the SDK's telemetry.sdk.* attributes, service.name /
// version / instance id, host, then OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME (the SDK's env
// detector), then config (wins).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AGENT_VERSION } from '../util/agent-version.js';
import { defaultResource, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import {
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_TELEMETRY_SDK_LANGUAGE,
  ATTR_TELEMETRY_SDK_NAME,
  ATTR_TELEMETRY_SDK_VERSION,
} from '@opentelemetry/semantic-conventions';
import { ATTR_HOST_NAME, ATTR_SERVICE_INSTANCE_ID } from '@opentelemetry/semantic-conventions/incubating';

const instanceId = randomUUID();

export { AGENT_VERSION };
/** The instrumentation scope name of every signal driftwatch makes. */
export const SCOPE_NAME = 'driftwatch';

/** The resource keys every signal must carry (the conformance tests check them). */
export const REQUIRED_RESOURCE_KEYS = [
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_TELEMETRY_SDK_NAME,
  ATTR_TELEMETRY_SDK_LANGUAGE,
  ATTR_TELEMETRY_SDK_VERSION,
] as const;

export function buildResource(configured: Record<string, string> = {}): Resource {
  const base = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: 'driftwatch',
    [ATTR_SERVICE_VERSION]: AGENT_VERSION,
    [ATTR_SERVICE_INSTANCE_ID]: instanceId,
    [ATTR_HOST_NAME]: hostname(),
  });
  const env = resourceFromAttributes(envDetector.detect().attributes ?? {});
  // defaultResource(): telemetry.sdk.{name,language,version} of the OpenTelemetry JS SDK in use.
  return defaultResource().merge(base).merge(env).merge(resourceFromAttributes(configured));
}
