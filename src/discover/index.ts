import type { Dirent, Stats } from 'node:fs';
import { lstatSync, readdirSync } from 'node:fs';
import { lstat, open, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Language, TextKind } from '../model/facts.js';
import type { Config } from '../model/config.js';
import type { Skipped } from '../model/run.js';
import { UsageError } from '../util/errors.js';
import { compileGlobs, matchesAny, type PathPattern } from './glob.js';
import { isIgnored, loadGitignore, toSlash, type IgnoreFile } from './gitignore.js';
import { classifyPath, classifyShebang, needsShebang, type FileKind } from './language.js';

export { readSource } from './read.js';
export { classifyPath, classifyShebang, isCrontabPath } from './language.js';

export interface DiscoveredFile {
  /** Relative to the working directory, '/' separators. */
  path: string;
  absPath: string;
  language: Language;
  textKind?: TextKind;
}

/** Directory names never entered below a scanned root (a root named like this is still scanned). */
export const BUILTIN_EXCLUDES: readonly string[] = [
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  'dist',
  'build',
  '.pgready-cache',
];
const BUILTIN = new Set(BUILTIN_EXCLUDES);

interface Walk {
  cfg: Config;
  cwd: string;
  exclude: PathPattern[];
  include: PathPattern[];
  /** Real paths of the scanned roots: symlinks resolving outside all of them are skipped. */
  realRoots: string[];
  files: Map<string, DiscoveredFile>;
  skipped: Map<string, Skipped>;
}

/**
 * The files under `paths` (default: the working directory) that pgready reads, sorted by path.
 * Directories are walked honouring .gitignore files, the config's include/exclude globs and the
 * built-in excludes; a file named explicitly is read whatever those say. Symbolic links are not
 * followed: one that resolves inside a scanned root is left to the walk of its target, one that
 * resolves outside or loops is reported in `skipped`.
 */
