import { createHash, hash, randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { removeAtExit } from '../util/interrupt.js';
import { makeDirs } from '../util/make-dirs.js';
import { writeAll } from '../util/write-all.js';

/** Inputs shorter than this (UTF-16 code units) are hashed in one call. */
const ONE_SHOT = 4096;

/** The SHA-1 of the parts, each followed by a NUL, in hex. */
export function sha1(...parts: string[]): string {
  // a key (short parts): one call, without a Hash object, which costs more than hashing a key
  // (crypto.hash: 2.4x as fast); a text is hashed in parts, not copied into one string first
  let length = 0;
  for (const p of parts) length += p.length;
  if (length < ONE_SHOT) return hash('sha1', parts.length === 0 ? '' : `${parts.join('\0')}\0`);
  const h = createHash('sha1');
  for (const p of parts) {
    h.update(p);
    h.update('\0');
  }
  return h.digest('hex');
}

/** Marks a directory as pgready's cache (the cache directory tag convention: https://bford.info/cachedir/). */
const TAG_FILE = 'CACHEDIR.TAG';
/** the tag's signature line and the line that says pgready made it: what tells pgready's cache */
const TAG_HEAD = 'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by pgready.';
const TAG = `${TAG_HEAD}\n# For information about cache directory tags see https://bford.info/cachedir/\n`;
/** What pgready puts in its cache directory's .gitignore (all that a cache made before the tag has to show it is one). */
const GITIGNORE = '*\n';

/**
 * Why pgready must not write its cache in `dir`, or undefined when it may: `dir` does not exist
 * (pgready makes it), is empty, or is a cache pgready made (its tag, or, made before the tag, its
 * .gitignore). A cache written into another directory (`--cache-dir .`, `--cache-dir src`) would
 * put its .gitignore there, which hides every file in it from git, and its packs beside the files.
 */
export function cacheDirProblem(dir: string): string | undefined {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return 'is not a directory';
    names = readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // missing (or under a file): making it is the cache's to try, and it goes without when it cannot
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : `cannot be read (${code ?? String(e)})`;
  }
  if (names.length === 0) return undefined;
  const read = (name: string): string | undefined => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  if (names.includes(TAG_FILE) && read(TAG_FILE)?.startsWith(TAG_HEAD)) return undefined;
  if (names.includes('.gitignore') && !names.includes(TAG_FILE) && read('.gitignore') === GITIGNORE) return undefined;
  return 'holds files pgready did not write: it is not a pgready cache';
}

/**
 * Why pgready could not make or write its cache directory `dir` (checked without making it), or
 * undefined when it can: the directory, or else the nearest directory above it that exists, must
 * be writable.
 */
export function cacheDirUnwritable(dir: string): string | undefined {
  for (let at = dir; ; ) {
    try {
      if (!statSync(at).isDirectory()) return `cannot be made: ${at} is a file`;
      accessSync(at, constants.W_OK | constants.X_OK);
      return undefined;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const up = dirname(at);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || up === at) return `cannot be written (${code ?? String(e)})`;
      at = up;
    }
  }
}

/** A pack: one file per kind holding many entries (see DiskCache). */
interface Pack {
  gen: number;
  /** key -> [generation last written or used in, where the entry's JSON starts in the pack file, its length in bytes] */
  entries: Map<string, [number, number, number]>;
  /** the pack file as it was read (open until close(): a rename in flush() does not disturb it) */
  fd?: number;
  /** fd was lent (lend()): its borrower closes it, not close() */
  lent?: boolean;
  used: Set<string>;
  /** keys written this run: their lines go straight to `out`, the next pack's temporary file */
  added: Set<string>;
  /** forget: lets the temporary file be, once renamed or removed (it is removed at exit otherwise: an interrupted run) */
  out?: { fd: number; tmp: string; pending: string; headerBytes: number; forget: () => void };
}

