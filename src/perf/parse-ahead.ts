import { parsePythonAsync } from '../lang/python/parser.js';

/**
 * Python files parsed ahead: while the main thread reads, screens and judges the files that follow,
 * a file the prefilter selected is parsed on libuv's thread pool (the addon's parseAsync), and the
 * index pass takes its tree instead of parsing it then. On the standard library that takes the
 * parsing of the 27 selected files (about 0.1 s) off the main thread's path.
 *
 * Up to `limit` UTF-16 units of text: beyond it the run is large enough for worker threads, which
 * parse their own files; and the texts parsed ahead are held here until the index pass takes them.
 */
export class ParseAhead {
  readonly #limit: number;
  #units = 0;
  readonly #pending = new Map<string, { text: string; words: Promise<Uint32Array | undefined> }>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Starts parsing the file's text, unless the limit is reached or the addon cannot. */
  start(path: string, text: string): void {
    if (this.#pending.has(path) || this.#units + text.length > this.#limit) return;
    const words = parsePythonAsync(text);
    if (!words) return;
    this.#units += text.length;
    // a parse that failed is parsed again where it is needed, which reports its error
    this.#pending.set(path, { text, words: words.catch(() => undefined) });
  }

  /** The words of the file's tree when they were parsed ahead from this very text (each is taken once). */
  async take(path: string, text: string): Promise<Uint32Array | undefined> {
    const p = this.#pending.get(path);
    if (!p) return undefined;
    this.#pending.delete(path);
    return p.text === text ? p.words : undefined;
  }

  /** Lets go of what was never taken (the index cache held those files, or the run failed). */
  clear(): void {
    this.#pending.clear();
  }
}
