// SPDX-License-Identifier: Apache-2.0
// The files the receiver follows: discovery (include/exclude globs), identity (fingerprints,
// not inodes alone) and rotation (renamed away, deleted, truncated). Streams that are no longer
// open (rotated, truncated, restored from checkpoints) stay known as cursors, so a file that
// turns out to hold one of them (a rotated name in the glob, the copy of a copytruncate, the
// same file after a restart) resumes where that stream stopped instead of starting again.
import { fstatSync, statSync } from 'node:fs';
import { MAX_RETIRED } from './checkpoints.js';
import type { Checkpoint } from './checkpoints.js';
import type { AccessLogConfig } from './config.js';
import type { FileMatcher } from './glob.js';
import { fingerprintOf, hashBytes, sameHead, TrackedFile } from './tailer.js';
import type { Cursor } from './tailer.js';

export type FileEvent = 'opened' | 'rotated_or_deleted' | 'truncated' | 'closed';

export interface FileSetEvents {
  fileEvent(event: FileEvent): void;
  ioError(op: string, path: string, err: NodeJS.ErrnoException, msg: string): void;
  tooManyFiles(path: string): void;
  /** Something a checkpoint holds changed without an acknowledgement (opened at end, retired). */
  changed(): void;
  /** A gzip file in the globs: maybe the rest of a known stream (see ArchiveReader). */
  archive(path: string, key: string, size: number): void;
}

export class FileSet {
  readonly files = new Map<string, TrackedFile>();
  private known: Cursor[] = [];
  /** Known streams an archive reader is reading: not to be adopted by a plain file meanwhile. */
  private readonly busy = new Set<Cursor>();
  private firstScan = true;
  /** Bumped whenever a stream becomes known (an archive that matched none may match now). */
  version = 0;
  private startAtEnd: boolean;

  constructor(
    private readonly config: AccessLogConfig,
    private readonly matcher: FileMatcher,
    private readonly events: FileSetEvents,
  ) {
    this.startAtEnd = config.start_at === 'end';
  }

  /**
   * Streams from the checkpoint file. With checkpoints, `start_at: end` no longer applies: a
   * file that matches none of them appeared while the agent was down and is read from its start.
   */
  restore(list: readonly Checkpoint[]): void {
    this.known = list.map((c) => ({ ...c, read: c.offset, committed: c.offset }));
    this.version++;
    if (list.length > 0) this.startAtEnd = false;
  }

  /** Checkpoints: every known stream and every open file, at its acknowledged offset. */
  snapshot(): Checkpoint[] {
    const list: Checkpoint[] = this.known
      .slice(-MAX_RETIRED)
      .map((c) => ({ path: c.path, fpLen: c.fpLen, fpHash: c.fpHash, offset: c.committed }));
    for (const f of this.files.values()) {
      const c = f.cursor;
      list.push({ path: f.path, fpLen: c.fpLen, fpHash: c.fpHash, offset: c.committed });
    }
    return list;
  }

  scan(now: number): void {
    const paths = this.matcher.scan((dir, err) =>
      this.events.ioError('scan', dir, err, 'Cannot list a directory of the include globs.'),
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
      if (path.endsWith('.gz')) {
        this.events.archive(path, key, st.size);
        continue;
      }
      seen.add(key);
      const open = this.files.get(key);
      if (open) {
        open.path = path;
        open.matched = true;
        continue;
      }
      if (st.size === 0) continue; // no fingerprint yet; picked up once it has bytes
      this.openNew(path, now);
    }
    for (const f of this.files.values()) {
      if (!seen.has(f.key()) && f.matched) {
        f.matched = false;
        f.lastGrowthAt = now;
        this.events.fileEvent('rotated_or_deleted');
      }
    }
    this.firstScan = false;
  }

  private openNew(path: string, now: number): void {
    if (this.files.size >= this.config.max_files) {
      this.events.tooManyFiles(path);
      return;
    }
    let opened;
    try {
      opened = TrackedFile.open(path, this.config.fingerprint_size, this.config.max_line_bytes, now);
    } catch (err) {
      this.events.ioError('open', path, err as NodeJS.ErrnoException, 'Cannot open a log file; will retry.');
      return;
    }
    const { file, size } = opened;
    // A copy of a file still followed (same first bytes): the same stream, read through the
    // followed file. Once that one is truncated, the copy continues its cursor (next scan).
    for (const other of this.files.values()) {
      if (sameHead(other.fp, file.fp)) {
        file.close();
        return;
      }
    }
    const known = this.takeKnown(file, size);
    if (known) file.adopt(known, size);
    else if (this.firstScan && this.startAtEnd) {
      file.cursor.read = file.cursor.committed = size;
      this.events.changed();
    }
    file.lastSize = file.cursor.read;
    this.files.set(file.key(), file);
    this.events.fileEvent('opened');
  }

