// SPDX-License-Identifier: Apache-2.0
// driftwatch's own version, read from package.json. Apart from signals/resource.ts (which
// re-exports it) because config validation needs it (the OTLP User-Agent) and must not load
// the OpenTelemetry resource and semantic-convention packages to get it.
import { createRequire } from 'node:module';

function packageVersion(): string {
  try {
    const req = createRequire(import.meta.url);
    return (req('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** driftwatch's own version: service.version and the instrumentation scope version of every signal. */
export const AGENT_VERSION = packageVersion();
