// SPDX-License-Identifier: Apache-2.0
// Child process for the persistent-queue crash test: runs an otlp_http exporter with the file
// queue against an endpoint that is down, feeds numbered probe records, and prints `acked N`
// once each batch is acknowledged (persisted). The parent kills it with SIGKILL.
import { newContext } from '../../src/component/consumer.js';
import { otlpHttpExporterFactory } from '../../src/exporters/otlp-http/index.js';
import { nopHost, testSettings } from '../../src/testing/nop-host.js';
import { probeRecord, violationRecord } from '../../src/testing/signal-records.js';

const [endpoint, dataDir] = process.argv.slice(2);
const d = otlpHttpExporterFactory.createDefaultConfig();
const exporter = otlpHttpExporterFactory.create(testSettings('exporter', 'otlp_http/crash', { dataDir }), {
  ...d,
  endpoint,
  timeout: '500ms',
  sending_queue: { ...d.sending_queue, storage: 'file' },
  retry_on_failure: {
    ...d.retry_on_failure,
    initial_interval: '100ms',
    max_interval: '200ms',
    max_elapsed_time: '10m',
  },
  metrics: { ...d.metrics, enabled: false },
});
await exporter.start(nopHost());
for (let i = 0; ; i++) {
  const r = i % 4 === 3 ? violationRecord({ probe: `seq-${i}` }) : probeRecord({ probe: `seq-${i}` });
  await exporter.consume([r], newContext());
  process.stdout.write(`acked ${i}\n`);
  await new Promise((res) => setTimeout(res, 5));
}
