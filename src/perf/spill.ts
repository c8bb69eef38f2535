import { closeSync, fstatSync, mkdtempSync, openSync, readdirSync, readlinkSync, readSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import { removeAtExit } from '../util/interrupt.js';
import { writeAll } from '../util/write-all.js';

const PREFIX = 'pgready-trees-';
/** A scratch directory this old was left by a run that was killed: no run lasts a day. */
const STALE_MS = 24 * 60 * 60 * 1000;

/**
 * Where a PID names this process and no other: the host and, on Linux, the PID namespace (two
 * containers with one hostname, sharing a cache, each have a process 40), as a name part.
 */
function pidSpace(): string {
  let ns = '';
  try {
    ns = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? '';
  } catch {
    // not Linux
  }
  return `${hostname().replace(/[^A-Za-z0-9]/g, '_')}_${ns}`;
}

let ownSpace: string | undefined;

/** This process's PID space (pidSpace), found once. */
function space(): string {
  return (ownSpace ??= pidSpace());
}

/** This process as a scratch directory's name gives it: `<pid space>.<pid>-`. */
function ownerPart(): string {
  return `${space()}.${process.pid}-`;
}

/**
 * Whether a scratch directory's name says its run is gone: made by a process of this PID space
 * that no longer exists. A name that says nothing (made before session 25, or elsewhere) waits for
 * STALE_MS.
 */
function ownerGone(name: string): boolean {
  const m = /^pgready-trees-([A-Za-z0-9_]+)\.(\d+)-[^.]+$/.exec(name);
  if (!m || m[1] !== space()) return false;
  const pid = Number(m[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    // EPERM: it exists, another user's
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * A new scratch directory under `parent`, or undefined when none can be made. Directories a
 * killed run left behind (SIGKILL, out of memory: no exit handler ran) are removed first: at once
 * when the process that made it is gone, else after a day.
 */
export function makeSpillDir(parent: string): string | undefined {
  try {
    for (const name of readdirSync(parent)) {
      if (!name.startsWith(PREFIX)) continue;
      try {
        const dir = join(parent, name);
        if (ownerGone(name) || Date.now() - statSync(dir).mtimeMs > STALE_MS) rmSync(dir, { recursive: true, force: true });
      } catch {
        // another user's, or gone already
      }
    }
    return mkdtempSync(join(parent, PREFIX + ownerPart()));
  } catch {
    return undefined;
  }
}

/**
 * A new scratch directory under `parent` (makeSpillDir) and what removes it, which also runs at
 * exit if nothing did before (a run that throws leaves no scratch directory behind); undefined
 * when none can be made.
 */
export function makeScratch(parent: string): { dir: string; remove: () => void } | undefined {
  const dir = makeSpillDir(parent);
  if (dir === undefined) return undefined;
  // made out here, not in a caller's scope: the exit hook keeps it alive until removed
  const forget = removeAtExit(dir, true);
  const remove = (): void => {
    forget();
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, remove };
}

/** How much a read in order reads ahead (Spill.read). */
const READ_AHEAD = 1 << 20;

/** Reads into `into` from `position` until it is full or the file ends; how many bytes it read. */
function readUpTo(fd: number, into: Uint8Array, position: number): number {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Where a spilled tree (or text) lies: plain data, sent between threads in place of it. */
export interface SpillRef {
  file: string;
  /** byte offset */
  offset: number;
  /** length in 32-bit words */
  words: number;
  /** checksum of the words: a tree read back wrong would send the analyzer's walks astray */
  sum: number;
}

/**
 * SpillRefs as typed columns, a row each: 20 bytes a place, where an object with two heap numbers
 * took about 100 bytes of a thread's heap; a structured clone copies the columns as bytes.
 */
export interface SpillColumns {
  /** the spill files the places are in */
  files: string[];
  /** per place: its file (in `files`), and its SpillRef's offset, words and checksum */
  file: Uint32Array;
  offset: Float64Array;
  words: Uint32Array;
  sum: Uint32Array;
}

export function placeAt(c: SpillColumns, row: number): SpillRef {
  return { file: c.files[c.file[row]!]!, offset: c.offset[row]!, words: c.words[row]!, sum: c.sum[row]! };
}

/** SpillColumns that grow: `add` gives each place its row. */
export class SpillPlaces {
  private c: SpillColumns = { files: [], file: new Uint32Array(64), offset: new Float64Array(64), words: new Uint32Array(64), sum: new Uint32Array(64) };
  private size = 0;

  add(ref: SpillRef): number {
    let c = this.c;
    const row = this.size++;
    if (row === c.offset.length) {
      const n = row * 2;
      c = this.c = { files: c.files, file: grown(c.file, new Uint32Array(n)), offset: grown(c.offset, new Float64Array(n)), words: grown(c.words, new Uint32Array(n)), sum: grown(c.sum, new Uint32Array(n)) };
    }
    let f = c.files.indexOf(ref.file);
    if (f < 0) f = c.files.push(ref.file) - 1;
    c.file[row] = f;
    c.offset[row] = ref.offset;
    c.words[row] = ref.words;
    c.sum[row] = ref.sum;
    return row;
  }

  at(row: number): SpillRef {
    return placeAt(this.c, row);
  }

  /** A copy of the columns, cut to the places added. */
  columns(): SpillColumns {
    const { files, file, offset, words, sum } = this.c;
    const n = this.size;
    return { files: [...files], file: file.slice(0, n), offset: offset.slice(0, n), words: words.slice(0, n), sum: sum.slice(0, n) };
  }
}

/** `to` (the longer) with `from` copied to its start */
function grown<T extends Float64Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** CRC-32 (zlib's, native): a JavaScript FNV loop over the words took up to 7 % of a worker's time on the dense corpus. */
function checksum(words: Uint32Array): number {
  return crc32(words);
}

export function isSpillRef(v: unknown): v is SpillRef {
  return typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && typeof (v as SpillRef).file === 'string';
}

/**
 * The flat trees of the index pass, written to a scratch directory until the facts pass of the
 * same file reads them back (on whichever thread it runs). Measured on the dense corpus: trees
 * moved through the main thread left about 45 MB of freed-but-kept malloc memory behind there
 * (4,000 files), and holding them costs as much again; parsing a second time instead costs about
 * 9 % of the run. The facts pass writes each file's facts here too, as JSON (writeText), until
 * its rules read them (src/perf/facts-table.ts). Each thread appends to a file of its own;
 * descriptors are opened when needed and closed by release() (after each batch: a worker thread's
 * descriptors outlive it). Any failure gives undefined, and the caller keeps the tree or the
 * facts in memory, parses again or analyses again.
 */
export class Spill {
  private readonly own: string;
  private writeFd: number | undefined;
  private size = 0;
  private broken = false;
  private readonly readFds = new Map<string, number>();
  /** with readAhead: where the last read of each file ended, and the window read ahead */
  private readonly lastEnd = new Map<string, number>();
  private window: { file: string; offset: number; bytes: Buffer; length: number } | undefined;

  /**
   * name: the file this Spill writes to (default: one per thread); readAhead: reads in order come
   * from a window read ahead (fromWindow), for a reader that reads one file in the order it was written
   */
  constructor(
    readonly dir: string,
    name = `trees-${threadId}`,
    private readonly readAhead = false,
  ) {
    this.own = join(dir, `${name}.bin`);
  }

  write(words: Uint32Array): SpillRef | undefined {
    if (this.broken) return undefined;
    try {
      if (this.writeFd === undefined) {
        // appends go to the end whatever the position: the end is where this thread's last write stopped
        this.writeFd = openSync(this.own, 'a');
        this.size = fstatSync(this.writeFd).size;
      }
      const bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
      writeAll(this.writeFd, bytes);
      const ref = { file: this.own, offset: this.size, words: words.length, sum: checksum(words) };
      this.size += bytes.length;
      return ref;
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  /**
   * Writes a text (a file's facts as JSON: src/perf/facts-table.ts) as UTF-8, padded with spaces to
   * whole words so that the same checksum covers it; JSON.parse reads the padding as whitespace.
   */
  writeText(text: string): SpillRef | undefined {
    const length = Buffer.byteLength(text);
    const words = new Uint32Array(Math.ceil(length / 4));
    const bytes = Buffer.from(words.buffer);
    bytes.write(text);
    bytes.fill(0x20, length);
    return this.write(words);
  }

  /** A text writeText wrote (with its padding), or undefined when it cannot be read back intact. */
  readText(ref: SpillRef): string | undefined {
    const words = this.read(ref);
    return words && Buffer.from(words.buffer, words.byteOffset, words.byteLength).toString('utf8');
  }

  read(ref: SpillRef): Uint32Array | undefined {
    try {
      let fd = this.readFds.get(ref.file);
      if (fd === undefined) {
        fd = openSync(ref.file, 'r');
        this.readFds.set(ref.file, fd);
      }
      const out = new Uint32Array(ref.words);
      const bytes = new Uint8Array(out.buffer);
      const got = this.readAhead && this.fromWindow(fd, ref, bytes) ? bytes.length : readUpTo(fd, bytes, ref.offset);
      if (got < bytes.length) return undefined;
      if (this.readAhead) this.lastEnd.set(ref.file, ref.offset + bytes.length);
      return checksum(out) === ref.sum ? out : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Reads in order come from a window read ahead, a syscall a megabyte rather than one a file: the
   * report of 32,000 dense files read its findings back in 32,000 reads. A read that continues
   * where the last one in its file ended and is not in the window reads the next window; any other
   * reads just its bytes (the caller's loop). False when the bytes are not to be had here. (Not for
   * the trees and facts the workers write: read from two files in turn, one window a Spill read a
   * megabyte for each tree: the 8,000-file corpus took 11.1-12.6 s instead of 9.8-10.9 s.)
   */
  private fromWindow(fd: number, ref: SpillRef, into: Uint8Array): boolean {
    const w = this.window;
    const end = ref.offset + into.length;
    if (!w || w.file !== ref.file || ref.offset < w.offset || end > w.offset + w.length) {
      if (this.lastEnd.get(ref.file) !== ref.offset || into.length > READ_AHEAD / 4) return false;
      const bytes = w && w.bytes.length === READ_AHEAD ? w.bytes : Buffer.allocUnsafe(READ_AHEAD);
      const length = readUpTo(fd, bytes, ref.offset);
      this.window = { file: ref.file, offset: ref.offset, bytes, length };
      if (end > ref.offset + length) return false;
    }
    const at = ref.offset - this.window!.offset;
    this.window!.bytes.copy(into, 0, at, at + into.length);
    return true;
  }

  /** Closes every descriptor; the next write or read opens them again. */
  release(): void {
    for (const fd of [this.writeFd, ...this.readFds.values()]) {
      if (fd === undefined) continue;
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.writeFd = undefined;
    this.readFds.clear();
    this.window = undefined;
    this.lastEnd.clear();
  }
}
