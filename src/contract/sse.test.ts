// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { parseSse } from './sse.js';

describe('parseSse', () => {
  it('parses data events, skips comments, stops at [DONE] and ignores what follows', () => {
    const s = parseSse(
      ': keepalive\r\n\r\ndata: {"a":1}\r\n\r\ndata: {"a":2}\n\ndata: [DONE]\n\ndata: {"late":true}\n\n',
    );
    expect(s).to.include({ events: 3, dataChunks: 2, comments: 1, sawDone: true });
    expect(s.chunks).to.deep.equal([{ a: 1 }, { a: 2 }]);
    expect(s.anomalies).to.deep.equal([]);
  });

  it('names anomalies: invalid JSON, error events, garbage lines, no [DONE]', () => {
    const s = parseSse(
      'data: {"a":1}\n\ndata: {not json\n\nHTTP/1.1 502\n\ndata: {"error":{"message":"x"}}\n\n',
    );
    expect(s.anomalies).to.have.members(['invalid_json', 'garbage', 'error_event', 'no_done']);
    expect(s.errorEvent).to.deep.equal({ error: { message: 'x' } });
    expect(s.sawDone).to.equal(false);
  });

  it('joins multi-line data and handles a final event without a blank line', () => {
    const s = parseSse('data: {"a":\ndata: 1}');
    expect(s.chunks).to.deep.equal([{ a: 1 }]);
  });
});
