// SPDX-License-Identifier: Apache-2.0
// Runs a function with exactly these OTEL_* / proxy variables set (the OpenTelemetry JS
// configuration code reads process.env itself), restoring the previous environment afterwards.
const MANAGED = /^(OTEL_|HTTPS?_PROXY$|NO_PROXY$|https?_proxy$|no_proxy$)/;

export async function withEnv<T>(vars: Record<string, string>, fn: () => T | Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(process.env)) if (MANAGED.test(k)) saved[k] = process.env[k];
  for (const k of Object.keys(saved)) delete process.env[k];
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(process.env)) if (MANAGED.test(k)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}
