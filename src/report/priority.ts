import { isAbsolute, relative, resolve, sep } from 'node:path';
import { compileGlobs, matchesAny } from '../discover/glob.js';
import type { PathPattern } from '../discover/glob.js';
import type { Config, Priority } from '../model/config.js';
import type { RunResult } from '../model/run.js';

export const PRIORITIES: readonly Priority[] = ['critical', 'high', 'medium', 'low'];

/** Directories whose files are low priority when the config says nothing about them. */
const LOW_DIRECTORIES = new Set(['archive', 'tests', 'scripts', 'docs']);

/**
 * Without config: a file under an `archive/`, `tests/`, `scripts/` or `docs/` directory (at any
 * depth), or named like `price_feed_OLD.py` or `db_backup.py`, is low; anything else is medium.
 */
export function defaultPriority(path: string): Priority {
  const parts = path.split('/');
  const name = parts[parts.length - 1] ?? '';
  if (parts.slice(0, -1).some((dir) => LOW_DIRECTORIES.has(dir))) return 'low';
  if (name.includes('_OLD') || name.toLowerCase().includes('backup')) return 'low';
  return 'medium';
}

/**
 * Priority of each path from the config's `priorities` globs, most urgent first, so a file listed
 * under both `critical` and `low` is critical. Globs are relative to the config's root and paths
 * to `cwd`; a file no glob matches gets defaultPriority.
 */
export function priorityResolver(cfg: Pick<Config, 'root' | 'priorities'>, cwd: string): (path: string) => Priority {
  const compiled: [Priority, PathPattern[]][] = PRIORITIES.map((p) => [p, compileGlobs(cfg.priorities[p] ?? [])]);
  // no globs (the default): no path to work out for each of a large tree's files
  if (compiled.every(([, globs]) => globs.length === 0)) return defaultPriority;
  return (path) => {
    const rel = relative(cfg.root, resolve(cwd, path));
    const underRoot = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    if (underRoot) {
      const posix = sep === '/' ? rel : rel.split(sep).join('/');
      for (const [priority, globs] of compiled) if (matchesAny(globs, posix, false)) return priority;
    }
    return defaultPriority(path);
  };
}

/** The run with every file's priority filled in. */
export function withPriorities<T extends RunResult>(run: T, cfg: Pick<Config, 'root' | 'priorities'>, cwd: string): T {
  const priorityOf = priorityResolver(cfg, cwd);
  return { ...run, files: run.files.map((f) => ({ ...f, priority: priorityOf(f.path) })) };
}
