// SPDX-License-Identifier: Apache-2.0
// The embedded pipeline of `driftwatch demo` (what `npm start` runs), kept in this one file so
// new components (validate, classify, redact, otlp_http, prometheus, status) can be added to the
// demo in one place. `pipelines/demo.yaml` is the same pipeline as a standalone file.

/** Probes of every kind against the simulator at `baseUrl`. */
export function demoConfigYaml(baseUrl: string): string {
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
extensions:
  health_check:
    endpoint: 127.0.0.1:13133
service:
  extensions: [health_check]
  pipelines:
    contract:
      receivers: [probe/simulator]
      processors: [validate, classify, redact]
      exporters: [debug, status]
`;
}
