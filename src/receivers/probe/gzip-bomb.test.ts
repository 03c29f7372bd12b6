// SPDX-License-Identifier: Apache-2.0
// Fault matrix (issue 8): a gzip bomb from the LLM endpoint. 64 MiB of zeros compress to about
// 64 KiB; the probe must stop inflating at max_body_bytes of DECODED bytes, record body_limit,
// keep memory bounded and finish well before its deadline.
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, gzipSync } from 'node:zlib';
import { probeOnce } from '../../testing/probe-once.js';

describe('probe receiver: gzip bomb', function () {
  this.timeout(60_000);

  it('stops inflating at max_body_bytes: body_limit, bounded memory, quick', async () => {
    const DECODED = 64 * 1024 * 1024; // what the body would inflate to
    // zeros compress ~1000:1: a 64 MiB bomb is a ~64 KiB body, well under max_body_bytes raw
    const bomb = gzipSync(Buffer.alloc(DECODED), { level: constants.Z_BEST_COMPRESSION });
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const t0 = Date.now();
    try {
      const { records } = await probeOnce(
        {
          base_url: base,
          max_body_bytes: 1024 * 1024,
          timeout: '30s',
          probes: [{ name: 'bomb', kind: 'chat', interval: '1h' }],
        },
        { timeoutMs: 40_000 },
      );
      const elapsed = Date.now() - t0;
      if (process.env.DW_FIGURES)
        console.log(`gzip bomb: ${elapsed} ms, RSS +${((peak - rss0) / 1048576).toFixed(1)} MiB`);
      const r = records[0]!;
      expect(r.transportError?.code, JSON.stringify(r.transportError)).to.equal('body_limit');
      expect(r.response.truncated).to.equal(true);
      expect(r.response.body, 'a cut body is never parsed').to.equal(undefined);
      expect(elapsed, 'well before the 30 s deadline').to.be.below(20_000);
      // 1 GiB decoded would show; the bound is max_body_bytes plus buffers
      expect(peak - rss0, `RSS grew ${((peak - rss0) / 1048576).toFixed(1)} MiB`).to.be.below(
        200 * 1024 * 1024,
      );
      expect(r.response.bodyBytes, 'the compressed bytes were read').to.equal(bomb.length);
    } finally {
      clearInterval(sampler);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
