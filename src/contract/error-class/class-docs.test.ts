// SPDX-License-Identifier: Apache-2.0
// One home for each error class's owner, first action and retry: CLASS_INFO. The runbook
// pages, the runbook index and docs/contracts.md say exactly what it says (the alert rules'
// owners are checked against the runbooks in test/deploy/prometheus-rules.test.ts).
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorClass } from '../../model/call-record.js';
import { CLASS_INFO } from './table.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');
const classes = Object.entries(CLASS_INFO) as Array<[ErrorClass, (typeof CLASS_INFO)[ErrorClass]]>;
const yesNo = (b: boolean) => (b ? 'yes' : 'no');

function field(text: string, name: string): string | undefined {
  return new RegExp(`^\\*\\*${name}:\\*\\* (.+?)\\s*$`, 'm').exec(text)?.[1];
}

describe('error-class owner / first action / retry have one home', () => {
  it('each runbook page states the table’s owner, first action and retry', () => {
    for (const [c, info] of classes) {
      expect(info.runbook, c).to.equal(`docs/runbooks/${c}.md`);
      expect(existsSync(join(root, info.runbook)), info.runbook).to.equal(true);
      const page = read(info.runbook);
      expect(field(page, 'Owner'), `${c}: Owner`).to.equal(info.owner);
      expect(field(page, 'First action'), `${c}: First action`).to.equal(info.firstAction);
      expect(field(page, 'Retry'), `${c}: Retry`).to.match(new RegExp(`^${yesNo(info.retryable)}\\b`));
    }
  });

  it('the runbook index has one row per class with the same text', () => {
    const index = read('docs/runbooks/README.md');
    for (const [c, info] of classes) {
      const row = index.split('\n').find((l) => l.startsWith(`| [${c}](${c}.md) |`));
      expect(row, `${c}: row`).to.be.a('string');
      const cells = row!.split('|').map((x) => x.trim());
      expect(cells.slice(2, 4), c).to.deep.equal([info.owner, info.firstAction]);
      expect(cells[4], `${c}: retry`).to.match(new RegExp(`^${yesNo(info.retryable)}\\b`));
    }
  });

  it('docs/contracts.md states the same in each class section', () => {
    const doc = read('docs/contracts.md');
    for (const [c, info] of classes) {
      const retry = info.retryable ? 'Retried.' : 'Not retried.';
      expect(doc, c).to.include(
        `Owner: ${info.owner}. First: ${info.firstAction}. ${retry} Runbook: [${c}](runbooks/${c}.md).`,
      );
    }
  });
});
