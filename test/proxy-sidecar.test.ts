// SPDX-License-Identifier: Apache-2.0
// The Kubernetes sidecar example of the proxy receiver (deploy/kubernetes/deployment-sidecar-proxy.yaml):
// its embedded config loads with the real loader, the proxy binds loopback only, the application's
// base URL points at it, and driftwatch runs as a native sidecar (starts first, stops last).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { builtinRegistry } from '../src/components.js';
import { loadServiceConfig } from '../src/config/load.js';

const FILE = 'deploy/kubernetes/deployment-sidecar-proxy.yaml';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('deploy/kubernetes sidecar example of the proxy receiver', () => {
  const docs = parseAllDocuments(readFileSync(FILE, 'utf8')).map((d) => d.toJS() as Any);
  const cm = docs.find((d) => d.kind === 'ConfigMap');
  const deploy = docs.find((d) => d.kind === 'Deployment');

  it('embeds a config the real loader accepts, with the proxy on loopback', () => {
    const text = cm.data['sidecar.yaml'] as string;
    const cfg = loadServiceConfig({
      files: [],
      inline: [['sidecar.yaml', text]],
      env: {},
      registry: builtinRegistry(),
    });
    expect(cfg.service.pipelines.size).to.equal(1);
    const proxy = [...cfg.receivers.values()].find((r) => r.type === 'proxy');
    expect(proxy, 'a proxy receiver').to.not.equal(undefined);
    const c = proxy!.config as { endpoint: string; upstream: string; tls: { insecure_skip_verify: boolean } };
    expect(c.endpoint).to.match(/^127\.0\.0\.1:\d+$/);
    expect(c.upstream).to.match(/^https:\/\//);
    expect(c.tls.insecure_skip_verify).to.equal(false);
  });

  it('points the application at the sidecar and runs driftwatch as a native sidecar', () => {
    const spec = deploy.spec.template.spec;
    const sidecar = spec.initContainers.find((c: Any) => c.name === 'driftwatch');
    expect(sidecar.restartPolicy).to.equal('Always');
    const app = spec.containers.find((c: Any) => c.name === 'app');
    const base = app.env.find((e: Any) => e.name === 'OPENAI_BASE_URL').value as string;
    const text = cm.data['sidecar.yaml'] as string;
    const endpoint = /endpoint: (127\.0\.0\.1:\d+)/.exec(text)![1];
    expect(base).to.equal(`http://${endpoint}/v1`);
    expect(spec.volumes.find((v: Any) => v.configMap)?.configMap.name).to.equal(cm.metadata.name);
  });
});