const PACK_HEADER = 'pgready-pack 1';
/** A pack's temporary file this old belongs to a run that died. */
const STALE_MS = 60 * 60 * 1000;
/** A packed entry no run has used or written in this many rewrites of its pack is dropped. */
const KEEP_GENERATIONS = 8;
/**
 * A run's new entries are appended to its pack, not the pack rewritten, while the entries the run
 * neither used nor wrote again are at most this share of the pack's bytes (see flush).
 */
const APPEND_UNUSED_SHARE = 0.25;

/**
 * The cache directory. Single entries (`get`/`set`: the prefilter's verdicts, the stat manifest)
 * are JSON files named by key (`<dir>/<kind>/<key[0..2]>/<key>.json`). The many small entries of a
 * run (module indexes, facts) go to one pack per kind (`<dir>/<kind>.pack`: a header line, then a
 * `key TAB generation TAB json` line per entry). A pack is indexed once (where each entry's JSON
 * lies) and an entry read from the file when asked for, so the cache of a large project is not held
 * in memory (a warm run over 8,000 dense files read 100 MB of packs whole); a run that adds entries writes their
 * lines to a temporary file as they come, and at the end appends them to the pack or puts a
 * rewritten pack in its place (see setLater, flush): a cold run on 2,000 files wrote 3,000 small
 * files before, which cost more than the analysis of some of them. An entry unused for
 * KEEP_GENERATIONS rewrites is dropped, so a run over part of a project keeps the rest's entries for
 * a while. A rewritten pack is renamed into place, so a reader never sees half of one (two runs at
 * once: the last one's pack stands, the other's new entries are misses next time); an append writes
 * whole lines, and one cut short spoils only its last line; an entry that cannot be read or parsed
 * is a miss. Nothing here throws: a cache that cannot be written is no cache, and the first write
 * that failed is told to `onWriteError` (what the system said: a full disk, a permission).
 */
export class DiskCache {
  private readonly made = new Set<string>();
  private readonly packs = new Map<string, Pack>();
  writeFailed = false;

  constructor(
    readonly dir: string,
    private readonly onWriteError?: (error: string) => void,
  ) {}

  /** A write failed (`e`, what was thrown): nothing more is written, and the first failure is told. */
  failed(e: unknown): void {
    if (!this.writeFailed) this.onWriteError?.(e instanceof Error ? e.message : String(e));
    this.writeFailed = true;
  }

  /** The cache directory, made (with its .gitignore) if need be; undefined when it cannot be. */
  prepare(): string | undefined {
    this.ensureDir(this.dir);
    return this.writeFailed ? undefined : this.dir;
  }

  private path(kind: string, key: string): string {
    return join(this.dir, kind, key.slice(0, 2), `${key}.json`);
  }