  /** The known stream this file holds (same first bytes), removed from the known list. */
  private takeKnown(file: TrackedFile, size: number): Cursor | undefined {
    for (let i = this.known.length - 1; i >= 0; i--) {
      const k = this.known[i];
      if (k.fpLen > size || k.fpLen === 0 || this.busy.has(k)) continue;
      if (k.fpLen > file.fp.len) {
        if (fingerprintOf(file.fd, size, k.fpLen).hash !== k.fpHash) continue;
      } else {
        const hash = k.fpLen === file.fp.len ? file.fp.hash : hashBytes(file.fp.bytes.subarray(0, k.fpLen));
        if (hash !== k.fpHash) continue;
      }
      this.known.splice(i, 1);
      return k;
    }
    return undefined;
  }

  /**
   * The known stream whose first bytes `head` starts with (decompressed head of an archive);
   * it stays known (and in the checkpoints) and is marked busy until `release`.
   */
  claimByHead(head: Buffer): Cursor | undefined {
    for (let i = this.known.length - 1; i >= 0; i--) {
      const k = this.known[i];
      if (k.fpLen === 0 || k.fpLen > head.length || this.busy.has(k)) continue;
      if (hashBytes(head.subarray(0, k.fpLen)) !== k.fpHash) continue;
      this.busy.add(k);
      return k;
    }
    return undefined;
  }

  release(c: Cursor): void {
    this.busy.delete(c);
  }

  /**
   * Stats a followed file and notices truncation; returns its size, or undefined when it could
   * not be read this time.
   */
  refresh(f: TrackedFile, now: number): number | undefined {
    let size: number;
    let mtime: number;
    try {
      const st = fstatSync(f.fd);
      size = st.size;
      mtime = st.mtimeMs;
    } catch (err) {
      this.events.ioError('stat', f.path, err as NodeJS.ErrnoException, 'Cannot stat a followed file.');
      return undefined;
    }
    // Same size but a new mtime can be a truncate + rewrite of equal length: check the head too.
    if (size !== f.lastSize || mtime !== f.lastMtime) {
      f.lastMtime = mtime;
      if (size < f.cursor.read || f.fingerprintChanged(size)) {
        // copytruncate (or truncate + rewrite): the old stream becomes known, from the start of
        // its unfinished line, so a copy in the glob continues it; the file starts a new one.
        const old = f.cursor;
        old.read = f.lineEnd();
        this.retire(old);
        f.restart(size, this.config.fingerprint_size);
        this.events.fileEvent('truncated');
      } else f.growFingerprint(size, this.config.fingerprint_size);
      f.lastSize = size;
      f.lastGrowthAt = now;
    }
    return size;
  }

  /**
   * Closes files rotated away or deleted and quiet for `rotate_wait`, once `busy` says none of
   * their lines wait for acknowledgement; `finish` gets the chance to emit an unfinished line.
   */
  closeFinished(
    now: number,
    rotateWaitMs: number,
    finish: (f: TrackedFile) => void,
    busy: (c: Cursor) => boolean,
  ): void {
    for (const [key, f] of this.files) {
      if (f.matched || f.cursor.read < f.lastSize || now - f.lastGrowthAt < rotateWaitMs) continue;
      finish(f);
      if (busy(f.cursor)) continue; // closed once its last lines are acknowledged
      // Remembered: the same stream may come back (restart, a rotated name in the glob).
      this.retire(f.cursor);
      f.close();
      this.files.delete(key);
      this.events.fileEvent('closed');
    }
  }

  private retire(c: Cursor): void {
    this.known.push(c);
    this.version++;
    if (this.known.length > MAX_RETIRED) this.known.splice(0, this.known.length - MAX_RETIRED);
    this.events.changed();
  }

  closeAll(): void {
    for (const f of this.files.values()) f.close();
    this.files.clear();
  }
}
