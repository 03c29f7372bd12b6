// SPDX-License-Identifier: Apache-2.0
// Properties of the Envoy text parser and the JSON presets (kong, caddy, traefik, envoy,
// litellm) on generated lines: they never throw, every numeric field is a finite number or
// absent, and values written by a well-formed line are read back exactly.
import { expect } from 'chai';
import fc from 'fast-check';
import type { LineFields } from '../fields.js';
import { classifyLine } from '../classify-line.js';
import { RecordBuilder } from '../record.js';
import { RouteNormalizer } from '../route.js';
import { createLineParser } from './create.js';
import { JSON_PRESETS } from './json.js';
import type { FieldSpec } from './json.js';

const NUMERIC: Array<keyof LineFields> = [
  'timeMs',
  'status',
  'totalMs',
  'upstreamMs',
  'ttfbMs',
  'connectMs',
  'upstreamAttempts',
  'bytesSent',
  'bytesReceived',
  'promptTokens',
  'completionTokens',
  'totalTokens',
];

function checkFields(f: LineFields | undefined): void {
  if (!f) return;
  for (const k of NUMERIC) {
    const v = f[k];
    if (v !== undefined) expect(Number.isFinite(v), `${k}=${String(v)}`).to.equal(true);
  }
  for (const s of f.upstreamStatuses ?? []) expect(Number.isFinite(s)).to.equal(true);
  // records build and classify whatever the fields
  classifyLine(
    new RecordBuilder({
      receiver: 'access_log/p',
      provider: 'gw',
      routes: new RouteNormalizer(),
      maxModels: 10,
    }).build(f, 0),
  );
}

const cfg = (format: string) =>
  ({ format, log_format: '', fields: {}, regex: '' }) as Parameters<typeof createLineParser>[0];

/**
 * Free text as Envoy writes it (no escaping): may hold quotes and spaces, but, quoted and
 * followed by the next field, shows the `" "` separator only where it ends (a value like `" `
 * makes `"" " "` and cannot be split by anyone).
 */
const freeText = fc
  .string({ maxLength: 24 })
  .filter((s) => `"${s}" "`.indexOf('" "') === s.length + 1 && !/[\r\n]/.test(s));
const token = fc.stringMatching(/^[A-Za-z0-9._:/-]{1,20}$/).filter((s) => s !== '-');

const envoyLine = fc.record({
  time: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
  method: fc.constantFrom('GET', 'POST', '-'),
  path: fc.stringMatching(/^\/[A-Za-z0-9/_?=&%.-]{0,30}$/),
  status: fc.integer({ min: 0, max: 599 }),
  flags: fc.constantFrom('-', 'UF', 'UH', 'UF,URX'),
  rx: fc.nat(),
  tx: fc.nat(),
  duration: fc.nat(),
  ust: fc.oneof(fc.nat().map(String), fc.constant('-')),
  xff: freeText,
  ua: freeText,
  rid: token,
  authority: token,
  upstream: token,
});

describe('access_log Envoy text and JSON presets on generated lines (fast-check)', () => {
  const envoy = createLineParser(cfg('envoy'));

  it('envoy default text format: well-formed lines read back exactly, whatever the free text holds', () => {
    fc.assert(
      fc.property(envoyLine, (l) => {
        const line = `[${l.time.toISOString()}] "${l.method} ${l.path} HTTP/1.1" ${l.status} ${l.flags} ${l.rx} ${l.tx} ${l.duration} ${l.ust} "${l.xff}" "${l.ua}" "${l.rid}" "${l.authority}" "${l.upstream}"`;
        const f = envoy.parse(line);
        expect(f, line).to.not.equal(undefined);
        expect(f).to.include({
          status: l.status,
          bytesReceived: l.rx,
          bytesSent: l.tx,
          totalMs: l.duration,
          path: l.path,
        });
        expect(f!.timeMs).to.equal(l.time.getTime());
        expect(f!.requestId).to.equal(l.rid);
        if (l.ust !== '-') expect(f!.upstreamMs).to.equal(Number(l.ust));
        checkFields(f);
      }),
      { numRuns: 300 },
    );
  });

  it('envoy text: any line cut short or with a character inserted anywhere never throws', () => {
    fc.assert(
      fc.property(envoyLine, fc.nat(), fc.string({ maxLength: 3 }), (l, at, ins) => {
        const line = `[${l.time.toISOString()}] "${l.method} ${l.path} HTTP/1.1" ${l.status} ${l.flags} ${l.rx} ${l.tx} ${l.duration} ${l.ust} "${l.xff}" "${l.ua}" "${l.rid}" "${l.authority}" "${l.upstream}"`;
        const i = at % (line.length + 1);
        checkFields(envoy.parse(line.slice(0, i)));
        checkFields(envoy.parse(line.slice(0, i) + ins + line.slice(i)));
      }),
      { numRuns: 300 },
    );
  });

  for (const preset of Object.keys(JSON_PRESETS)) {
    const format = preset === 'envoy' ? 'envoy_json' : preset;
    const parser = createLineParser(cfg(format));
    const paths = Object.values(JSON_PRESETS[preset]).map((s: FieldSpec | undefined) =>
      typeof s === 'string' ? s : s!.path,
    );

    /** An object with every mapped path set (nested by dots or as a flat key) to any JSON value. */
    const object = fc
      .tuple(
        fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: paths.length, maxLength: paths.length }),
        fc.boolean(),
      )
      .map(([values, flat]) => {
        const o: Record<string, unknown> = {};
        paths.forEach((p, i) => {
          if (flat) return void (o[p] = values[i]);
          const keys = p.split('.');
          let cur = o;
          for (const k of keys.slice(0, -1)) {
            if (cur[k] === null || typeof cur[k] !== 'object' || Array.isArray(cur[k])) cur[k] = {};
            cur = cur[k] as Record<string, unknown>;
          }
          cur[keys[keys.length - 1]] = values[i];
        });
        return o;
      });

    it(`json preset ${format}: any value at any mapped field never throws; numbers stay finite`, () => {
      fc.assert(
        fc.property(object, fc.nat(), (o, cut) => {
          const line = JSON.stringify(o);
          checkFields(parser.parse(line));
          checkFields(parser.parse(line.slice(0, cut % (line.length + 1))));
        }),
        { numRuns: 150 },
      );
    });
  }
});
