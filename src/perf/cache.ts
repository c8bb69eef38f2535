import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export function sha1(...parts: string[]): string {
  const h = createHash('sha1');
  for (const p of parts) {
    h.update(p);
    h.update('\0');
  }
  return h.digest('hex');
}

/** A pack: one file per kind holding many entries (see DiskCache). */
interface Pack {
  gen: number;
  /** key -> [generation last written or used in, the entry's JSON] */
  entries: Map<string, [number, string]>;
  used: Set<string>;
  /** keys written this run: their lines go straight to `out`, the next pack's temporary file */
  added: Set<string>;
  out?: { fd: number; tmp: string; pending: string };
}

const PACK_HEADER = 'pgready-pack 1';
/** A pack's temporary file this old belongs to a run that died. */
const STALE_MS = 60 * 60 * 1000;
/** A packed entry no run has used or written in this many rewrites of its pack is dropped. */
const KEEP_GENERATIONS = 8;

/**
 * The cache directory. Single entries (`get`/`set`: the prefilter's verdicts, the stat manifest)
 * are JSON files named by key (`<dir>/<kind>/<key[0..2]>/<key>.json`). The many small entries of a
 * run (module indexes, facts) go to one pack per kind (`<dir>/<kind>.pack`: a header line, then a
 * `key TAB generation TAB json` line per entry), read once; a run that adds entries appends their
 * lines to the next pack's temporary file as they come and renames it into place at the end (see
 * setLater, flush): a cold run on 2,000 files wrote 3,000 small files before, which cost more than
 * the analysis of some of them. An entry unused for KEEP_GENERATIONS rewrites is dropped, so a run
 * over part of a project keeps the rest's entries for a while. Writes go to a temporary file
 * renamed into place, so a reader never sees half a file (two runs at once: the last one's pack
 * stands, the other's new entries are misses next time); an entry that cannot be read or parsed
 * is a miss. Nothing here throws: a cache that cannot be written is no cache.
 */
export class DiskCache {
  private readonly made = new Set<string>();
  private readonly packs = new Map<string, Pack>();
  writeFailed = false;

  constructor(readonly dir: string) {}

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
    let text: string;
    try {
      text = readFileSync(join(this.dir, `${kind}.pack`), 'utf8');
    } catch {
      return pack;
    }
    const lines = text.split('\n');
    const header = lines[0]?.split(' ');
    if (lines[0]?.startsWith(`${PACK_HEADER} `) && header?.length === 3 && /^\d+$/.test(header[2]!)) {
      pack.gen = Number(header[2]);
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i]!;
        const a = line.indexOf('\t');
        const b = a < 0 ? -1 : line.indexOf('\t', a + 1);
        if (b < 0) continue;
        pack.entries.set(line.slice(0, a), [Number(line.slice(a + 1, b)) || 0, line.slice(b + 1)]);
      }
    }
    return pack;
  }

  /** A packed entry (see setLater), or undefined. */
  getPacked<T>(kind: string, key: string): T | undefined {
    const pack = this.pack(kind);
    const json = pack.entries.get(key)?.[1];
    if (json === undefined) return undefined;
    try {
      const value = JSON.parse(json) as T;
      pack.used.add(key);
      return value;
    } catch {
      return undefined;
    }
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
        pack.out = { fd: openSync(tmp, 'w'), tmp, pending: `${PACK_HEADER} ${pack.gen + 1}\n` };
      } catch {
        this.writeFailed = true;
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
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!/\.pack\.\d+\.[0-9a-f]+\.tmp$/.test(name)) continue;
      try {
        const path = join(this.dir, name);
        if (Date.now() - statSync(path).mtimeMs > STALE_MS) unlinkSync(path);
      } catch {
        // another run removed it first
      }
    }
  }

  private drain(pack: Pack): void {
    if (!pack.out || pack.out.pending === '') return;
    try {
      writeSync(pack.out.fd, pack.out.pending);
    } catch {
      this.writeFailed = true;
    }
    pack.out.pending = '';
  }

  /** Completes each pack that gained entries: this run's, the ones it used, and those still young. */
  async flush(): Promise<void> {
    for (const [kind, pack] of this.packs) {
      const out = pack.out;
      if (!out) continue;
      const gen = pack.gen + 1;
      for (const [key, [g, json]] of pack.entries) {
        if (pack.added.has(key)) continue;
        if (pack.used.has(key)) out.pending += `${key}\t${gen}\t${json}\n`;
        else if (g > gen - KEEP_GENERATIONS) out.pending += `${key}\t${g}\t${json}\n`;
        if (out.pending.length >= 1 << 18) this.drain(pack);
      }
      this.drain(pack);
      pack.out = undefined;
      try {
        closeSync(out.fd);
        if (this.writeFailed) throw new Error('not written');
        renameSync(out.tmp, join(this.dir, `${kind}.pack`));
      } catch {
        this.writeFailed = true;
        try {
          unlinkSync(out.tmp);
        } catch {
          // nothing to remove
        }
      }
    }
  }

  private ensureDir(dir: string): void {
    if (this.made.has(dir)) return;
    try {
      if (!this.made.has(this.dir)) {
        mkdirSync(this.dir, { recursive: true });
        // the cache never belongs in version control
        if (!existsSync(join(this.dir, '.gitignore'))) writeFileSync(join(this.dir, '.gitignore'), '*\n');
        this.made.add(this.dir);
      }
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    } catch {
      this.writeFailed = true;
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
    } catch {
      this.writeFailed = true;
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was written
      }
    }
  }
}
