// SPDX-License-Identifier: Apache-2.0
// Properties of the redactor (scrubber.ts, redact.ts) and the export guard: for every secret
// shape they claim to handle, a generated secret placed anywhere in generated text, in every
// encoding they claim (raw, JSON-escaped, URL-encoded, base64 for configured secrets), never
// survives; nothing throws; the output stays bounded.
import { expect } from 'chai';
import fc from 'fast-check';
import { sampleRecord } from '../../testing/compliance.js';
import { ExportGuard } from '../../util/export-guard.js';
import { redactRecord } from './redact.js';
import type { RedactPlan } from './redact.js';
import { Scrubber } from '../../util/scrubber.js';

const chars = (s: string) => fc.constantFrom(...Array.from(s));
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const word = (alphabet: string, min: number, max: number) =>
  fc.array(chars(alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));

/** Secret shapes the scrubber's README claims, each with the part that must not survive. */
const bearer = fc
  .tuple(
    fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic'),
    fc.constantFrom(' ', '  ', '\t'),
    word(`${ALNUM}._~+/-`, 6, 40),
    word('=', 0, 2),
  )
  .map(([scheme, gap, tok, pad]) => ({ text: `${scheme}${gap}${tok}${pad}`, secret: tok + pad }));
const apiKey = fc
  .tuple(fc.constantFrom('sk-', 'sk-proj-', 'rk-', 'pk-', 'gsk_', 'xai-', 'AIza'), word(ALNUM, 30, 48))
  .map(([p, body]) => ({ text: p + body, secret: p + body }));
/** fast-check's RFC 5322 addresses, minus local parts using the URL structure characters / = & ? (not claimed). */
const email = fc
  .emailAddress()
  .filter((e) => !/[/=&?]/.test(e.slice(0, e.lastIndexOf('@'))) && /\.[A-Za-z]{2,}$/.test(e))
  .map((e) => ({ text: e, secret: e }));
const configured = fc
  .tuple(word(`${ALNUM} "\\/:?&=%+é😊`, 9, 40), word(ALNUM, 3, 3))
  // a distinctive core so the secret cannot appear in the surrounding text by chance
  .map(([s, core]) => `${core}${s}${core}`);

/** Text around the secret; it ends in a non-alphanumeric character so the secret starts a token. */
const before = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 30 }).map((s) => `${s} `),
  fc.constantFrom('Authorization: ', 'key=', '{"k":"', 'line\n', '\t', '"', '(', '_', '/v1/x?auth='),
);
const after = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 30 }).map((s) => ` ${s}`),
  fc.constantFrom('"}', '&x=1', '\n', '.', ' HTTP/1.1'),
);

type Encoding = 'raw' | 'json' | 'url';
const ENCODE: Record<Encoding, (s: string) => string> = {
  raw: (s) => s,
  json: (s) => JSON.stringify(s).slice(1, -1),
  url: (s) => encodeURIComponent(s),
};
const encoding = fc.constantFrom<Encoding>('raw', 'json', 'url');

/** No 10-character window of the encoded secret (or the whole of a shorter one) is left. */
function assertGone(out: string, encodedSecret: string): void {
  const w = Math.min(10, encodedSecret.length);
  for (let i = 0; i + w <= encodedSecret.length; i++) {
    const window = encodedSecret.slice(i, i + w);
    expect(out.includes(window), `"${window}" of the secret survives in: ${out}`).to.equal(false);
  }
}

const scrubber = (sensitive: string[] = []) =>
  new Scrubber({ bearer: true, apiKeys: true, emails: true, extra: [], sensitive });

