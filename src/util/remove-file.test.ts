// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeFile } from './remove-file.js';

describe('removeFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dw-rm-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('deletes a file and takes a missing one as done', () => {
    const f = join(dir, 'a');
    writeFileSync(f, 'x');
    removeFile(f);
    expect(existsSync(f)).to.equal(false);
    expect(() => removeFile(f)).not.to.throw();
  });

  it('throws with the errno code for any other failure (on every Node line)', () => {
    // a directory cannot be unlinked: EISDIR on Linux (EPERM elsewhere), never an empty code
    let code: string | undefined;
    try {
      removeFile(dir);
    } catch (err) {
      code = (err as NodeJS.ErrnoException).code;
    }
    expect(code).to.be.oneOf(['EISDIR', 'EPERM']);
  });
});
