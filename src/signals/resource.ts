// SPDX-License-Identifier: Apache-2.0
// The resource every signal carries: service.name / version / instance id, host, then
// OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME (the SDK's env detector), then config (wins).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';

const instanceId = randomUUID();

function agentVersion(): string {
  try {
    const req = createRequire(import.meta.url);
    return (req('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function buildResource(configured: Record<string, string> = {}): Resource {
  const base = resourceFromAttributes({
    'service.name': 'driftwatch',
    'service.version': agentVersion(),
    'service.instance.id': instanceId,
    'host.name': hostname(),
  });
  const env = resourceFromAttributes(envDetector.detect().attributes ?? {});
  return base.merge(env).merge(resourceFromAttributes(configured));
}
