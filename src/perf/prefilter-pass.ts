import type { SourceFile } from '../model/facts.js';
import { CACHE_VERSION } from '../version.js';
import type { DiskCache } from './cache.js';
import { sha1 } from './cache.js';
import { contentHash, releaseText, textHeld, textLength } from './disk-source.js';
import { pythonMayHoldFacts, pythonMayHoldFactsScreened } from './prefilter.js';
import { collectNow } from '../util/collect.js';

/**
 * From this much Python to parse (texts in memory the prefilter selects), the texts are let go.
 * Below it they are a small part of the peak (4.6 MB of 160 MB on 2,000 dense files), and reading
 * them again cost that corpus about 4 % of its time; on 32,000 files the peak went from 404 to
 * 340 MB.
 */
export const DROP_TEXTS_MIN_BYTES = 16 * 1024 * 1024;
/**
 * From this much Python in memory, whatever the prefilter selects, the texts are let go too, and
 * the factory search reads the files the prefilter left out again, one at a time. On the standard
 * library (31 MB) that cost 6 % of the run for nothing; ten copies of it (310 MB) held every text,
 * 630-670 MB at the peak, and now 240-250 MB for 3-5 % more time.
 */
export const DROP_TEXTS_MIN_READ = 64 * 1024 * 1024;

export interface PrefilterOptions {
  /** false: every Python file is selected (the verdicts are still taken, for EngineResult.candidates) */
  prefilter?: boolean;
  /** let the texts go (true), keep them (false), or decide by how much Python there is (undefined) */
  dropTexts?: boolean;
  /** where that decision falls, in UTF-16 code units (default DROP_TEXTS_MIN_BYTES and DROP_TEXTS_MIN_READ; for tests) */
  limits?: { selected: number; read: number };
}

/**
 * The prefilter's verdicts, taken as the files are read (admit), so that a large run lets each text
 * go right after its verdict instead of holding every text until the last verdict (66 MB of the
 * main thread's heap on 32,000 dense files, 310 MB on ten copies of the standard library).
 *
 * Until the run is found large (DROP_TEXTS_MIN_BYTES selected or DROP_TEXTS_MIN_READ read, unless
 * PerfOptions.dropTexts says), the texts are kept; then every text admitted so far goes, and each
 * later one after its verdict. Only texts in memory count: a warm run does not read a file a stat
 * manifest handed out unread to measure it. A verdict is cached by the file's content hash.
 */
export class PrefilterPass {
  /** Python files that may hold facts (EngineResult.candidates) */
  readonly candidates = new Set<string>();
  readonly #prefilter: boolean;
  readonly #fixed: boolean | undefined;
  readonly #cache: DiskCache | undefined;
  readonly #key = sha1(CACHE_VERSION, 'verdicts');
  #known: Record<string, boolean> | undefined;
  #verdicts = new Map<string, { key: string; verdict: boolean }>();
  #computed = false;
  #selectedBytes = 0;
  #readBytes = 0;
  #dropping: boolean;
  /** sources admitted while the texts were still kept: let go if the run turns out large */
  #kept: SourceFile[] = [];
  readonly #limits: { selected: number; read: number };

  constructor(cache: DiskCache | undefined, opts: PrefilterOptions = {}) {
    this.#cache = cache;
    this.#prefilter = opts.prefilter !== false;
    this.#fixed = opts.dropTexts;
    this.#dropping = opts.dropTexts === true;
    this.#limits = opts.limits ?? { selected: DROP_TEXTS_MIN_BYTES, read: DROP_TEXTS_MIN_READ };
  }

  /** Whether the texts are let go (from the moment the run was found large). */
  get dropTexts(): boolean {
    return this.#dropping;
  }

  /**
   * Takes a Python file's verdict, once; a text file only has its text let go when the run is large.
   * `screened`: what the native screen found in the file's bytes (src/perf/screen.ts), when it read them.
   */
  admit(s: SourceFile, screened?: number): void {
    if (s.language === 'python' && this.#verdicts.has(s.path)) return;
    // the cache keys every file by its content hash: taken while the text is here
    const key = this.#cache ? contentHash(s) : '';
    if (s.language === 'python') {
      let v = this.#cache ? this.#knownVerdicts()[key] : undefined;
      if (typeof v !== 'boolean') {
        // 0: the screen settled it (a file left unread is not read for that)
        v = screened === 0 ? false : screened === undefined ? pythonMayHoldFacts(s.text) : pythonMayHoldFactsScreened(s.text, screened);
        this.#computed = true;
      }
      this.#verdicts.set(s.path, { key, verdict: v });
      if (v) this.candidates.add(s.path);
      // texts in memory only: a warm run reads no file a stat manifest handed out unread to count
      // it (it read every file selected before; most are cache hits, not parsed)
      if (this.#fixed === undefined && textHeld(s)) {
        const length = textLength(s);
        this.#readBytes += length;
        if (v || !this.#prefilter) this.#selectedBytes += length;
      }
    }
    if (!this.#dropping && (this.#selectedBytes >= this.#limits.selected || this.#readBytes >= this.#limits.read)) {
      this.#dropping = true;
      for (const k of this.#kept) releaseText(k);
      // up to 64 MB of texts are garbage now, and the native screen leaves the reading loop too
      // little other garbage to set off a full collection for seconds: ten copies of the standard
      // library peaked at 233-237 MB, against 184-207 MB without the screen (185-194 MB with this)
      if (this.#kept.length > 0) collectNow();
      this.#kept = [];
    }
    if (this.#dropping) releaseText(s);
    else this.#kept.push(s);
  }

  /**
   * Admits the Python files not admitted yet (read from a stat manifest, or handed straight to the
   * engine), lets every text go when the run is large, and stores this run's verdicts: one small
   * file, rewritten with this run's files only.
   */
  finish(python: SourceFile[], text: SourceFile[]): void {
    for (const s of python) this.admit(s);
    if (this.#dropping) for (const s of python.concat(text)) releaseText(s);
    this.#kept = [];
    if (this.#cache) {
      const verdicts: Record<string, boolean> = {};
      for (const s of python) {
        const { key, verdict } = this.#verdicts.get(s.path)!;
        verdicts[key] = verdict;
      }
      const known = this.#knownVerdicts();
      if (this.#computed || Object.keys(known).length !== Object.keys(verdicts).length) this.#cache.set('prefilter', this.#key, verdicts);
    }
    // the candidates are what the run reads from here on (64,000 dense files: 3.8 MB of the main
    // thread's heap through the index and facts passes); a file admitted again is judged again
    this.#verdicts = new Map();
    this.#known = undefined;
  }

  #knownVerdicts(): Record<string, boolean> {
    this.#known ??= this.#cache?.get<Record<string, boolean>>('prefilter', this.#key) ?? {};
    return this.#known;
  }
}
