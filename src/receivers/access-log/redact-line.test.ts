// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { redactedExcerpt } from './redact-line.js';

describe('access_log redactedExcerpt', () => {
  it('masks quoted values of any length, keeps JSON keys and the request line', () => {
    const json = JSON.stringify({ messages: [{ role: 'user', content: 'my "short" secret' }], user: 'acme' });
    const out = redactedExcerpt(json, 400);
    expect(out).to.not.match(/short|secret|acme/);
    expect(out).to.include('"messages":').and.include('"content":');
    const nginx = '1.2.3.4 - - [x] "POST /v1/chat/completions?key=abc HTTP/1.1" 200 5 "-" "curl/8"';
    expect(redactedExcerpt(nginx, 400)).to.equal(
      '1.2.3.4 - - [x] "POST /v1/chat/completions?… HTTP/1.1" 200 5 "-" "…"',
    );
  });

  it("runs the redact processor's scrubber first; short keys, captures and an unclosed quote go too", () => {
    const line =
      'sk-abc123 ann@example.com - [x] "POST /v1/chat/completions HTTP/1.1" 200 {tell me a secret|Bearer abcdefgh123} "write my diary: dear';
    const out = redactedExcerpt(line, 400);
    expect(out).to.not.match(/abc123|ann@|example\.com|secret|abcdefgh|diary|dear/);
    expect(out).to.include('"POST /v1/chat/completions HTTP/1.1" 200');
  });
});
