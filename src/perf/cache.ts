import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function sha1(...parts: string[]): string {
  const h = createHash('sha1');
  for (const p of parts) {
    h.update(p);
    h.update('\0');
  }
  return h.digest('hex');
}

/**
 * A directory of JSON entries named by key (`<dir>/<kind>/<key[0..2]>/<key>.json`). Writes go to a
 * temporary file renamed into place, so a reader never sees half an entry; an entry that cannot
 * be read or parsed is a miss. Nothing here throws: a cache that cannot be written is no cache.
 */
export class DiskCache {
  private readonly made = new Set<string>();
  writeFailed = false;

  constructor(readonly dir: string) {}

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

  private readonly writes: Promise<void>[] = [];

  /** Writes in the background (the file system works while analysis goes on); see `flush`. */
  setLater(kind: string, key: string, value: unknown): void {
    if (this.writeFailed) return;
    const file = this.path(kind, key);
    const dir = join(this.dir, kind, key.slice(0, 2));
    const text = JSON.stringify(value);
    this.ensureDir(dir);
    if (this.writeFailed) return;
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    this.writes.push(
      writeFile(tmp, text)
        .then(() => rename(tmp, file))
        .catch(() => {
          this.writeFailed = true;
          return unlink(tmp).catch(() => undefined);
        }),
    );
  }

  /** Waits for the background writes. */
  async flush(): Promise<void> {
    await Promise.all(this.writes.splice(0));
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