describe('redactor properties (fast-check)', () => {
  for (const [name, shape] of [
    ['bearer / basic tokens', bearer],
    ['provider API keys', apiKey],
    ['e-mail addresses', email],
  ] as const) {
    it(`${name}: never survive, at any position, raw, JSON-escaped or URL-encoded`, () => {
      fc.assert(
        fc.property(shape, before, after, encoding, (s, pre, post, enc) => {
          const text = ENCODE[enc](pre + s.text + post);
          const counts: Record<string, number> = {};
          const out = scrubber().scrub(text, counts);
          assertGone(out, ENCODE[enc](s.secret));
          expect(Object.values(counts).reduce((a, b) => a + b, 0)).to.be.greaterThan(0);
        }),
        { numRuns: 250 },
      );
    });
  }

  it('configured secrets and prompts: never survive, raw, JSON-escaped, URL-encoded or inside base64 at any alignment', () => {
    fc.assert(
      fc.property(
        configured,
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 30 }),
        fc.constantFrom<Encoding | 'base64'>('raw', 'json', 'url', 'base64'),
        (secret, pre, post, enc) => {
          const text =
            enc === 'base64'
              ? `Basic ${Buffer.from(pre + secret + post).toString('base64')}`
              : ENCODE[enc](pre + secret + post);
          const s = new Scrubber({
            bearer: false,
            apiKeys: false,
            emails: false,
            extra: [],
            sensitive: [secret],
          });
          const out = s.scrub(text, {});
          expect(new ExportGuard([secret]).allows(out), out).to.equal(true);
          if (enc !== 'base64') assertGone(out, ENCODE[enc](secret));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the export guard refuses any payload holding a configured secret in a claimed form, and only those', () => {
    fc.assert(
      fc.property(
        configured,
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        fc.constantFrom<Encoding | 'base64'>('raw', 'json', 'url', 'base64'),
        (secret, pre, post, enc) => {
          const guard = new ExportGuard([secret]);
          const payload =
            enc === 'base64'
              ? Buffer.from(pre + secret + post).toString('base64')
              : ENCODE[enc](pre + secret + post);
          expect(guard.allows(payload)).to.equal(false);
          expect(guard.allows(Buffer.from(`{"x":"${payload}"}`))).to.equal(false);
          expect(guard.allows(pre + post)).to.equal(!(pre + post).includes(secret));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws and stays bounded on arbitrary text; idempotent', () => {
    const s = scrubber(['configured-secret-value']);
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => {
        const counts: Record<string, number> = {};
        const once = s.scrub(text, counts);
        // every replacement is at most "[REDACTED:api_key]" for a match of at least 6 characters
        expect(once.length).to.be.at.most(text.length * 4);
        expect(s.scrub(once, {})).to.equal(once);
      }),
      { numRuns: 300 },
    );
  });

  it('a configured secret that is not well-formed UTF-16 (a lone surrogate) is no crash', () => {
    const lone = 'secret-\ud83d-value';
    expect(() => new ExportGuard([lone])).to.not.throw();
    const s = new Scrubber({ bearer: false, apiKeys: false, emails: false, extra: [], sensitive: [lone] });
    expect(s.scrub(`a ${lone} b`, {})).to.equal('a [REDACTED:secret] b');
  });

  it('linear time on the inputs that made the e-mail pattern quadratic', () => {
    const s = scrubber();
    const started = process.hrtime.bigint();
    // 200 kB of local-part characters and no domain: 40 kB alone took 2.8 s before the fix
    s.scrub(`${'a'.repeat(200_000)}@`, {});
    s.scrub('a@b.'.repeat(50_000), {});
    s.scrub('Bearer %20'.repeat(20_000), {});
    // generous on a loaded CI machine; quadratic behaviour would take minutes
    expect(Number(process.hrtime.bigint() - started) / 1e6).to.be.below(10_000);
  });

  it('redactRecord: a secret anywhere in a record (nested, in arrays, in keys kept) never survives', () => {
    fc.assert(
      fc.property(apiKey, fc.jsonValue({ maxDepth: 3 }), fc.nat(3), (k, noise, where) => {
        const r = sampleRecord();
        const places = [
          () => (r.extra = { a: [noise, { deep: `x ${k.text} y` }] }),
          () => (r.transportError = { code: 'E', message: `failed: ${k.text}` }),
          () => (r.request.route = `/v1?key=${k.text}`),
          () => (r.response.headers = { 'x-request-id': k.text }),
        ];
        places[where]();
        const plan: RedactPlan = {
          keepContent: false,
          headerExact: new Set(['x-request-id']),
          headerPrefixes: [],
          hmacFields: [],
          scrubber: scrubber(),
        };
        redactRecord(r, plan);
        expect(JSON.stringify(r)).to.not.include(k.secret);
      }),
      { numRuns: 100 },
    );
  });
});
