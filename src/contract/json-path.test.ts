// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { templatePath } from './json-path.js';

describe('templatePath', () => {
  it('collapses indices, unescapes ~1 and ~0, and appends the missing or extra property', () => {
    expect(templatePath('/choices/0/message', 'refusal')).to.equal('choices[].message.refusal');
    expect(templatePath('/a~1b/c~0d/12')).to.equal('a/b.c~d[]');
    expect(templatePath('', 'choices')).to.equal('choices');
    expect(templatePath('')).to.equal('$');
  });

  it('answers the same when asked again (remembered), and tells paths with and without a property apart', () => {
    for (let i = 0; i < 3; i++) {
      expect(templatePath('/choices/3/message')).to.equal('choices[].message');
      expect(templatePath('/choices/3/message', 'content')).to.equal('choices[].message.content');
    }
  });

  it('a long path (not remembered) and more paths than it remembers are still templated right', () => {
    const long = `/${'k'.repeat(5000)}/0`;
    for (let i = 0; i < 2; i++) expect(templatePath(long)).to.equal('k'.repeat(120));
    // more distinct paths than it remembers: still right
    for (let i = 0; i < 3000; i++) expect(templatePath(`/x${i}/0`)).to.equal(`x${i}[]`);
  });
});
