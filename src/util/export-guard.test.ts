// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { ExportGuard } from './export-guard.js';

describe('ExportGuard', () => {
  const key = 'sk-canary-0123456789abcdef';
  const g = new ExportGuard([key, 'short', 'a prompt with "quotes"']);

  it('finds a secret raw, JSON-escaped and URL-encoded', () => {
    expect(g.allows(`x ${key} y`)).to.equal(false);
    expect(g.allows(JSON.stringify({ p: 'a prompt with "quotes"' }))).to.equal(false);
    expect(g.allows(`u=${encodeURIComponent(`a prompt with "quotes"`)}`)).to.equal(false);
    expect(g.allows(new TextEncoder().encode(key))).to.equal(false);
  });

  it('finds a secret inside longer base64 text at every byte alignment', () => {
    for (const prefix of ['', 'a', 'ab', 'abc', 'user:'])
      expect(g.allows(`Basic ${Buffer.from(`${prefix}${key}:tail`).toString('base64')}`), prefix).to.equal(
        false,
      );
  });

  it('lets clean payloads through and ignores values too short to be secrets', () => {
    expect(g.allows('nothing to see; short is short')).to.equal(true);
    expect(new ExportGuard([]).active).to.equal(false);
  });
});
