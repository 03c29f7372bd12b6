// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { lazyImplementation } from './lazy-implementation.js';

describe('lazyImplementation', () => {
  it('imports once, shares a pending import, and refuses get() before load()', async () => {
    let imports = 0;
    const impl = lazyImplementation('demo_type', async () => ({ n: ++imports }));
    expect(() => impl.get()).to.throw(/component "demo_type".*not loaded.*load\(\)/);
    await Promise.all([impl.load(), impl.load()]);
    await impl.load();
    expect(impl.get()).to.deep.equal({ n: 1 });
    expect(imports).to.equal(1);
  });

  it('a failed import rejects load() and may be retried', async () => {
    let calls = 0;
    const impl = lazyImplementation('flaky', async () => {
      if (++calls === 1) throw new Error('EMFILE');
      return { ok: true };
    });
    await impl.load().then(
      () => expect.fail('load() should reject'),
      (err: Error) => expect(err.message).to.equal('EMFILE'),
    );
    expect(() => impl.get()).to.throw(/not loaded/);
    await impl.load();
    expect(impl.get()).to.deep.equal({ ok: true });
  });
});
