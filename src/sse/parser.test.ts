// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { SseParser } from './parser.js';
import type { SseEvent } from './parser.js';

function parse(chunks: Array<string | Uint8Array>, maxLineBytes?: number) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const p = new SseParser({
    maxLineBytes,
    onEvent: (e) => events.push(e),
    onComment: (c) => comments.push(c),
  });
  for (const c of chunks) p.push(c);
  p.end();
  return { events, comments, stats: p.stats };
}

describe('SseParser (HTML event-stream rules)', () => {
  it('handles LF, CRLF and lone CR line endings alike', () => {
    for (const nl of ['\n', '\r\n', '\r']) {
      const { events } = parse([`data: a${nl}${nl}data: b${nl}${nl}`]);
      expect(
        events.map((e) => e.data),
        JSON.stringify(nl),
      ).to.deep.equal(['a', 'b']);
    }
  });

  it('joins multi-line data with \\n and strips exactly one leading space', () => {
    const { events } = parse(['data:  two spaces\ndata:none\n\n']);
    expect(events[0].data).to.equal(' two spaces\nnone');
  });

  it('reports comments (": OPENROUTER PROCESSING") without making them events', () => {
    const { events, comments, stats } = parse([': OPENROUTER PROCESSING\n\ndata: x\n\n']);
    expect(comments).to.deep.equal(['OPENROUTER PROCESSING']);
    expect(events).to.have.length(1);
    expect(stats.comments).to.equal(1);
  });

  it('tolerates leading whitespace before a field name and a UTF-8 BOM', () => {
    const { events } = parse([new Uint8Array([0xef, 0xbb, 0xbf]), '  data: x\n\n']);
    expect(events.map((e) => e.data)).to.deep.equal(['x']);
  });

  it('keeps the event name and id, and resets the name after dispatch', () => {
    const { events } = parse(['event: error\nid: 7\ndata: {}\n\ndata: y\n\n']);
    expect(events[0]).to.include({ event: 'error', id: '7' });
    expect(events[1].event).to.equal('message');
  });

  it('gives the same events whatever the read boundaries, even inside CRLF and multi-byte characters', () => {
    const text = 'data: {"c":"Olá 😊"}\r\n\r\n: c\r\ndata: [DONE]\r\n\r\n';
    const bytes = Buffer.from(text);
    const whole = parse([bytes]).events;
    for (let cut = 1; cut < bytes.length; cut++) {
      const split = parse([bytes.subarray(0, cut), bytes.subarray(cut)]).events;
      expect(split, `cut at ${cut}`).to.deep.equal(whole);
    }
    expect(whole.map((e) => e.data)).to.deep.equal(['{"c":"Olá 😊"}', '[DONE]']);
  });

  it('discards an event left without its blank line at end of stream', () => {
    expect(parse(['data: a\n\ndata: cut']).events.map((e) => e.data)).to.deep.equal(['a']);
  });

  it('counts garbage lines and drops over-long lines without buffering them', () => {
    const long = 'data: ' + 'x'.repeat(5000);
    const { events, stats } = parse(
      ['hello world\n', long.slice(0, 2000), long.slice(2000), '\n\ndata: ok\n\n'],
      1024,
    );
    expect(stats.unknownLines).to.equal(1);
    expect(stats.oversizedLines).to.equal(1);
    expect(events.map((e) => e.data)).to.deep.equal(['ok']);
  });
});
