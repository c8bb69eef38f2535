import { createRequire } from 'node:module';
import { addonPath } from '../lang/python/parser.js';
import { SQLITE_KEYWORDS } from '../sql/keywords.js';

const require = createRequire(import.meta.url);

/**
 * The prefilter's native screen (native/screen.c, in the parser addon): from a Python file's UTF-8
 * bytes, what the prefilter may find in their text (SCREEN_* bits of src/perf/prefilter.ts); 0 only
 * where pythonMayHoldFacts surely says no, so most files are settled without scanning them in
 * JavaScript, and the others skip the checks the screen found failing (pythonMayHoldFactsScreened).
 */
export type Screen = (bytes: Uint8Array) => number;

/**
 * The addon's reader (native/read_files.c): the files read on libuv's thread pool, each Python file
 * (flagged in `python`) screened there too. Each file comes back as its text when it is plain UTF-8
 * (decoded as decodeSource would, a BOM dropped), as its bytes when decodeSource must decide, or
 * null when it could not be read or holds more than maxBytes; `bits` holds the screen's answer for
 * each Python file read. With `prefixes` (what contentHash hashes before each text), `hashes` holds
 * each plain file's content hash: every one with mode bit 2, else those left unread. With mode bit
 * 1, a plain Python file the screen settled comes back as its length in UTF-16 code units, unread.
 * `stats`: four numbers a file, what fstat showed of it as it was read (size, mtimeMs, ctimeMs, ino,
 * as Node's Stats has them), NaN where the reader took none.
 */
export type ReadFiles = (
  paths: string[],
  python: Uint8Array,
  maxBytes: number,
  prefixes?: string[],
  mode?: number,
) => Promise<[(string | Buffer | number | null)[], Uint32Array, (string | undefined)[], Float64Array]>;

/**
 * The addon's search (native/read_files.c): each Python file read again; 0 when it may call none of
 * the factories (src/perf/engine.ts, reaches()), 1 when it may, 2 when its text is not plain UTF-8
 * of the length given (in UTF-16 code units) any more, or it cannot be read.
 */
export type SearchFiles = (paths: string[], lengths: Float64Array, names: string[], modules: string[], packageInit: Uint8Array) => Promise<Uint8Array>;

interface ScreenAddon {
  screen?: Screen;
  sqlKeywords?: (words: string[]) => void;
  readFiles?: ReadFiles;
  searchFiles?: SearchFiles;
  trimMemory?: () => void;
}

let loaded: ScreenAddon | null | undefined;

/** The parser addon with its screen, once its SQL tokenizer has the keywords; undefined when it is not built. */
function screenAddon(): ScreenAddon | undefined {
  if (loaded === undefined) {
    loaded = null;
    const path = addonPath();
    if (path) {
      try {
        const addon = require(path) as ScreenAddon;
        if (typeof addon.screen === 'function' && typeof addon.sqlKeywords === 'function') {
          // the screen's SQL tokenizer takes its keywords from the one list (src/sql/keywords.ts)
          addon.sqlKeywords([...SQLITE_KEYWORDS]);
          loaded = addon;
        }
      } catch {
        loaded = null;
      }
    }
  }
  return loaded ?? undefined;
}

/**
 * The screen, or undefined when the addon is not built (the prefilter alone decides then) or
 * PGREADY_SCREEN=off asks for the prefilter alone (tests compare the two).
 */
export function nativeScreen(): Screen | undefined {
  if (process.env.PGREADY_SCREEN === 'off') return undefined;
  return screenAddon()?.screen;
}

/**
 * The reader, or undefined when the addon is not built or PGREADY_READER=sync asks for the files
 * to be read one at a time on this thread (tests compare the two).
 */
export function nativeReader(): ReadFiles | undefined {
  if (process.env.PGREADY_READER === 'sync') return undefined;
  const addon = screenAddon();
  return typeof addon?.readFiles === 'function' ? addon.readFiles : undefined;
}

/** The search, with the reader (nativeReader). */
export function nativeSearch(): SearchFiles | undefined {
  if (!nativeReader()) return undefined;
  const addon = screenAddon();
  return typeof addon?.searchFiles === 'function' ? addon.searchFiles : undefined;
}

/**
 * Gives back to the system the memory the reader's threads freed (the addon's trimMemory: glibc
 * keeps a malloc arena a thread, and what the pool freed stayed in them to the end of the run).
 */
export function trimReaderMemory(): void {
  screenAddon()?.trimMemory?.();
}
