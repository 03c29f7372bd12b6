// SPDX-License-Identifier: Apache-2.0
// The embedded pipeline of `driftwatch demo` (what `npm start` runs), kept in this one file so
// new components (validate, classify, redact, otlp_http, prometheus, status) can be added to the
// demo in one place. `pipelines/demo.yaml` is the same pipeline as a standalone file.

export interface DemoExportOptions {
  /** host:port of the Prometheus pull endpoint (default 127.0.0.1:9464). */
  prometheusEndpoint?: string;
  /** Add the otlp_http exporter: only when OTEL_EXPORTER_OTLP_ENDPOINT is set, since nothing else
   * in the demo listens for OTLP and a dead default endpoint would only log export failures. */
  otlp?: boolean;
}

/** Probes of every kind against the simulator at `baseUrl`. */
export function demoConfigYaml(baseUrl: string, opts: DemoExportOptions = {}): string {
  const prometheus = opts.prometheusEndpoint ?? '127.0.0.1:9464';
  // otlp_http's endpoint defaults to OTEL_EXPORTER_OTLP_ENDPOINT, so the value never enters the YAML.
  const otlp = opts.otlp ? '\n  otlp_http: {}' : '';
  const exporters = ['debug', 'status', 'prometheus', ...(opts.otlp ? ['otlp_http'] : [])].join(', ');
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
