// SPDX-License-Identifier: Apache-2.0
// Model-based test: random sequences of write, partial write, rotate (rename + new file),
// truncate, delete, poll, restart and crash run against real files; the reference model is simply
// "every complete line written comes out exactly once".
import { expect } from 'chai';
import fc from 'fast-check';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  renameSync,
  rmSync,
  truncateSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ID_FORMAT, startReceiver } from './test-harness.js';
import type { Harness } from './test-harness.js';
import type { CallRecord } from '../../model/call-record.js';

type Op =
  | { kind: 'write'; lines: number }
  | { kind: 'partial'; cut: number }
  | { kind: 'rotate' }
  | { kind: 'truncate' }
  | { kind: 'delete' }
  | { kind: 'poll' }
  | { kind: 'restart' }
  | { kind: 'crash' }
  | { kind: 'crashInFlight'; delays: number[]; waitMs: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.integer({ min: 1, max: 40 }).map((lines) => ({ kind: 'write' as const, lines })),
  },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 5 }).map((cut) => ({ kind: 'partial' as const, cut })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'rotate' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'truncate' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'poll' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        delays: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 5 }),
        waitMs: fc.integer({ min: 0, max: 30 }),
      })
      .map((r) => ({ kind: 'crashInFlight' as const, ...r })),
  },
);

describe('access_log tailer against a reference model (fast-check)', function () {
  this.timeout(120_000);

  it('every complete line comes out exactly once over random write/partial/rotate/truncate/delete/restart; a kill with batches in flight only repeats', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        const dir = mkdtempSync(join(tmpdir(), `dw-model-${run++}-`));
        const live = join(dir, 'a.log');
        const data = join(dir, 'data');
        const cfg = {
          ...ID_FORMAT,
          // Rotated names are included too: a file rotated away before any poll saw it is still read.
          include: [`${live}*`],
          start_at: 'beginning' as const,
          rotate_wait: 0,
          force_flush_period: 0,
          batch_size: 16,
        };
        const out: CallRecord[] = [];
        const start = () => startReceiver(data, cfg, out, { manual: true });
        let h: Harness = await start();
        const written: string[] = [];
        let seq = 0;
        let partial: string | undefined; // id whose line is half written
        let rotations = 0;
        let inFlightCrashes = 0;
        const complete = () => {
          if (partial === undefined) return;
          appendFileSync(live, ' 200\n');
          written.push(partial);
          partial = undefined;
        };
        const poll = () => h.poll();
        // A poll reads at most max_inflight_batches + 1 batches (a batch never exceeds batch_size):
        // poll until nothing new comes out.
        const catchUp = async () => {
          for (let n = -1; out.length !== n;) {
            n = out.length;
            await poll();
          }
        };
        try {
          for (const op of ops) {
            switch (op.kind) {
              case 'write': {
                complete();
                let text = '';
                for (let i = 0; i < op.lines; i++) {
                  const id = `m${seq++}`;
                  text += `${id} 200\n`;
                  written.push(id);
                }
                appendFileSync(live, text);
                break;
              }
              case 'partial':
                complete();
                partial = `m${seq++}`;
                appendFileSync(live, partial); // "m12" now, " 200\n" later
                break;
              case 'rotate':
                complete();
                if (existsSync(live)) renameSync(live, join(dir, `a.log.${++rotations}`));
                break;
              case 'truncate':
                complete();
                await catchUp(); // copy-truncate keeps what was not read in the copy; here: read it first
                if (existsSync(live)) truncateSync(live, 0);
                break;
              case 'delete':
                complete();
                await catchUp();
                if (existsSync(live)) unlinkSync(live);
                break;
              case 'poll':
                await poll();
                break;
              case 'restart':
                await h.stop();
                h = await start();
                break;
              case 'crash':
                // Like kill -9 between polls: only checkpoints written on acknowledgement survive.
                await h.crash();
                h = await start();
                break;
              case 'crashInFlight':
                // kill -9 while several batches travel and are acknowledged out of order: the
                // checkpoint only ever moved to the oldest one not acknowledged, so nothing is
                // lost; what was delivered past it comes again (at most the batches in flight).
                h.sink.delayOf = (n) => op.delays[n % op.delays.length];
                await h.tick();
                await new Promise((r) => setTimeout(r, op.waitMs));
                await h.crash();
                inFlightCrashes++;
                h = await start();
                break;
            }
          }
          complete();
          await catchUp();
          const ids = out.map((r) => r.response.requestId);
          if (inFlightCrashes === 0) expect([...ids].sort()).to.deep.equal([...written].sort());
          else {
            expect([...new Set(ids)].sort(), 'nothing lost').to.deep.equal([...written].sort());
            // batch_size 16 × max_inflight_batches 4 per kill
            expect(ids.length - written.length, 'repeats').to.be.at.most(16 * 4 * inFlightCrashes);
          }
        } finally {
          await h.stop();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 150 },
    );
  });
});
