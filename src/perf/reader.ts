import type { Config } from '../model/config.js';
import type { SourceFile } from '../model/facts.js';
import type { Skipped } from '../model/run.js';
import { ownOutput, readSource, sourceOf } from '../discover/read.js';
import type { ReadableFile, ReadSource, ReadStat } from '../discover/read.js';
import type { ReadFiles, Screen, SearchFiles } from './screen.js';

/** Files a batch of the native reader: large enough that a batch's round trip costs little, small enough to start soon. */
export const READ_BATCH = 64;
/** Batches read ahead of the one the caller handles: two keep both cores busy. */
const READ_AHEAD = 2;

/** readFiles' mode bits (native/read_files.c) */
const READ_LAZY = 1;
const READ_HASH_ALL = 2;

/**
 * A Python file the native screen settled (the prefilter surely says no), left unread: its text's
 * length in UTF-16 code units and its content hash, by which it is checked when it is read again.
 */
export interface UnreadSource {
  path: string;
  absPath: string;
  language: SourceFile['language'];
  textKind?: SourceFile['textKind'];
  unread: true;
  length: number;
  contentHash: string;
  screened: 0;
  readStat?: ReadStat;
}

export interface ReadOptions {
  /** the screen's bits, read with each Python file (nativeScreen) */
  screen?: Screen;
  /** the addon's reader (nativeReader); without it each file is read on this thread */
  reader?: ReadFiles;
  /** settled Python files may stay unread (UnreadSource): the prefilter is on and the screen decides */
  lazy?: boolean;
  /** every plain file comes with its content hash, taken on the thread that read it (the cache is on) */
  hash?: boolean;
}

/** What contentHash (src/perf/disk-source.ts) hashes before a file's text. */
function hashPrefix(f: ReadableFile): string {
  return `${f.language}\0${f.textKind ?? ''}\0`;
}

/**
 * The files read and decoded in order, a batch at a time (readSource's results). With the addon's
 * reader the bytes are read, and a Python file's screened, on libuv's thread pool while this
 * thread decodes and judges the batch before: the standard library's 31 MB took about 130 ms of
 * this thread to screen. There each plain file's content hash is taken too (with `hash`), and a
 * settled Python file is not made a string at all (with `lazy`). A file the reader could not read
 * (gone, unreadable, larger than maxFileBytes) is read here again, so that readSource says why in
 * its own words. Without the reader, each file is read here as it comes.
 */
