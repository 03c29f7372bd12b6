// SPDX-License-Identifier: Apache-2.0
// The embedded pipeline of `driftwatch demo` (what `npm start` runs), kept in this one file so
// new components (validate, classify, redact, otlp_http, prometheus, status) can be added to the
// demo in one place. `pipelines/demo.yaml` is the same pipeline as a standalone file.

const SIGNALS = ['traces', 'metrics', 'logs'] as const;
type Signal = (typeof SIGNALS)[number];

export interface DemoExportOptions {
  /** host:port of the Prometheus pull endpoint (default 127.0.0.1:9464). */
  prometheusEndpoint?: string;
  /** The signals otlp_http sends (see demoOtlpSignals); none: no otlp_http exporter. */
  otlp?: readonly Signal[];
}

/**
 * The signals the demo exports over OTLP: those with an endpoint in the standard variables
 * (OTEL_EXPORTER_OTLP_ENDPOINT for all, OTEL_EXPORTER_OTLP_{SIGNAL}_ENDPOINT for one), since
 * nothing else in the demo listens for OTLP and a dead default endpoint would only log export
 * failures. OTEL_SDK_DISABLED=true and OTEL_{SIGNAL}_EXPORTER=none switch signals off.
 */
export function demoOtlpSignals(env: Record<string, string | undefined>): Signal[] {
  const set = (k: string): boolean => (env[k] ?? '').trim() !== '';
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return [];
  return SIGNALS.filter(
    (s) =>
      (set('OTEL_EXPORTER_OTLP_ENDPOINT') || set(`OTEL_EXPORTER_OTLP_${s.toUpperCase()}_ENDPOINT`)) &&
      (env[`OTEL_${s.toUpperCase()}_EXPORTER`] ?? '').trim() !== 'none',
  );
}

/** Probes of every kind against the simulator at `baseUrl`. */
export function demoConfigYaml(baseUrl: string, opts: DemoExportOptions = {}): string {
  const prometheus = opts.prometheusEndpoint ?? '127.0.0.1:9464';
  // otlp_http reads the OTEL_EXPORTER_OTLP_* variables itself (per signal), so no endpoint enters
  // the YAML; signals without an endpoint are switched off.
  const on = opts.otlp ?? [];
  const otlp =
    on.length > 0
      ? `\n  otlp_http: { ${SIGNALS.map((sig) => `${sig}: { enabled: ${on.includes(sig)} }`).join(', ')} }`
      : '';
  const exporters = ['debug', 'status', 'prometheus', ...(on.length > 0 ? ['otlp_http'] : [])].join(', ');
  return `
receivers:
  probe/simulator:
    base_url: ${baseUrl}
    model: gpt-4o-mini
    environment: demo
    budget: { daily_tokens: 0, daily_requests: 0 }   # the simulator costs nothing
    probes:
      - { name: chat, kind: chat, interval: 15s, prompt_sizes: [small, large] }
      - { name: stream, kind: chat_stream, interval: 15s }
      - { name: usage, kind: usage, interval: 30s }
      - { name: invalid, kind: invalid_request, interval: 45s }
      - { name: deadline, kind: timeout_boundary, interval: 30s, timeout: 300ms }
processors:
  validate:
    contract: config/contracts/openai-chat-completions.yaml
  classify: {}
  redact: {}
exporters:
  debug:
    verbosity: detailed
  status: {}
  prometheus:
    endpoint: ${prometheus}${otlp}
extensions:
  health_check:
    endpoint: 127.0.0.1:13133
service:
  extensions: [health_check]
  pipelines:
    contract:
      receivers: [probe/simulator]
      processors: [validate, classify, redact]
      exporters: [${exporters}]
`;
}
