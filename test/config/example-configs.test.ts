// SPDX-License-Identifier: Apache-2.0
// Every example configuration the project ships (pipelines/*.yaml, and any agent config under
// config/, i.e. a YAML file with a `service:` section) passes `driftwatch validate`, run as the
// real CLI in a child process with the environment a user would set.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = join(ROOT, 'test/helpers/run-cli.ts');

function yamlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) return yamlFiles(rel);
    return /\.ya?ml$/.test(name) ? [rel] : [];
  });
}

function isAgentConfig(rel: string): boolean {
  const doc = parse(readFileSync(join(ROOT, rel), 'utf8')) as unknown;
  return typeof doc === 'object' && doc !== null && 'service' in doc;
}

const examples = [...yamlFiles('pipelines'), ...yamlFiles('config').filter(isAgentConfig)];

describe('shipped example configurations validate', function () {
  this.timeout(60_000);

  it('finds the pipelines', () => {
    expect(examples).to.include.members(['pipelines/cometapi.yaml', 'pipelines/demo.yaml']);
  });

  for (const rel of examples) {
    it(`driftwatch validate --config ${rel}`, async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, COMETAPI_API_KEY: 'x', DRIFTWATCH_LOG_LEVEL: 'warn' };
      delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
      const { stdout } = await run(process.execPath, ['--import', 'tsx', CLI, 'validate', '--config', rel], {
        cwd: ROOT,
        env,
      }).catch((err: { stdout?: string; stderr?: string; code?: number }) => {
        throw new Error(`exit ${err.code}: ${err.stdout ?? ''}${err.stderr ?? ''}`);
      });
      expect(stdout).to.match(/^Configuration is valid/m);
    });
  }

  it('pipelines/cometapi.yaml is a full pipeline judged with the CometAPI contract', () => {
    const doc = parse(readFileSync(join(ROOT, 'pipelines/cometapi.yaml'), 'utf8')) as {
      processors: { validate: { contract: string } };
      service: { pipelines: { contract: { processors: string[]; exporters: string[] } } };
    };
    expect(doc.processors.validate.contract).to.equal('config/contracts/cometapi-chat-completions.yaml');
    expect(doc.service.pipelines.contract.processors).to.deep.equal(['validate', 'classify', 'redact']);
    expect(doc.service.pipelines.contract.exporters).to.have.members([
      'otlp_http',
      'prometheus',
      'status',
      'debug',
    ]);
  });

  it('validate fails without COMETAPI_API_KEY (the check is real)', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DRIFTWATCH_LOG_LEVEL: 'warn' };
    delete env.COMETAPI_API_KEY;
    const res = await run(
      process.execPath,
      ['--import', 'tsx', CLI, 'validate', '--config', 'pipelines/cometapi.yaml'],
      { cwd: ROOT, env },
    ).then(
      () => 0,
      (err: { code?: number }) => err.code,
    );
    expect(res).to.equal(2);
  });
});