export async function discover(
  paths: string[],
  cfg: Config,
  cwd: string,
): Promise<{ files: DiscoveredFile[]; skipped: Skipped[] }> {
  const roots = (paths.length > 0 ? paths : ['.']).map((p) => ({ given: p, abs: resolve(cwd, p) }));
  for (const root of roots) {
    try {
      await stat(root.abs);
    } catch (e) {
      const code = errorCode(e);
      const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'unknown error'})`;
      throw new UsageError(`Path "${root.given}" ${why} (resolved from ${cwd}). Pass an existing file or directory.`);
    }
  }
  const w: Walk = {
    cfg,
    cwd,
    exclude: compileGlobs(cfg.exclude),
    include: compileGlobs(cfg.include),
    realRoots: await Promise.all(roots.map((r) => realpath(r.abs))),
    files: new Map(),
    skipped: new Map(),
  };
  for (const root of roots) {
    const st = await stat(root.abs);
    if (st.isDirectory()) {
      const stack = await ancestorGitignores(root.abs, cfg.root);
      await walkDir(w, root.abs, await realpath(root.abs), stack);
    } else if (st.isFile()) {
      await addExplicitFile(w, root.abs);
    } else {
      // a FIFO would block the read for ever, a device would never end: a gate must not pass on nothing
      throw new UsageError(`Path "${root.given}" is ${specialKind(st)}, not a file or a directory (resolved from ${cwd}). Pass a file or a directory.`);
    }
  }
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return {
    files: [...w.files.values()].sort(byPath),
    skipped: [...w.skipped.values()].sort(byPath),
  };
}

async function addExplicitFile(w: Walk, abs: string): Promise<void> {
  const rel = relPath(w.cwd, abs);
  const kind = await classify(abs, rel);
  if (kind) {
    w.files.set(abs, { path: rel, absPath: abs, ...kind });
  } else {
    w.skipped.set(abs, {
      path: rel,
      reason: 'unsupported',
      detail:
        'pgready reads Python, JavaScript/TypeScript, shell, Dockerfile and config files (.env, .ini, .cfg, .conf, ' +
        '.yaml, .toml, .json, .prisma, systemd units); this file is none of those, so it was not read.',
    });
  }
}

async function walkDir(w: Walk, dir: string, realDir: string, parentStack: readonly IgnoreFile[]): Promise<void> {
  const own = await loadGitignore(dir);
  const stack = own ? [...parentStack, own] : parentStack;
  let entries: Dirent[];
  try {
    // synchronous: the walk is sequential, and a thread-pool round trip per directory costs more than the call
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    const rel = relPath(w.cwd, dir);
    w.skipped.set(dir, {
      path: rel,
      reason: 'unreadable',
      detail: `directory cannot be listed (${errorCode(e) ?? 'unknown error'}); check its permissions or exclude "${rel}".`,
    });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const abs = join(dir, entry.name);
    if (entry.name.includes('\uFFFD') && misnamed(w, stack, abs, entry)) continue;
    if (entry.isSymbolicLink()) {
      await visitSymlink(w, abs, realDir, stack);
    } else if (entry.isDirectory()) {
      if (BUILTIN.has(entry.name) || isSkippedByRules(w, stack, abs, true)) continue;
      await walkDir(w, abs, join(realDir, entry.name), stack);
    } else if (entry.isFile()) {
      if (isSkippedByRules(w, stack, abs, false) || !isIncluded(w, abs)) continue;
      const rel = relPath(w.cwd, abs);
      const kind = await classify(abs, rel);
      if (kind) w.files.set(abs, { path: rel, absPath: abs, ...kind });
    } else if (!isSkippedByRules(w, stack, abs, false) && isIncluded(w, abs)) {
      // a FIFO or a device under a name pgready reads (reading it would block or never end)
      const rel = relPath(w.cwd, abs);
      if (classifyPath(rel)) w.skipped.set(abs, { path: rel, reason: 'unsupported', detail: `is ${specialKind(entry)}, not a file; it is not read.` });
    }
  }
}

async function visitSymlink(w: Walk, abs: string, realDir: string, stack: readonly IgnoreFile[]): Promise<void> {
  // `.venv -> /opt/python/…` is as uninteresting as a real .venv
  if (BUILTIN.has(basename(abs)) || isSkippedByRules(w, stack, abs, false)) return;
  const rel = relPath(w.cwd, abs);
  let target: string;
  try {
    target = await realpath(abs);
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ELOOP') {
      w.skipped.set(abs, {
        path: rel,
        reason: 'symlink-loop',
        detail: 'symbolic link resolves to itself through a loop; remove it or add it to "exclude".',
      });
    } else if (classifyPath(rel)) {
      w.skipped.set(abs, {
        path: rel,
        reason: 'unreadable',
        detail: `symbolic link target cannot be resolved (${code ?? 'unknown error'}); fix or remove the link.`,
      });
    }
    return;
  }
  let st: Stats;
  try {
    st = await stat(target);
  } catch {
    return;
  }
  const isDir = st.isDirectory();
  if (!isDir && !st.isFile()) {
    if (classifyPath(rel)) {
      w.skipped.set(abs, {
        path: rel,
        reason: 'unsupported',
        detail: `symbolic link points at ${target}, ${specialKind(st)}, not a file; it is not read.`,
      });
    }
    return;
  }
  const inside = w.realRoots.some((r) => isWithin(target, r));
  if (isDir) {
    if (isWithin(realDir, target)) {
      w.skipped.set(abs, {
        path: rel,
        reason: 'symlink-loop',
        detail: `symbolic link points at its own ancestor directory ${target}; it is not followed.`,
      });
    } else if (!inside) {
      w.skipped.set(abs, {
        path: rel,
        reason: 'outside-root',
        detail: `symbolic link points outside the scanned paths (to ${target}); scan that directory explicitly to include it.`,
      });
    }
    return;
  }
  // a link to a file inside the roots: the walk reads the target under its own path
  if (!inside && classifyPath(rel)) {
    w.skipped.set(abs, {
      path: rel,
      reason: 'outside-root',
      detail: `symbolic link points outside the scanned paths (to ${target}); scan that file explicitly to include it.`,
    });
  }
}

/**
 * Whether `abs` is a name that is not valid UTF-8 on disk (Node decodes each such byte to U+FFFD,
 * so the name it gives opens nothing); such a directory, or file under a name pgready reads, is
 * listed in skipped saying so (before session 26: "no longer exists", from the reader).
 */
function misnamed(w: Walk, stack: readonly IgnoreFile[], abs: string, entry: Dirent): boolean {
  try {
    lstatSync(abs);
    return false;
  } catch {
    // the name as decoded names nothing: its bytes are not UTF-8
  }
  const dir = entry.isDirectory();
  const rel = relPath(w.cwd, abs);
  if (!isSkippedByRules(w, stack, abs, dir) && (dir || classifyPath(rel))) {
    w.skipped.set(abs, {
      path: rel,
      reason: 'unreadable',
      detail: `its name is not valid UTF-8 (shown with \uFFFD where its bytes are not), and pgready opens files by their UTF-8 names; rename the ${dir ? 'directory' : 'file'} (convmv), or add it to "exclude".`,
    });
  }
  return true;
}

/** What a path that is neither a file nor a directory is, in words. */
function specialKind(st: Pick<Stats, 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'a special file';
}

/** Excluded by a .gitignore or by the config's `exclude` globs (relative to cfg.root). */
function isSkippedByRules(w: Walk, stack: readonly IgnoreFile[], abs: string, isDir: boolean): boolean {
  if (isIgnored(stack, abs, isDir)) return true;
  return w.exclude.length > 0 && matchesAny(w.exclude, toSlash(relative(w.cfg.root, abs)), isDir);
}

function isIncluded(w: Walk, abs: string): boolean {
  if (w.include.length === 0) return true;
  return matchesAny(w.include, toSlash(relative(w.cfg.root, abs)), false);
}

async function classify(abs: string, rel: string): Promise<FileKind | undefined> {
  const byName = classifyPath(rel);
  if (byName || !needsShebang(rel)) return byName;
  return classifyShebang(await firstLine(abs));
}

async function firstLine(abs: string): Promise<string> {
  let handle;
  try {
    handle = await open(abs, 'r');
    const buf = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('latin1');
    const nl = text.search(/[\r\n]/);
    return nl < 0 ? text : text.slice(0, nl);
  } catch {
    return '';
  } finally {
    await handle?.close();
  }
}

/**
 * .gitignore files above a scanned directory apply to it as well: those of the enclosing git
 * work tree (the nearest ancestor holding `.git`), or, outside git, of the config root when the
 * directory is inside it. Ordered outermost first; the directory's own file is read by the walk.
 */
async function ancestorGitignores(dir: string, configRoot: string): Promise<IgnoreFile[]> {
  if (await exists(join(dir, '.git'))) return [];
  const chain: string[] = [];
  let inRepo = false;
  for (let d = dirname(dir); ; d = dirname(d)) {
    chain.push(d);
    if (await exists(join(d, '.git'))) {
      inRepo = true;
      break;
    }
    if (dirname(d) === d) break;
  }
  if (!inRepo) {
    chain.length = 0;
    if (dir !== configRoot && isWithin(dir, configRoot)) {
      for (let d = dirname(dir); isWithin(d, configRoot); d = dirname(d)) chain.push(d);
    }
  }
  const files: IgnoreFile[] = [];
  for (const d of chain.reverse()) {
    const f = await loadGitignore(d);
    if (f) files.push(f);
  }
  return files;
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

function isWithin(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

function relPath(cwd: string, abs: string): string {
  const rel = toSlash(relative(cwd, abs));
  return rel === '' ? basename(abs) : rel;
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
