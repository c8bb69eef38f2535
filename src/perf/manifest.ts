import { statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import type { Config } from '../model/config.js';
import type { SourceFile } from '../model/facts.js';
import type { ReadableFile } from '../discover/read.js';
import { CACHE_VERSION } from '../version.js';
import type { DiskCache } from './cache.js';
import { sha1 } from './cache.js';
import { contentHash, DiskSource } from './disk-source.js';

export { contentHash, FileChangedError } from './disk-source.js';

/** size, mtime, ctime, inode (what `stat` shows of a change), language, text kind, content hash */
type Entry = [number, number, number, number, string, string, string];

/** Entries this close to the present are not trusted: a write within the clock's resolution would not show. */
const RACY_MS = 2000;

/**
 * The stat manifest: for each file the last cached run read, what `stat` showed and the content
 * hash. A warm run stats each file and, where size, modification and change times and inode are
 * all unchanged, takes the hash from here and leaves the text unread until something asks for it
 * (a DiskSource: its text is read, decoded and checked against the hash when asked for): the facts of
 * unchanged files come from the cache by that hash, so most texts are never read. This is how git,
 * ESLint and ruff tell unchanged files; like git, an entry whose file was written within two
 * seconds of being recorded is not kept, so a write the timestamps cannot show is never missed.
 * One JSON entry, rewritten with this run's files when anything changed.
 */
export class StatManifest {
  private readonly key = sha1(CACHE_VERSION, 'manifest');
  private known: Record<string, Entry>;
  private next: Record<string, Entry> = {};
  private changed = false;
  private saved = false;
  /** files handed out unread */
  private readonly handedOut: DiskSource[] = [];

  constructor(private readonly cache: DiskCache) {
    const got = cache.get<Record<string, Entry>>('manifest', this.key);
    this.known = got && typeof got === 'object' && !Array.isArray(got) ? got : {};
  }

  /** The file as a source whose text is read on demand, when its entry still holds; else undefined. */
  source(f: ReadableFile, cfg: Pick<Config, 'maxFileBytes'>): SourceFile | undefined {
    const e = this.known[f.path];
    if (!Array.isArray(e) || e.length !== 7) return undefined;
    let st: Stats;
    try {
      st = statSync(f.absPath);
    } catch {
      return undefined;
    }
    if (!st.isFile() || st.size > cfg.maxFileBytes || !same(e, st, f)) return undefined;
    const lazy = new DiskSource(f, cfg, undefined, e[6]);
    this.handedOut.push(lazy);
    this.keep(f.path, e);
    return lazy;
  }

  /**
   * Records a file this run read (after its content hash is known): what `stat` showed of it as it
   * was read, where the reader took that (a file edited while the run went on must not be recorded
   * with its new times and the old text's hash), else what it shows now.
   */
  remember(s: SourceFile): void {
    let st: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>;
    let now: number;
    if (s instanceof DiskSource && s.readStat) {
      st = s.readStat;
      // the times are compared with when the read began: a write after it within the clock's resolution would not show
      now = s.readStat.at;
    } else {
      try {
        st = statSync(s.absPath);
      } catch {
        return;
      }
      now = Date.now();
    }
    if (now - st.mtimeMs < RACY_MS || now - st.ctimeMs < RACY_MS) return;
    this.keep(s.path, [st.size, st.mtimeMs, st.ctimeMs, st.ino, s.language, s.textKind ?? '', contentHash(s)]);
  }

  private keep(path: string, e: Entry): void {
    this.next[path] = e;
    const old = this.known[path];
    if (!old || old.some((v, i) => v !== e[i])) this.changed = true;
  }

  /** Files whose text this run never read. */
  unread(): number {
    let n = 0;
    for (const s of this.handedOut) if (!s.readLater) n++;
    return n;
  }

  /**
   * Writes the entry when this run's files differ from the last run's, and lets both go: unread()
   * is still asked at the end of the run (64,000 dense files: 12 MB of the main thread's heap
   * through the rules phase). Once: the manifest is done with then.
   */
  save(): void {
    if (this.saved) return;
    this.saved = true;
    if (this.changed || Object.keys(this.known).length !== Object.keys(this.next).length) this.cache.set('manifest', this.key, this.next);
    this.known = {};
    this.next = {};
  }
}

function same(e: Entry, st: Stats, f: ReadableFile): boolean {
  return e[0] === st.size && e[1] === st.mtimeMs && e[2] === st.ctimeMs && e[3] === st.ino && e[4] === f.language && e[5] === (f.textKind ?? '');
}
