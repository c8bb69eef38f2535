import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Makes `dir` and the directories above it that are missing (`mkdir -p`); throws what mkdir or stat
 * threw. Not Node's `mkdirSync(dir, { recursive: true })`: where mkdir fails with ENOENT under a
 * directory that exists (anything under /proc), Node 20's recursive mode makes the parent and
 * tries again, forever, and `pgready audit --cache-dir /proc/x` never returned. Here each missing
 * directory is made once, from the nearest one that exists down.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); ; ) {
    try {
      if (statSync(at).isDirectory()) break;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), { code: 'ENOTDIR' });
    } catch (e) {
      const up = dirname(at);
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || up === at) throw e;
      missing.push(at);
      at = up;
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // another process made it meanwhile
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw e;
    }
  }
}