export async function* readAhead(
  files: readonly ReadableFile[],
  cfg: Pick<Config, 'maxFileBytes'>,
  opts: ReadOptions,
): AsyncGenerator<(ReadSource | UnreadSource | Skipped)[]> {
  const { screen, reader } = opts;
  if (!reader) {
    for (let i = 0; i < files.length; i += READ_BATCH) yield files.slice(i, i + READ_BATCH).map((f) => readSource(f, cfg, screen));
    return;
  }
  // a file is left unread only when the screen's bits decide its verdict
  const mode = (opts.lazy && screen ? READ_LAZY : 0) | (opts.hash ? READ_HASH_ALL : 0);
  const batches: ReadableFile[][] = [];
  for (let i = 0; i < files.length; i += READ_BATCH) batches.push(files.slice(i, i + READ_BATCH));
  const inFlight: ReturnType<ReadFiles>[] = [];
  /** when each batch's reads began */
  const started: number[] = [];
  let next = 0;
  const launch = (): void => {
    if (next >= batches.length) return;
    started.push(Date.now());
    const batch = batches[next++]!;
    const python = new Uint8Array(batch.length);
    for (let i = 0; i < batch.length; i++) python[i] = batch[i]!.language === 'python' ? 1 : 0;
    const pending = reader(batch.map((f) => f.absPath), python, cfg.maxFileBytes, mode === 0 ? undefined : batch.map(hashPrefix), mode);
    // a batch read ahead whose turn never comes (the caller stopped early) must not reject unheard
    pending.catch(() => undefined);
    inFlight.push(pending);
  };
  for (let k = 0; k < READ_AHEAD; k++) launch();
  for (let b = 0; b < batches.length; b++) {
    const [items, bits, hashes, stats] = await inFlight.shift()!;
    launch();
    const at = started.shift()!;
    const batch = batches[b]!;
    const out: (ReadSource | UnreadSource | Skipped)[] = [];
    for (let i = 0; i < batch.length; i++) {
      const f = batch[i]!;
      const item = items[i];
      const found = bits[i]!;
      const hash = hashes[i];
      const size = stats[i * 4]!;
      const readStat: ReadStat | undefined = Number.isNaN(size) ? undefined : { size, mtimeMs: stats[i * 4 + 1]!, ctimeMs: stats[i * 4 + 2]!, ino: stats[i * 4 + 3]!, at };
      let r: ReadSource | UnreadSource | Skipped;
      if (typeof item === 'number' && hash !== undefined && found === 0) {
        r = { path: f.path, absPath: f.absPath, language: f.language, unread: true, length: item, contentHash: hash, screened: 0 };
        if (f.textKind !== undefined) r.textKind = f.textKind;
      } else if (typeof item === 'string') {
        // plain UTF-8, decoded as decodeSource would
        const own = ownOutput(f, item);
        if (own) {
          out.push(own);
          continue;
        }
        r = { path: f.path, absPath: f.absPath, language: f.language, text: item };
        if (f.textKind !== undefined) r.textKind = f.textKind;
        if (hash !== undefined) r.contentHash = hash;
        if (screen && f.language === 'python') r.screened = found;
      } else if (item && typeof item !== 'number') r = sourceOf(f, item, screen && (() => found), screen);
      // not read there: read here, and stat here
      else {
        out.push(readSource(f, cfg, screen));
        continue;
      }
      if (readStat && !('reason' in r)) r.readStat = readStat;
      out.push(r);
    }
    yield out;
  }
}

/** searchUnread's answer for a file that may call none of the factories */
export const SEARCH_NONE = 0;

/** Files searchFiles reads at once: a few batches, so both cores search. */
const SEARCH_BATCH = 256;
/** searchFiles calls under way at once: more than libuv's pool has threads (4) gains nothing. */
const SEARCHES_AT_ONCE = 4;

/** A factory as the factory search looks for it (FactoryRef of src/perf/engine.ts). */
export interface FactoryWords {
  name: string;
  /** the last name of the module that defines it ('' for none) */
  module: string;
  /** defined in a package's __init__.py: a relative import reaches it too */
  packageInit: boolean;
}

/**
 * Which of these Python files, whose texts are not in memory, may call one of the factories (as
 * reaches() in src/perf/engine.ts asks): each file read again on libuv's thread pool. For each
 * path: 0 none (the file need not be read here), 1 one of them, 2 its text is not what it was
 * (another length, or no longer plain UTF-8) or it could not be searched: reading it here (by its
 * content hash or mark) says whether it changed. Undefined without the addon.
 */
export async function searchUnread(
  files: readonly (ReadableFile & { length: number })[],
  refs: readonly FactoryWords[],
  search: SearchFiles | undefined,
): Promise<Map<string, number> | undefined> {
  if (!search) return undefined;
  const names = refs.map((r) => r.name);
  const modules = refs.map((r) => r.module);
  const packageInit = Uint8Array.from(refs, (r) => (r.packageInit ? 1 : 0));
  // a few batches under way at once: each holds its own copy of the words (and its paths) until done
  const found: Uint8Array[] = [];
  let next = 0;
  const searching = async (): Promise<void> => {
    for (let k = next++; k * SEARCH_BATCH < files.length; k = next++) {
      const batch = files.slice(k * SEARCH_BATCH, (k + 1) * SEARCH_BATCH);
      found[k] = await search(batch.map((f) => f.absPath), Float64Array.from(batch, (f) => f.length), names, modules, packageInit);
    }
  };
  await Promise.all(Array.from({ length: SEARCHES_AT_ONCE }, searching));
  const out = new Map<string, number>();
  files.forEach((f, i) => out.set(f.path, found[Math.floor(i / SEARCH_BATCH)]![i % SEARCH_BATCH]!));
  return out;
}
