// SPDX-License-Identifier: Apache-2.0
// The access_log receiver: follows files through rotation and truncation, parses each line
// into a CallRecord, sends batches, and advances checkpoints only when a batch's promise
// resolves (every exporter accepted it). Reading pauses while `max_inflight_batches` are
// unacknowledged and the next batch is full: back-pressure instead of unbounded buffering.
import { fstatSync, readSync, statSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { retryOfError } from '../../component/errors.js';
import type { DriftwatchError } from '../../component/errors.js';
import type { Component, CreateSettings, Host, ShutdownOptions } from '../../component/component.js';
import type { Consumer } from '../../component/consumer.js';
import type { CallRecord } from '../../model/call-record.js';
import type { Counter, Gauge } from '../../telemetry/self-metrics.js';
import { RateLimitedLog } from '../../telemetry/logger.js';
import { parseDurationMs } from '../../util/duration.js';
import { CheckpointStore, MAX_RETIRED } from './checkpoints.js';
import type { Checkpoint } from './checkpoints.js';
import type { AccessLogConfig } from './config.js';
import type { LineParser } from './fields.js';
import { describesCall } from './fields.js';
import { FileMatcher } from './glob.js';
import { createLineParser } from './parsers/create.js';
import { RecordBuilder } from './record.js';
import { redactedExcerpt } from './redact-line.js';
import { RouteNormalizer } from './route.js';
import { fingerprintOf, hashBytes, TrackedFile } from './tailer.js';
import { READ_CHUNK_BYTES } from './read-chunk.js';

interface Batch {
  records: CallRecord[];
  /** Per file: generation and end offset of the last line in this batch. */
  offsets: Map<TrackedFile, { gen: number; end: number }>;
  acked: boolean;
  attempts: number;
}

const CHUNK = READ_CHUNK_BYTES;

export class AccessLogReceiver implements Component {
  private readonly parser: LineParser;
  private readonly builder: RecordBuilder;
  private readonly matcher: FileMatcher;
  private readonly store?: CheckpointStore;
  private readonly files = new Map<string, TrackedFile>();
  /** Fingerprints of files no longer open (rotated, deleted) or restored from checkpoints. */
  private known: Checkpoint[] = [];
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private current: Batch = newBatch();
  private readonly inflight: Batch[] = [];
  private readonly pollMs: number;
  private readonly scanMs: number;
  private readonly flushMs: number;
  private readonly rotateWaitMs: number;
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  private running = false;
  private ticking?: Promise<void>;
  private wakeup = false;
  private started = false;
  private stopped = false;
  private firstScan = true;
  private lastScan = 0;
  private watchers: FSWatcher[] = [];
  private readonly errors: RateLimitedLog;
  private readonly abort = new AbortController();
  private readonly lines: Counter;
  private readonly rotations: Counter;
  private readonly openFiles: Gauge;
  private readonly labels: Record<string, string>;
  private dirtyCheckpoints = false;
  private checkpointFailing = false;
  /** Per-line counts, moved to the metrics once per tick (no per-line label objects). */
  private readonly counts = { parsed: 0, unparsed: 0, truncated: 0 };

  constructor(
    private readonly settings: CreateSettings,
    private readonly config: AccessLogConfig,
    private readonly next: Consumer,
  ) {
    this.parser = createLineParser(config);
    this.builder = new RecordBuilder({
      receiver: settings.id,
      provider: config.provider,
      routes: new RouteNormalizer(config.max_routes, config.routes),
      maxModels: config.max_models,
    });
    this.matcher = new FileMatcher(config.include, config.exclude);
    if (config.checkpoints) this.store = new CheckpointStore(settings.dataDir);
    this.pollMs = parseDurationMs(config.poll_interval) ?? 200;
    this.scanMs = parseDurationMs(config.scan_interval) ?? 1000;
    this.flushMs = parseDurationMs(config.force_flush_period) ?? 5000;
    this.rotateWaitMs = parseDurationMs(config.rotate_wait) ?? 10_000;
    this.errors = new RateLimitedLog(settings.logger);
    const m = settings.telemetry.metrics;
    this.labels = { receiver: settings.id };
    this.lines = m.counter('driftwatch_access_log_lines_total', 'Access-log lines read, by result.');
    this.rotations = m.counter(
      'driftwatch_access_log_file_events_total',
      'Files opened, rotated away, truncated, closed.',
    );
    this.openFiles = m.gauge('driftwatch_access_log_open_files', 'Files the access_log receiver follows.');
    for (const result of ['parsed', 'unparsed', 'truncated']) this.lines.touch({ ...this.labels, result });
  }

  async start(_host: Host): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    this.running = true;
    if (this.store) {
      const { list, corrupt } = this.store.load();
      this.known = list;
      if (corrupt) {
        // A torn or damaged file: files found now are treated as new (start_at applies).
        this.settings.telemetry.error('io_failed', 'receiving');
        this.settings.logger.error(
          { path: this.store.file, moved_to: corrupt.movedTo },
          'Checkpoint file did not parse (torn or damaged); moved aside, starting without checkpoints.',
        );
      }
    }
    for (const dir of this.matcher.directories()) {
      try {
        const w = watch(dir, { persistent: false }, () => this.wake());
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // fs.watch is only a hint; polling still runs.
      }
    }
    this.schedule(0);
  }

  /** Test hook and fs.watch target: run a tick soon. */
  wake(): void {
    if (!this.running) return;
    if (this.ticking) this.wakeup = true;
    else this.schedule(0);
  }

  /** Runs one full tick now (tests); resolves when it is done. */
  async pollOnce(): Promise<void> {
    while (this.ticking) await this.ticking;
    this.lastScan = 0;
    await this.tick();
  }

  /** Resolves once every sent batch was acknowledged (tests, replay-like use). */
  async drain(deadline = Date.now() + 30_000): Promise<void> {
    while (this.inflight.length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    const run = () => {
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        if (this.wakeup) {
          this.wakeup = false;
          this.schedule(0);
        } else this.schedule(this.pollMs);
      });
    };
    // An acknowledgement resumes reading at once (setTimeout(0) would wait >= 1 ms per batch).
    if (ms === 0) this.immediate = setImmediate(run).unref();
    else this.timer = setTimeout(run, ms).unref();
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    if (now - this.lastScan >= this.scanMs) {
      this.lastScan = now;
      this.scan(now);
    }
    for (const f of this.files.values()) {
      if (!this.running) break;
      if (!this.readFile(f, now)) break; // paused by back-pressure
    }
    this.flushStalePartials(now);
    this.closeFinished(now);
    this.openFiles.set(this.files.size, this.labels);
    this.flushCounts();
    this.trySend(true);
    if (this.dirtyCheckpoints) this.saveCheckpoints();
  }

  // ---- discovery ---------------------------------------------------------------------------

  private scan(now: number): void {
    const paths = this.matcher.scan((dir, err) =>
      this.ioError('scan', dir, err, 'Cannot list a directory of the include globs.'),
    );
    const seen = new Set<string>();
    for (const path of paths) {
      let st;
      try {
        st = statSync(path);
      } catch {
        continue; // vanished between readdir and stat
      }
      if (!st.isFile()) continue;
      const key = `${st.dev}:${st.ino}`;
      seen.add(key);
      const known = this.files.get(key);
      if (known) {
        known.path = path;
        known.matched = true;
        continue;
      }
      if (st.size === 0) continue; // no fingerprint yet; picked up once it has bytes
      this.openNew(path, now);
    }
    for (const f of this.files.values()) {
      if (!seen.has(f.key()) && f.matched) {
        f.matched = false;
        f.lastGrowthAt = now;
        this.rotations.add(1, { ...this.labels, event: 'rotated_or_deleted' });
      }
    }
    this.firstScan = false;
  }

  private openNew(path: string, now: number): void {
    if (this.files.size >= this.config.max_files) {
      this.errors.warn(
        'max_files',
        { path, max_files: this.config.max_files },
        'Too many files open; not following this one yet.',
      );
      return;
    }
    let opened;
    try {
      opened = TrackedFile.open(path, this.config.fingerprint_size, now);
    } catch (err) {
      this.ioError('open', path, err as NodeJS.ErrnoException, 'Cannot open a log file; will retry.');
      return;
    }
    const { file, size } = opened;
    // A copy of a file already followed (same first bytes): same stream, skip it.
    for (const other of this.files.values()) {
      if (other.fp.len === file.fp.len && other.fp.hash === file.fp.hash) {
        file.close();
        return;
      }
    }
    const restored = this.matchKnown(file, size);
    if (restored !== undefined) {
      file.readOffset = restored;
      file.committed = restored;
    } else if (this.firstScan && this.config.start_at === 'end') {
      file.readOffset = size;
      file.committed = size;
      this.dirtyCheckpoints = true;
    }
    file.lastSize = file.readOffset;
    this.files.set(file.key(), file);
    this.rotations.add(1, { ...this.labels, event: 'opened' });
  }

  /** Checkpoint or retired file with the same first bytes → resume from its offset. */
  private matchKnown(file: TrackedFile, size: number): number | undefined {
    for (let i = this.known.length - 1; i >= 0; i--) {
      const k = this.known[i];
      if (k.fpLen > size || k.fpLen === 0) continue;
      const hash = k.fpLen === file.fp.len ? file.fp.hash : hashBytes(file.fp.bytes.subarray(0, k.fpLen));
      if (k.fpLen > file.fp.len) {
        const longer = fingerprintOf(file.fd, size, k.fpLen);
        if (longer.hash !== k.fpHash) continue;
      } else if (hash !== k.fpHash) continue;
      this.known.splice(i, 1);
      return k.offset <= size ? k.offset : 0;
    }
    return undefined;
  }

  // ---- reading -----------------------------------------------------------------------------

  /** Reads what is new in one file; false when back-pressure stopped reading. */
  private readFile(f: TrackedFile, now: number): boolean {
    let size: number;
    let mtime: number;
    try {
      const st = fstatSync(f.fd);
      size = st.size;
      mtime = st.mtimeMs;
    } catch (err) {
      this.ioError('stat', f.path, err as NodeJS.ErrnoException, 'Cannot stat a followed file.');
      return true;
    }
    // Same size but a new mtime can be a truncate + rewrite of equal length: check the head too.
    if (size !== f.lastSize || mtime !== f.lastMtime) {
      f.lastMtime = mtime;
      if (size < f.readOffset || f.fingerprintChanged(size)) {
        // copytruncate (or truncate + rewrite): start again from the beginning. The old content
        // is remembered, so if the copy is included too it resumes where this file stopped
        // (this recovers the lines copytruncate would otherwise lose).
        this.retire({
          path: f.path,
          fpLen: f.fp.len,
          fpHash: f.fp.hash,
          offset: f.readOffset - f.partial.length,
        });
        f.resetForTruncation(size, this.config.fingerprint_size);
        this.rotations.add(1, { ...this.labels, event: 'truncated' });
        this.dirtyCheckpoints = true;
      } else f.growFingerprint(size, this.config.fingerprint_size);
      f.lastSize = size;
      f.lastGrowthAt = now;
    }
    let budget = this.config.max_bytes_per_poll;
    while (f.readOffset < size && budget > 0) {
      if (this.current.records.length >= this.config.batch_size && !this.trySend(false)) return false;
      const want = Math.min(CHUNK, size - f.readOffset, budget);
      let n: number;
      try {
        n = readSync(f.fd, this.buf, 0, want, f.readOffset);
      } catch (err) {
        this.ioError('read', f.path, err as NodeJS.ErrnoException, 'Cannot read a followed file.');
        return true;
      }
      if (n <= 0) break;
      const next = this.consumeChunk(f, this.buf.toString('latin1', 0, n), f.readOffset + n, now);
      budget -= next - f.readOffset;
      f.readOffset = next;
    }
    return true;
  }

  /**
   * Splits a chunk into lines; `endOffset` is the file offset just after the chunk. Returns the
   * offset reading continues from: the chunk's end, or the end of the line that filled the batch.
   * A batch never exceeds `batch_size` records, so a crash repeats at most the batches in flight
   * even while catching up (one READ_CHUNK_BYTES chunk can hold thousands of lines).
   */
  private consumeChunk(f: TrackedFile, chunk: string, endOffset: number, now: number): number {
    const max = this.config.max_line_bytes;
    const text = f.partial.length > 0 ? f.partial + chunk : chunk;
    const base = endOffset - text.length; // file offset of text[0]
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      if (f.discarding) f.discarding = false;
      else {
        let end = nl;
        if (end > start && text.charCodeAt(end - 1) === 13) end--;
        if (end - start > max) {
          this.counts.truncated++;
          end = start + max;
        }
        this.handleLine(text.substring(start, end), now);
      }
      start = nl + 1;
      if (this.current.records.length >= this.config.batch_size && start < text.length) {
        // Batch full: stop at this line; the rest of the chunk is read again once it is sent.
        this.markOffset(f, base + start);
        f.partial = '';
        return base + start;
      }
      nl = text.indexOf('\n', start);
    }
    // Batches are only sent between chunks, so one offset mark per chunk is enough.
    if (start > 0) this.markOffset(f, base + start);
    let rest = text.length - start;
    if (f.discarding) {
      f.partial = '';
      this.markOffset(f, endOffset);
      return endOffset;
    }
    if (rest > max) {
      // An over-long line without its newline yet: emit the cut head, drop the rest.
      this.counts.truncated++;
      this.handleLine(text.substring(start, start + max), now);
      f.discarding = true;
      this.markOffset(f, endOffset);
      rest = 0;
      f.partial = '';
      return endOffset;
    }
    if (rest > 0 && f.partial.length === 0) f.partialSince = now;
    f.partial = rest > 0 ? text.substring(start) : '';
    return endOffset;
  }

  private handleLine(line: string, now: number): void {
    if (line.length === 0) return;
    const fields = this.parser.parse(line);
    if (!describesCall(fields)) {
      this.counts.unparsed++;
      this.errors.warn(
        'unparsed',
        { excerpt: redactedExcerpt(line) },
        'Access-log line did not parse; counted and skipped.',
      );
      return;
    }
    this.counts.parsed++;
    this.current.records.push(this.builder.build(fields, now));
  }

  private flushCounts(): void {
    const c = this.counts;
    if (c.parsed > 0) this.lines.add(c.parsed, { ...this.labels, result: 'parsed' });
    if (c.truncated > 0) this.lines.add(c.truncated, { ...this.labels, result: 'truncated' });
    if (c.unparsed > 0) {
      this.lines.add(c.unparsed, { ...this.labels, result: 'unparsed' });
      this.settings.telemetry.dropped(c.unparsed, 'unparsed_line', false);
    }
    c.parsed = c.unparsed = c.truncated = 0;
  }

  private markOffset(f: TrackedFile, end: number): void {
    this.current.offsets.set(f, { gen: f.gen, end });
  }

  private flushStalePartials(now: number): void {
    if (this.flushMs <= 0) return;
    for (const f of this.files.values()) {
      if (f.partial.length > 0 && now - f.partialSince >= this.flushMs && f.readOffset >= f.lastSize) {
        const line = f.partial.endsWith('\r') ? f.partial.slice(0, -1) : f.partial;
        f.partial = '';
        this.handleLine(line, now);
        this.markOffset(f, f.readOffset);
      }
    }
  }

  private closeFinished(now: number): void {
    for (const [key, f] of this.files) {
      if (f.matched || f.readOffset < f.lastSize || now - f.lastGrowthAt < this.rotateWaitMs) continue;
      if (f.partial.length > 0) {
        this.handleLine(f.partial, now);
        f.partial = '';
        this.markOffset(f, f.readOffset);
      }
      // Remember where it ended: the same file may come back (restart, included rotated name).
      if (this.pendingFor(f)) continue; // close once its last lines are acknowledged
      this.retire({ path: f.path, fpLen: f.fp.len, fpHash: f.fp.hash, offset: f.readOffset });
      f.close();
      this.files.delete(key);
      this.rotations.add(1, { ...this.labels, event: 'closed' });
      this.dirtyCheckpoints = true;
    }
  }

  private retire(c: Checkpoint): void {
    this.known.push(c);
    if (this.known.length > MAX_RETIRED) this.known.splice(0, this.known.length - MAX_RETIRED);
    this.dirtyCheckpoints = true;
  }

  private pendingFor(f: TrackedFile): boolean {
    if (this.current.offsets.has(f)) return true;
    return this.inflight.some((b) => b.offsets.has(f));
  }

  // ---- sending and acknowledgement ---------------------------------------------------------

  /** Sends the current batch if allowed; `partial` also sends a batch that is not full. */
  private trySend(partial: boolean): boolean {
    const b = this.current;
    if (b.records.length === 0 && b.offsets.size === 0) return true;
    if (!partial && b.records.length < this.config.batch_size) return true;
    if (this.inflight.length >= this.config.max_inflight_batches) return false;
    this.current = newBatch();
    this.inflight.push(b);
    if (b.records.length === 0) {
      b.acked = true;
      this.commitAcked();
      return true;
    }
    this.send(b);
    return true;
  }

  private send(b: Batch): void {
    b.attempts++;
    this.next.consume(b.records, { receivedAt: Date.now(), signal: this.abort.signal }).then(
      // accepted/refused are counted by the pipeline's observeReceiverOutput wrapper
      () => {
        b.acked = true;
        this.commitAcked();
        if (this.running) this.wake();
      },
      (err: unknown) => {
        const e = err as Partial<DriftwatchError> | undefined;
        const retry = retryOfError(err);
        if (retry === 'permanent') {
          // Offering the same lines again cannot help (a backend's 400, the export guard): the
          // consumer that refused counted the drop; move on rather than block the file.
          this.errors.error(
            'refused-permanent',
            { code: e?.code, err: e?.message, records: b.records.length },
            'Pipeline refused an access-log batch for good; it is skipped.',
          );
          b.acked = true;
          this.commitAcked();
          if (this.running) this.wake();
          return;
        }
        this.errors.error(
          'refused',
          { code: e?.code, err: e?.message, records: b.records.length, attempt: b.attempts },
          'Pipeline refused an access-log batch; it will be retried, the checkpoint does not move.',
        );
        if (this.stopped) return;
        const backoff = Math.min(5000, 100 * 2 ** Math.min(b.attempts, 6));
        const delay = retry === 'throttled' ? Math.max(backoff, e?.retryAfterMs ?? 0) : backoff;
        setTimeout(() => this.send(b), delay).unref();
      },
    );
  }

  private commitAcked(): void {
    while (this.inflight.length > 0 && this.inflight[0].acked) {
      const b = this.inflight.shift()!;
      for (const [f, o] of b.offsets) if (o.gen === f.gen && o.end > f.committed) f.committed = o.end;
      this.dirtyCheckpoints = true;
    }
    // One small atomic write per acknowledged batch: a crash repeats at most the batches in flight.
    if (this.dirtyCheckpoints) this.saveCheckpoints();
  }

  private saveCheckpoints(): void {
    if (!this.store) return;
    this.dirtyCheckpoints = false;
    const list: Checkpoint[] = this.known.slice(-MAX_RETIRED);
    for (const f of this.files.values())
      list.push({ path: f.path, fpLen: f.fp.len, fpHash: f.fp.hash, offset: f.committed });
    try {
      this.store.save(list);
      if (this.checkpointFailing) {
        this.checkpointFailing = false;
        this.settings.logger.info({ path: this.store.file }, 'Checkpoints written again.');
      }
    } catch (err) {
      // Data keeps flowing; only the resume point is stale. Retried every tick until it works.
      this.checkpointFailing = true;
      this.dirtyCheckpoints = true;
      this.ioError(
        'checkpoint',
        this.store.file,
        err as NodeJS.ErrnoException,
        'Cannot write checkpoints; the previous file stays intact and the write is retried.',
      );
    }
  }

  private ioError(op: string, path: string, err: NodeJS.ErrnoException, msg: string): void {
    this.settings.telemetry.error('io_failed', 'receiving');
    this.errors.error(
      `${op}:${err.code ?? 'unknown'}`,
      { code: 'DW_ERR_SOURCE_IO', op, path, errno: err.code },
      msg,
    );
  }

  async shutdown(opts: ShutdownOptions): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.running = false;
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    for (const w of this.watchers) w.close();
    if (this.ticking) await this.ticking;
    if (this.started) {
      // Hand over what was read (it is not committed until acknowledged), then wait for acks.
      if (this.current.records.length > 0 || this.current.offsets.size > 0) this.forceSend();
      while (this.inflight.length > 0 && Date.now() < opts.deadline)
        await new Promise((r) => setTimeout(r, 10));
      this.abort.abort();
      this.saveCheckpoints();
    }
    this.flushCounts();
    this.store?.close();
    for (const f of this.files.values()) f.close();
    this.files.clear();
  }

  /** Tests: stop like a killed process would (no drain, no final checkpoint write). */
  crashForTest(): void {
    this.stopped = true;
    this.running = false;
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    for (const w of this.watchers) w.close();
    this.abort.abort();
    this.store?.close();
    for (const f of this.files.values()) f.close();
    this.files.clear();
  }

  private forceSend(): void {
    const b = this.current;
    this.current = newBatch();
    this.inflight.push(b);
    if (b.records.length === 0) {
      b.acked = true;
      this.commitAcked();
    } else this.send(b);
  }
}

function newBatch(): Batch {
  return { records: [], offsets: new Map(), acked: false, attempts: 0 };
}
