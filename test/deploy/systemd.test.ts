// SPDX-License-Identifier: Apache-2.0
// deploy/systemd/driftwatch.service: the hardening the issue asks for is present, and
// `systemd-analyze verify` (when the machine has it) accepts the unit with no unknown keys.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../../src/testing/system-tool.js';

const UNIT = 'deploy/systemd/driftwatch.service';

/** Directives by section; repeated keys keep every value (systemd semantics). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = s[1];
      out.set(section, out.get(section) ?? new Map());
      continue;
    }
    const eq = line.indexOf('=');
    expect(eq, `unit line "${line}"`).to.be.greaterThan(0);
    const key = line.slice(0, eq).trim();
    const m = out.get(section)!;
    m.set(key, [...(m.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return out;
}

describe('deploy/systemd/driftwatch.service', () => {
  const unit = parseUnit(readFileSync(UNIT, 'utf8'));
  const svc = unit.get('Service')!;
  const one = (k: string) => svc.get(k)?.at(-1);

  it('is hardened: DynamicUser, ProtectSystem=strict, ReadWritePaths for data, adm group, NoNewPrivileges', () => {
    expect(one('DynamicUser')).to.equal('yes');
    expect(one('ProtectSystem')).to.equal('strict');
    expect(one('ReadWritePaths')).to.equal('/var/lib/driftwatch');
    expect(one('SupplementaryGroups')).to.equal('adm');
    expect(one('NoNewPrivileges')).to.equal('yes');
    expect(one('CapabilityBoundingSet')).to.equal('');
    expect(one('PrivateTmp')).to.equal('yes');
    expect(one('ProtectHome')).to.equal('yes');
    expect(svc.get('Environment')).to.include('DRIFTWATCH_DATA_DIR=/var/lib/driftwatch');
  });

  it('runs node directly, reloads with SIGHUP and drains on SIGTERM', () => {
    expect(one('ExecStart')).to.match(/^\/usr\/bin\/node \S+driftwatch\.js run --config \S+/);
    expect(one('ExecReload')).to.equal('/bin/kill -HUP $MAINPID');
    expect(one('KillSignal')).to.equal('SIGTERM');
    expect(unit.get('Install')?.get('WantedBy')).to.deep.equal(['multi-user.target']);
  });

  it('passes `systemd-analyze verify` with no unknown keys', function () {
    const analyze = findTool(['/usr/bin/systemd-analyze', '/bin/systemd-analyze']);
    if (!analyze) {
      // Optional tool: the directive checks above still run everywhere.
      process.stderr.write('\n  !!! systemd-analyze not found: skipping the unit verification\n\n');
      this.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'dw-systemd-'));
    try {
      let text = readFileSync(UNIT, 'utf8');
      // verify checks that ExecStart's binary exists; point it at this node when /usr/bin has none.
      if (!existsSync('/usr/bin/node')) text = text.replace('/usr/bin/node ', `${process.execPath} `);
      const file = join(dir, 'driftwatch.service');
      writeFileSync(file, text);
      const r = spawnSync(analyze!, ['verify', file], { encoding: 'utf8', cwd: dir });
      const ours = (r.stderr + r.stdout)
        .split('\n')
        .filter((l) => l.includes('driftwatch.service'))
        .join('\n');
      expect(ours, 'systemd-analyze findings about the unit').to.equal('');
      expect(r.status, r.stderr).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
