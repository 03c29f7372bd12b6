// SPDX-License-Identifier: Apache-2.0
// Components load what the configuration uses (issue 16): validating a pipeline reads only the
// factories' types and schemas, so none of the heavy packages the implementations need is
// imported; loading an implementation brings its packages in (which shows the check can fail).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HEAVY = [
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/sdk-logs',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/sdk-node',
  '@opentelemetry/resources',
  '@opentelemetry/otlp-transformer',
  'undici',
  'pino',
];

async function packagesAfter(file: string, ...load: string[]): Promise<string[]> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'test/helpers/loaded-packages.ts', file, ...load],
    { timeout: 60_000 },
  );
  return stdout.split('\n').filter(Boolean);
}

describe('components load on demand', function () {
  this.timeout(120_000);

  it('validating the demo pipeline (every kind of component) imports no implementation package', async () => {
    const loaded = await packagesAfter('pipelines/demo.yaml');
    expect(loaded, 'config validation still needs ajv').to.include('ajv');
    expect(loaded.filter((p) => HEAVY.includes(p))).to.deep.equal([]);
  });

  it('loading otlp_http and probe brings in the OpenTelemetry SDK and undici', async () => {
    const loaded = await packagesAfter('pipelines/demo.yaml', 'exporter:otlp_http', 'receiver:probe');
    expect(loaded).to.include.members(['@opentelemetry/sdk-metrics', 'undici']);
  });
});
