// SPDX-License-Identifier: Apache-2.0
import { expect } from 'chai';
import { ResponseParser, ResponseParseError } from './response-parser.js';
import type { ResponseHeaders } from './response-parser.js';

interface Seen {
  status?: number;
  headers?: ResponseHeaders;
  body: string;
  chunks: number;
  end?: boolean;
}

/** Feeds `parts` one by one (as separate socket reads) and returns what the parser told. */
function parse(
  parts: string[],
  opts: { head?: boolean; maxHead?: number } = {},
): Seen & { p: ResponseParser } {
  const seen: Seen = { body: '', chunks: 0 };
  const p = new ResponseParser(
    {
      head: (status, headers) => Object.assign(seen, { status, headers }),
      data: (c) => {
        seen.body += c.toString('latin1');
        seen.chunks++;
      },
      end: (reusable) => (seen.end = reusable),
    },
    opts.head ?? false,
    opts.maxHead,
  );
  for (const part of parts) p.feed(Buffer.from(part, 'latin1'));
  return { ...seen, p };
}

/** Every way of cutting `text` in two reads: framing must not depend on where reads end. */
function everySplit(text: string): string[][] {
  const out: string[][] = [];
  for (let i = 1; i < text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

describe('proxy http1 response parser', () => {
  const sized = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}';
  const chunked =
    'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n' +
    '6\r\ndata: \r\n5;ext=1\r\nhello\r\n0\r\nx-trailer: t\r\n\r\n';

  it('reads a sized body, whole or cut anywhere, and the connection stays reusable', () => {
    for (const parts of [[sized], ...everySplit(sized)]) {
      const s = parse(parts);
      expect(s.status).to.equal(200);
      expect(s.headers).to.include({ 'content-type': 'application/json', 'content-length': '11' });
      expect(s.body).to.equal('{"ok":true}');
      expect(s.end).to.equal(true);
    }
  });

  it('de-chunks a chunked body cut anywhere, skips extensions and trailers', () => {
    for (const parts of [[chunked], ...everySplit(chunked)]) {
      const s = parse(parts);
      expect(s.body, JSON.stringify(parts)).to.equal('data: hello');
      expect(s.end).to.equal(true);
      expect(s.headers?.['x-trailer']).to.equal(undefined);
    }
  });

  it('hands each read on as it comes (a stream is not buffered)', () => {
    const s = parse([
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n',
      '3\r\ndef\r\n',
      '0\r\n\r\n',
    ]);
    expect(s.chunks).to.equal(2);
    expect(s.end).to.equal(true);
  });

  it('reads to the close when there is no length, and never reuses that connection', () => {
    const s = parse(['HTTP/1.1 200 OK\r\n\r\npart one, ', 'part two']);
    expect(s.body).to.equal('part one, part two');
    expect(s.end).to.equal(undefined);
    expect(s.p.closed(), 'the close ends it').to.equal(true);
    const ended: boolean[] = [];
    const p = new ResponseParser({ head() {}, data() {}, end: (r) => ended.push(r) }, false);
    p.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\nbody'));
    expect(p.closed()).to.equal(true);
    expect(ended).to.deep.equal([false]);
  });

  it('no body for HEAD, 204 and 304, whatever the length says', () => {
    expect(parse(['HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n'], { head: true }).end).to.equal(true);
    expect(parse(['HTTP/1.1 204 No Content\r\n\r\n']).end).to.equal(true);
    expect(parse(['HTTP/1.1 304 Not Modified\r\ncontent-length: 9\r\n\r\n']).end).to.equal(true);
  });

  it('skips interim answers (100, 103) and reads the final one', () => {
    const s = parse(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n', sized]);
    expect(s.status).to.equal(200);
    expect(s.headers?.link).to.equal(undefined);
    expect(s.body).to.equal('{"ok":true}');
  });

  it('keeps repeated fields as a list, names lower-cased', () => {
    const s = parse(['HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nContent-Length: 0\r\n\r\n']);
    expect(s.headers?.['set-cookie']).to.deep.equal(['a=1', 'b=2']);
  });

  it('Connection: close, HTTP/1.0 and bytes after the message make the connection unreusable', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n']).end).to.equal(false);
    expect(parse(['HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n']).end).to.equal(false);
    expect(parse(['HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n']).end).to.equal(
      true,
    );
    expect(parse(['HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokEXTRA']).end).to.equal(false);
  });

  const refused: Array<[string, string]> = [
    ['both framings', 'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n'],
    ['conflicting lengths', 'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\n'],
    ['a length that is not a number', 'HTTP/1.1 200 OK\r\ncontent-length: 3x\r\n\r\n'],
    ['a folded line', 'HTTP/1.1 200 OK\r\nx-a: 1\r\n  folded\r\ncontent-length: 0\r\n\r\n'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nx-a : 1\r\ncontent-length: 0\r\n\r\n'],
    ['not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'],
    ['chunk data without its CRLF', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabX'],
    ['a protocol switch', 'HTTP/1.1 101 Switching Protocols\r\n\r\n'],
  ];
  for (const [what, text] of refused)
    it(`refuses ${what}`, () => {
      expect(() => parse([text]))
        .to.throw(ResponseParseError)
        .with.property('code', 'HPE_INVALID_RESPONSE');
    });

  it('refuses a header section above the limit, before and after its end arrives', () => {
    const big = `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(2000)}\r\n`;
    expect(() => parse([big], { maxHead: 1024 }))
      .to.throw(ResponseParseError)
      .with.property('code', 'HPE_HEADER_OVERFLOW');
    expect(() => parse([`${big}content-length: 0\r\n\r\n`], { maxHead: 1024 }))
      .to.throw(ResponseParseError)
      .with.property('code', 'HPE_HEADER_OVERFLOW');
  });
});
