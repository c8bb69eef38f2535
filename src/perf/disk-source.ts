import type { Config } from '../model/config.js';
import type { Language, SourceFile, TextKind } from '../model/facts.js';
import type { Skipped } from '../model/run.js';
import { readSource } from '../discover/read.js';
import type { ReadableFile, ReadStat } from '../discover/read.js';
import { crc32 } from 'node:zlib';
import { sha1 } from './cache.js';

/** What the cache keys a file's text by: its language, text kind and decoded text. */
export function contentHash(s: SourceFile): string {
  if (s.contentHash === undefined) s.contentHash = sha1(s.language, s.textKind ?? '', s.text);
  return s.contentHash;
}

/** A file read again (by a warm run, or after its text was let go) changed or vanished after pgready looked at it. */
export class FileChangedError extends Error {
  constructor(path: string) {
    super(`${path} changed while pgready was reading it; run pgready again.`);
  }
}

/**
 * What tells a text read again from the one let go, without the content hash: its length and
 * CRC-32. Taking it costs about half of a SHA-1 of the text (11 against 24 ms on the standard
 * library's 31 MB), and a run that lets its texts go and reads them again took the hash twice.
 * A file edited while pgready runs and read again with the same length and CRC-32 would go
 * unnoticed: one chance in four billion, for a check that is there to catch an edit at all.
 */
export interface TextMark {
  length: number;
  crc: number;
}

export function textMark(text: string): TextMark {
  return { length: text.length, crc: crc32(text) };
}

/**
 * A source as a task carries it when the thread running the task reads the text itself (`text`
 * absent), with what tells whether the file changed since: the mark of the text let go, else the
 * content hash (a file a stat manifest handed out unread).
 */
export type SourceRef = Omit<SourceFile, 'text' | 'contentHash'> & { text?: string; contentHash?: string; mark?: TextMark };

/**
 * The file's text as it was read before: read and decoded again, and checked against the mark of
 * the text, else its content hash (FileChangedError when it differs or cannot be read).
 */
export function readAgain(s: SourceRef, cfg: Pick<Config, 'maxFileBytes'>): string {
  const f: ReadableFile = { path: s.path, absPath: s.absPath, language: s.language };
  if (s.textKind !== undefined) f.textKind = s.textKind;
  const read: SourceFile | Skipped = readSource(f, cfg);
  if ('reason' in read) throw new FileChangedError(s.path);
  const same = s.mark
    ? read.text.length === s.mark.length && crc32(read.text) === s.mark.crc
    : s.contentHash !== undefined && contentHash(read) === s.contentHash;
  if (!same) throw new FileChangedError(s.path);
  return read.text;
}

/**
 * A file on disk whose text may be let go and read again (readAgain) when something asks for it.
 * A stat manifest hands out files unread (src/perf/manifest.ts); a large run lets the texts go
 * after its prefilter, and the threads that parse and analyse read them themselves (engine.ts),
 * so the main thread does not hold every text of the project through the index and facts passes
 * (on 32,000 files, 68 MB of its heap). A class, so every instance keeps one shape: a getter
 * defined on each object made it a dictionary, 470 bytes each (session 9).
 *
 * The text is a private field: a structured clone or a spread of the object leaves it out, so
 * code that ships a source to another thread says which form it sends (shipped()).
 */
export class DiskSource implements SourceFile {
  readonly path: string;
  readonly language: Language;
  /**
   * absPath, kept as the directory it starts with (one string shared by the sources of a run) when
   * it is that directory followed by `path`, as a listing makes nearly every one: their own copies
   * were 1.25 MB of the main thread's heap on 16,000 dense files, to the end of the run
   */
  readonly #absDir: string | undefined;
  readonly #absPath: string | undefined;
  textKind?: TextKind;
  contentHash?: string;
  /** the text's length, known without the text (0 until it was read once) */
  length = 0;
  /** whether the text was ever read from disk after the object was made (the stat manifest counts them) */
  readLater = false;
  /** what `stat` showed of the file as this run read it (the stat manifest records it) */
  readStat?: ReadStat;
  #text: string | undefined;
  /** the mark of the text let go (TextMark) */
  #mark: TextMark | undefined;
  readonly #maxFileBytes: number;