  get<T>(kind: string, key: string): T | undefined {
    try {
      return JSON.parse(readFileSync(this.path(kind, key), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  private pack(kind: string): Pack {
    let pack = this.packs.get(kind);
    if (pack) return pack;
    pack = { gen: 0, entries: new Map(), used: new Set(), added: new Set() };
    this.packs.set(kind, pack);
    try {
      pack.fd = openSync(join(this.dir, `${kind}.pack`), 'r');
    } catch {
      return pack;
    }
    try {
      pack.gen = indexPack(pack.fd, pack.entries) ?? 0;
    } catch {
      pack.entries.clear();
    }
    return pack;
  }

  /** A packed entry (see setLater), or undefined. */
  getPacked<T>(kind: string, key: string): T | undefined {
    const json = this.packedJson(kind, key);
    if (json === undefined) return undefined;
    try {
      const value = JSON.parse(json) as T;
      this.pack(kind).used.add(key);
      return value;
    } catch {
      return undefined;
    }
  }

  /**
   * A packed entry's text, unparsed, when its bytes have this CRC-32 (the caller stored it beside
   * the key: a text passed on unparsed must be the one written); undefined otherwise.
   */
  getPackedText(kind: string, key: string, crc: number): string | undefined {
    const text = this.packedJson(kind, key, crc);
    if (text !== undefined) this.pack(kind).used.add(key);
    return text;
  }

  /**
   * Where a packed entry's bytes lie, when they have this CRC-32 (read and checked now, not
   * decoded); it counts as used. The reference holds while the pack's descriptor is open: the
   * caller that keeps it past close() takes the descriptor with lend(). A large run's cached
   * findings go to its report this way, not copied through a scratch file (see FindingsFile).
   */
  packedRef(kind: string, key: string, crc: number): PackedRef | undefined {
    const pack = this.pack(kind);
    const entry = pack.entries.get(key);
    if (!entry || pack.fd === undefined) return undefined;
    const ref = { fd: pack.fd, at: entry[1], length: entry[2], crc };
    if (readPackedRef(ref) === undefined) return undefined;
    pack.used.add(key);
    return ref;
  }

  /** The kind's pack descriptor, which close() then leaves open: the caller closes it. */
  lend(kind: string): number | undefined {
    const pack = this.pack(kind);
    pack.lent = pack.fd !== undefined;
    return pack.fd;
  }

  /** A packed entry's JSON as it stands in the pack (checked against `crc` if given), or undefined. */
  private packedJson(kind: string, key: string, crc?: number): string | undefined {
    const pack = this.pack(kind);
    const entry = pack.entries.get(key);
    if (!entry || pack.fd === undefined) return undefined;
    return readPackedRef({ fd: pack.fd, at: entry[1], length: entry[2], crc })?.toString('utf8');
  }

  /** Whether the kind's pack holds the key; it counts as used (kept by the next rewrite) when it does. */
  keep(kind: string, key: string): boolean {
    const pack = this.pack(kind);
    if (!pack.entries.has(key)) return false;
    pack.used.add(key);
    return true;
  }

  /**
   * Adds an entry to the kind's pack. Its line goes to the next pack's temporary file at once (in
   * pieces of a quarter megabyte), so a large run does not hold its cache in memory; `flush` adds
   * the old entries worth keeping and puts the file in place.
   */
  setLater(kind: string, key: string, value: unknown): void {
    this.setLaterJson(kind, key, JSON.stringify(value));
  }

  /** setLater with the entry's JSON (one line: JSON.stringify's, or text put together from it). */
  setLaterJson(kind: string, key: string, json: string): void {
    const pack = this.pack(kind);
    if (this.writeFailed || /[\t\n]/.test(key) || pack.added.has(key)) return;
    if (!pack.out) {
      this.ensureDir(this.dir);
      if (this.writeFailed) return;
      this.sweep();
      const tmp = `${join(this.dir, `${kind}.pack`)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        const header = `${PACK_HEADER} ${pack.gen + 1}\n`;
        pack.out = { fd: openSync(tmp, 'w'), tmp, pending: header, headerBytes: Buffer.byteLength(header), forget: removeAtExit(tmp) };
      } catch (e) {
        this.failed(e);
        return;
      }
    }
    pack.added.add(key);
    pack.out.pending += `${key}\t${pack.gen + 1}\t${json}\n`;
    if (pack.out.pending.length >= 1 << 18) this.drain(pack);
  }

  private swept = false;

  /** Removes packs-in-progress that a run which died (killed, out of memory) left over an hour ago. */
  private sweep(): void {
    if (this.swept) return;
    this.swept = true;
    removeStale(this.dir, /\.pack\.\d+\.[0-9a-f]+\.tmp$/);
  }

  private drain(pack: Pack): void {
    if (!pack.out || pack.out.pending === '') return;
    try {
      writeSync(pack.out.fd, pack.out.pending);
    } catch (e) {
      this.failed(e);
    }
    pack.out.pending = '';
  }

  /**
   * Completes each pack that gained entries. When the entries this run neither used nor wrote again
   * are a small share of the pack (APPEND_UNUSED_SHARE of its bytes: a run over a project with a few
   * files changed), the new entries are appended to it. Otherwise the pack is rewritten with this
   * run's entries, the ones it used and those still young, and its generation goes up: so an entry
   * no rewriting run used for KEEP_GENERATIONS rewrites is dropped. Rewriting every time, a warm run
   * with one file changed on 16,000 dense files copied about 200 MB of packs (0.75 s of 5 s).
   */
  async flush(): Promise<void> {
    for (const [kind, pack] of this.packs) {
      const out = pack.out;
      if (!out) continue;
      const gen = pack.gen + 1;
      this.drain(pack);
      pack.out = undefined;
      const path = join(this.dir, `${kind}.pack`);
      if (!this.writeFailed && appendable(pack)) {
        this.append(path, out);
        continue;
      }
      // the entries kept are copied as bytes: decoded and encoded again, the findings of 32,000
      // dense files (a pack of 260 MB) took 1.5 s of a warm run with one file changed
      const copy = new EntryCopy(pack.fd, out.fd);
      for (const [key, [g, at, length]] of pack.entries) {
        if (pack.added.has(key)) continue;
        const keepAs = pack.used.has(key) ? gen : g > gen - KEEP_GENERATIONS ? g : 0;
        if (keepAs === 0) continue;
        // an entry that cannot be read back is dropped
        copy.entry(`${key}\t${keepAs}\t`, at, length);
      }
      const copyError = copy.finish();
      if (copyError !== undefined) this.failed(copyError);
      try {
        closeSync(out.fd);
        if (this.writeFailed) throw new Error('not written');
        renameSync(out.tmp, path);
      } catch (e) {
        this.failed(e);
        removeQuietly(out.tmp);
      } finally {
        out.forget();
      }
    }
  }

  /**
   * Appends the lines of a pack's temporary file (its header left out) to the pack at `path`, which
   * must exist: a pack another run renamed into place meanwhile gets them too (each line stands on
   * its own). A line a run cut short (killed, disk full) is ended first, so it spoils only itself,
   * and each write holds whole lines, so two runs appending at once do not cut each other's.
   */
  private append(path: string, out: NonNullable<Pack['out']>): void {
    let to: number | undefined;
    let from: number | undefined;
    try {
      closeSync(out.fd);
      to = openSync(path, constants.O_RDWR | constants.O_APPEND);
      const size = fstatSync(to).size;
      const last = Buffer.alloc(1);
      if (size > 0 && readSync(to, last, 0, 1, size - 1) === 1 && last[0] !== 10) writeAll(to, Buffer.from('\n'));
      from = openSync(out.tmp, 'r');
      // whole lines to each write: another run appending at the same time lands between two lines,
      // not inside one (a line longer than the buffer gets a larger buffer)
      let buf = Buffer.allocUnsafe(PACK_CHUNK);
      let filled = 0;
      for (let at = out.headerBytes; ; ) {
        if (filled === buf.length) {
          const larger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(larger, 0, 0, filled);
          buf = larger;
        }
        const got = readSync(from, buf, filled, buf.length - filled, at);
        at += got;
        filled += got;
        const end = got === 0 || filled === 0 ? filled : buf.lastIndexOf(10, filled - 1) + 1;
        if (end > 0) {
          writeAll(to, buf, end);
          buf.copy(buf, 0, end, filled);
          filled -= end;
        }
        if (got === 0) break;
      }
    } catch (e) {
      this.failed(e);
    } finally {
      for (const fd of [from, to]) if (fd !== undefined) closeSync(fd);
      removeQuietly(out.tmp);
      out.forget();
    }
  }

  /** Closes the pack files read: call it once no entry is read any more (after flush, if writing). */
  close(): void {
    for (const pack of this.packs.values()) {
      if (pack.fd === undefined || pack.lent) continue;
      try {
        closeSync(pack.fd);
      } catch {
        // closed already
      }
      pack.fd = undefined;
    }
  }

  /**
   * Makes a directory of the cache (the cache itself with its tag and .gitignore); sets writeFailed
   * when it cannot, or when the cache directory is not one pgready may write in (cacheDirProblem).
   */
  ensureDir(dir: string): void {
    if (this.made.has(dir) || this.writeFailed) return;
    try {
      if (!this.made.has(this.dir)) {
        const problem = cacheDirProblem(this.dir);
        if (problem !== undefined) {
          this.failed(`${this.dir} ${problem}`);
          return;
        }
        makeDirs(this.dir);
        if (!existsSync(join(this.dir, TAG_FILE))) writeFileSync(join(this.dir, TAG_FILE), TAG);
        // the cache never belongs in version control
        if (!existsSync(join(this.dir, '.gitignore'))) writeFileSync(join(this.dir, '.gitignore'), GITIGNORE);
        this.made.add(this.dir);
      }
      makeDirs(dir);
      this.made.add(dir);
    } catch (e) {
      this.failed(e);
    }
  }

  set(kind: string, key: string, value: unknown): void {
    if (this.writeFailed) return;
    const file = this.path(kind, key);
    this.ensureDir(join(this.dir, kind, key.slice(0, 2)));
    if (this.writeFailed) return;
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(value));
      renameSync(tmp, file);
    } catch (e) {
      this.failed(e);
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was written
      }
    }
  }
}

/** Where a packed entry's JSON lies, and its CRC-32 (undefined: not checked). */
export interface PackedRef {
  fd: number;
  at: number;
  length: number;
  crc?: number;
}

/** The entry's bytes, when they can all be read and (if the reference has a CRC-32) match it. */
export function readPackedRef(ref: PackedRef): Buffer | undefined {
  const bytes = Buffer.allocUnsafe(ref.length);
  try {
    if (readSync(ref.fd, bytes, 0, ref.length, ref.at) !== ref.length) return undefined;
  } catch {
    return undefined;
  }
  return ref.crc === undefined || crc32(bytes) === ref.crc ? bytes : undefined;
}

/** Bytes read at a time while a pack is indexed. */
const PACK_CHUNK = 1 << 20;

/**
 * Reads where each entry of a pack stands (key -> generation, offset and length of its JSON),
 * a megabyte at a time: the entries themselves are read when asked for (getPacked), so a large
 * project's cache is not held in memory. Returns the pack's generation, or undefined when the file
 * is not a pack.
 */
function indexPack(fd: number, entries: Map<string, [number, number, number]>): number | undefined {
  const buf = Buffer.allocUnsafe(PACK_CHUNK);
  /** the file offset of buf[0], and how many bytes buf holds */
  let base = 0;
  let filled = readSync(fd, buf, 0, PACK_CHUNK, 0);
  let start = 0;
  let gen: number | undefined;
  const newline = (from: number): number => {
    const at = buf.indexOf(10, from);
    return at < filled ? at : -1;
  };
  for (;;) {
    let end = newline(start);
    if (end < 0 && start > 0) {
      // a line begun near the buffer's end: read again from its start
      base += start;
      filled = readSync(fd, buf, 0, PACK_CHUNK, base);
      start = 0;
      end = newline(0);
    }
    if (end < 0) {
      if (filled === 0) return gen;
      // a line longer than the buffer (its key and generation stand at its start), or a last line
      // without its newline (a truncated file: its JSON will not parse)
      if (gen === undefined) return undefined;
      const lineEnd = newlineFrom(fd, base + filled);
      entry(buf, 0, filled, base, lineEnd - base, entries);
      base = lineEnd + 1;
      filled = readSync(fd, buf, 0, PACK_CHUNK, base);
      continue;
    }
    if (gen === undefined) {
      const header = buf.toString('utf8', start, end).split(' ');
      if (header.length !== 3 || `${header[0]} ${header[1]}` !== PACK_HEADER || !/^\d+$/.test(header[2]!)) return undefined;
      gen = Number(header[2]);
    } else entry(buf, start, end, base + start, end - start, entries);
    start = end + 1;
  }
}

/**
 * Copies pack lines into the next pack's file through one buffer: each line's start as given, then
 * its JSON's bytes as they lie in the pack read, without decoding them. A line whose bytes cannot
 * all be read is left out whole.
 */
class EntryCopy {
  readonly #buf = Buffer.allocUnsafe(PACK_CHUNK);
  #used = 0;
  /** what the first write that failed threw */
  #failed: unknown = undefined;

  constructor(
    private readonly from: number | undefined,
    private readonly to: number,
  ) {}

  entry(head: string, at: number, length: number): void {
    if (this.from === undefined || this.#failed !== undefined) return;
    const need = Buffer.byteLength(head) + length + 1;
    if (this.#used + need > this.#buf.length) this.#flush();
    // a line longer than the buffer gets one of its own
    const own = need > this.#buf.length;
    const target = own ? Buffer.allocUnsafe(need) : this.#buf;
    const start = own ? 0 : this.#used;
    const json = start + target.write(head, start);
    try {
      if (readSync(this.from, target, json, length, at) !== length) return;
    } catch {
      return;
    }
    target[json + length] = 10;
    if (own) this.#write(target, need);
    else this.#used += need;
  }

  /** Writes what is left; what the first write that failed threw, or undefined when none did. */
  finish(): unknown {
    this.#flush();
    return this.#failed;
  }

  #flush(): void {
    this.#write(this.#buf, this.#used);
    this.#used = 0;
  }

  #write(bytes: Buffer, length: number): void {
    if (this.#failed !== undefined) return;
    try {
      writeAll(this.to, bytes, length);
    } catch (e) {
      this.#failed = e ?? new Error('write failed');
    }
  }
}

/** The file offset of the first newline at or after `from`, or of the file's end. */
function newlineFrom(fd: number, from: number): number {
  const probe = Buffer.allocUnsafe(PACK_CHUNK);
  for (let at = from; ; ) {
    const got = readSync(fd, probe, 0, PACK_CHUNK, at);
    const nl = probe.indexOf(10, 0);
    if (nl >= 0 && nl < got) return at + nl;
    if (got === 0) return at;
    at += got;
  }
}

/** One `key TAB generation TAB json` line: the part in buf (start..seen) holds at least its key and generation. */
function entry(buf: Buffer, start: number, seen: number, at: number, length: number, entries: Map<string, [number, number, number]>): void {
  const a = buf.indexOf(9, start);
  if (a < 0 || a >= seen) return;
  const b = buf.indexOf(9, a + 1);
  if (b < 0 || b >= seen) return;
  const json = at + (b + 1 - start);
  entries.set(buf.toString('utf8', start, a), [Number(buf.toString('latin1', a + 1, b)) || 0, json, at + length - json]);
}

/** Whether a run's new entries may be appended to the pack (see DiskCache.flush). */
function appendable(pack: Pack): boolean {
  if (pack.fd === undefined || pack.entries.size === 0) return false;
  let total = 0;
  let unused = 0;
  for (const [key, [, , length]] of pack.entries) {
    total += length;
    if (!pack.used.has(key) || pack.added.has(key)) unused += length;
  }
  return unused <= total * APPEND_UNUSED_SHARE;
}

/**
 * Removes the files in `dir` named like `pattern` (temporary files) that were last written over an
 * hour ago: what a run that died (killed, out of memory: no exit handler ran) left.
 */
export function removeStale(dir: string, pattern: RegExp): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!pattern.test(name)) continue;
    try {
      const path = join(dir, name);
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) unlinkSync(path);
    } catch {
      // another run removed it first
    }
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // nothing to remove
  }
}
