import { closeSync, fstatSync, openSync, readSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { removeAtExit } from '../util/interrupt.js';
import { writeAll } from '../util/write-all.js';
import type { RunSummary } from '../model/run.js';
import { removeStale, sha1 } from './cache.js';
import type { DiskCache } from './cache.js';

/**
 * The last report of an audit without a baseline, kept whole in the cache: a run whose inputs are
 * those of the run that wrote it (every file's path, language and content hash, what was skipped
 * and why, the configuration, pgready's version, the report's options: `key`) prints it again
 * without analysing anything. JSON, SARIF and GitHub reports are deterministic (no time, no
 * colour), so the same inputs give the same bytes; the terminal report is kept without its last
 * row, the run's time, which the caller writes anew (cli/audit.ts), and its colour is one of the
 * report's options. One report is kept per working directory, paths and options (`slot`), each
 * written over the last: its entry (DiskCache kind `reports`) names the inputs' key, the summary
 * (for the exit code), the report's length and CRC-32; `reports/<id>.out` holds its bytes. A
 * report whose bytes do not check out is a miss, found before anything is written.
 */
export interface StoredReport {
  key: string;
  summary: RunSummary;
  bytes: number;
  crc: number;
}

/**
 * A stored report found for the key and checked: its bytes come a megabyte at a time, as they
 * are (decoding 17 MB of UTF-8 to print it encoded again took 40 ms of a 0.3 s warm run).
 */
export type Replay = StoredReport & { pieces(): Iterable<Uint8Array> };

/** Bytes read at a time when a stored report is checked and printed. */
const CHUNK = 1 << 20;

export class ReportCache {
  private readonly entry: string;
  private readonly out: string;

  constructor(
    private readonly cache: DiskCache,
    slot: string,
    readonly key: string,
  ) {
    this.entry = sha1('report', slot);
    this.out = join(cache.dir, 'reports', `${this.entry}.out`);
  }

  /** The report stored for this key, checked; undefined when there is none or it does not check out. */
  lookup(): Replay | undefined {
    const stored = this.cache.get<StoredReport>('reports', this.entry);
    if (!stored || stored.key !== this.key || !stored.summary || typeof stored.bytes !== 'number') return undefined;
    let fd: number;
    try {
      fd = openSync(this.out, 'r');
    } catch {
      return undefined;
    }
    // one descriptor for the check and the printing: a run replacing the file meanwhile renames a
    // new one into place and leaves this one as it was
    let intact = false;
    try {
      intact = fstatSync(fd).size === stored.bytes && crcOf(fd, stored.bytes) === stored.crc;
    } catch {
      // unreadable: a miss
    }
    if (!intact) {
      closeSync(fd);
      return undefined;
    }
    return { ...stored, pieces: () => piecesOf(fd, stored.bytes) };
  }

  /** Keeps a copy of the report as it is written; commit() once it has all been written. */
  recorder(): ReportRecorder | undefined {
    const dir = this.cache.prepare();
    if (!dir) return undefined;
    const tmp = `${this.out}.${process.pid}.tmp`;
    let fd: number;
    try {
      this.cache.ensureDir(join(dir, 'reports'));
      // a report a killed run was writing (a JSON report of 64,000 dense files: 558 MB)
      removeStale(join(dir, 'reports'), /\.out\.\d+\.tmp$/);
      fd = openSync(tmp, 'w');
    } catch (e) {
      this.cache.failed(e);
      return undefined;
    }
    let bytes = 0;
    let crc = 0;
    let failed = false;
    let done = false;
    // `pgready audit --format json | head` ends the process from its EPIPE handler, an interrupt
    // through process.exit (exitingOnSignals): no half report stays
    const forget = removeAtExit(tmp);
    const drop = (): void => {
      if (done) return;
      done = true;
      forget();
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
      try {
        unlinkSync(tmp);
      } catch {
        // never made
      }
    };
    return {
      add: (piece) => {
        if (failed) return;
        try {
          writeAll(fd, piece);
          bytes += piece.length;
          crc = crc32(piece, crc);
        } catch (e) {
          failed = true;
          this.cache.failed(e);
        }
      },
      commit: (summary) => {
        if (failed || done) return drop();
        try {
          closeSync(fd);
          renameSync(tmp, this.out);
        } catch (e) {
          this.cache.failed(e);
          return drop();
        }
        done = true;
        forget();
        this.cache.set('reports', this.entry, { key: this.key, summary, bytes, crc } satisfies StoredReport);
      },
      abort: drop,
    };
  }
}

export interface ReportRecorder {
  /** a piece of the report, as the bytes written */
  add(piece: Uint8Array): void;
  /** the whole report was written: keep it, with the summary that gates the exit code */
  commit(summary: RunSummary): void;
  /** drops what was kept unless commit() ran (a report that failed half-way) */
  abort(): void;
}

/** The first `bytes` of fd, a megabyte at a time, each piece its own buffer (a pipe may hold one a while). */
function* chunksOf(fd: number, bytes: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes; ) {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, bytes - at));
    const n = readSync(fd, buf, 0, buf.length, at);
    if (n <= 0) throw new Error('short read');
    at += n;
    yield buf.subarray(0, n);
  }
}

function crcOf(fd: number, bytes: number): number {
  let crc = 0;
  for (const chunk of chunksOf(fd, bytes)) crc = crc32(chunk, crc);
  return crc;
}

/** The report's bytes, as chunksOf reads them; closes fd at the end. */
function* piecesOf(fd: number, bytes: number): Generator<Uint8Array> {
  try {
    yield* chunksOf(fd, bytes);
  } finally {
    closeSync(fd);
  }
}