  /** `length`: of a text not read yet, its length in UTF-16 code units when it is known (the native reader's) */
  constructor(f: ReadableFile, cfg: Pick<Config, 'maxFileBytes'>, text: string | undefined, hash?: string, length?: number) {
    this.path = f.path;
    const dir = f.absPath.length > f.path.length && f.absPath.endsWith(f.path) ? sharedDir(f.absPath.slice(0, -f.path.length)) : undefined;
    if (dir !== undefined) this.#absDir = dir;
    else this.#absPath = f.absPath;
    this.language = f.language;
    if (f.textKind !== undefined) this.textKind = f.textKind;
    if (hash !== undefined) this.contentHash = hash;
    this.#maxFileBytes = cfg.maxFileBytes;
    if (text !== undefined) {
      this.#text = text;
      this.length = text.length;
    } else if (hash === undefined) throw new Error(`${f.path}: a source without its text needs its content hash`);
    else if (length !== undefined) this.length = length;
  }

  get absPath(): string {
    return this.#absPath ?? this.#absDir! + this.path;
  }

  get text(): string {
    if (this.#text === undefined) {
      this.#text = readAgain(this.ref(), { maxFileBytes: this.#maxFileBytes });
      this.length = this.#text.length;
      this.readLater = true;
    }
    return this.#text;
  }

  set text(value: string) {
    this.#text = value;
    this.length = value.length;
    this.contentHash = undefined;
    this.#mark = undefined;
  }

  /** Whether the text is in memory now. */
  get held(): boolean {
    return this.#text !== undefined;
  }

  /** Lets the text go; the next read of `text` reads the file again, and checks it against the text's mark. */
  release(): void {
    if (this.#text === undefined) return;
    this.#mark = textMark(this.#text);
    this.#text = undefined;
  }

  /** The source without its text, as readAgain and a thread that reads the file itself take it. */
  ref(): SourceRef {
    const ref: SourceRef = { path: this.path, absPath: this.absPath, language: this.language };
    if (this.textKind !== undefined) ref.textKind = this.textKind;
    if (this.contentHash !== undefined) ref.contentHash = this.contentHash;
    if (this.#mark !== undefined) ref.mark = this.#mark;
    return ref;
  }
}

/** The directories DiskSources' absolute paths start with: one string each (a run has one or a few). */
const absDirs = new Map<string, string>();

function sharedDir(dir: string): string {
  let known = absDirs.get(dir);
  if (known === undefined) {
    // a run lists a few roots; a process that makes sources under very many (tests) starts again
    if (absDirs.size >= 64) absDirs.clear();
    absDirs.set(dir, dir);
    known = dir;
  }
  return known;
}

/** Lets the text of a DiskSource go (other sources keep theirs). */
export function releaseText(s: SourceFile): void {
  if (s instanceof DiskSource) s.release();
}

/** Whether the source's text is in memory (always, but for a DiskSource that let it go or was never read). */
export function textHeld(s: SourceFile): boolean {
  return !(s instanceof DiskSource) || s.held;
}

/** The text's length in UTF-16 code units, without reading a text that is not in memory when it was read before. */
export function textLength(s: SourceFile): number {
  return s instanceof DiskSource && !s.held && s.length > 0 ? s.length : s.text.length;
}

/**
 * The source as a task carries it to a thread: a plain object with the text, or without it when
 * the text was let go (released): the thread then reads it itself (readAgain), and this thread
 * does not hold it again. A text a stat manifest left unread is read here, as before.
 */
export function shipped(s: SourceFile | SourceRef): SourceFile | SourceRef {
  if (s instanceof DiskSource && !s.held && s.length > 0) return s.ref();
  // a SourceRef already
  if (typeof s.text !== 'string' && !(s instanceof DiskSource)) return s;
  const out = withText(s, s.text!);
  if (s.contentHash !== undefined) out.contentHash = s.contentHash;
  return out;
}

/**
 * The source as a plain object with another text (a fix's), without the old text's content hash.
 * Not `{ ...s, text }`: a DiskSource's absPath is a getter, which a spread leaves out (and the
 * JavaScript adapter resolves tsconfig aliases by it).
 */
export function withText(s: SourceFile | SourceRef, text: string): SourceFile {
  const out: SourceFile = { path: s.path, absPath: s.absPath, language: s.language, text };
  if (s.textKind !== undefined) out.textKind = s.textKind;
  return out;
}
