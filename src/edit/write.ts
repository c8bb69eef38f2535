import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, lstatSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeSource } from '../discover/read.js';
import { UsageError } from '../util/errors.js';

type ChildProcess = typeof import('node:child_process');
let childProcess: ChildProcess | undefined;
/** node:child_process, loaded when a fix asks git: an audit never does, and loading it (with net, dgram and dns) cost each start about 4 ms */
const git = (): ChildProcess => (childProcess ??= createRequire(import.meta.url)('node:child_process') as ChildProcess);

/**
 * Writes `text` over `absPath` atomically: a temporary file in the same directory (so the rename
 * never crosses a file system) with the original's mode, then a rename. A crash at any point
 * leaves either the old file or the new one, never a half-written file.
 */
export function writeFileAtomically(absPath: string, data: string | Buffer): void {
  assertNoLinks([absPath], (p) => p);
  const mode = statSync(absPath).mode & 0o7777;
  const tmp = join(dirname(absPath), `.${basename(absPath)}.pgready-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data, { encoding: 'utf8', mode, flag: 'wx' });
    // the umask may have narrowed `mode` at creation
    chmodSync(tmp, mode);
    renameSync(tmp, absPath);
  } catch (e) {
    try {
      if (existsSync(tmp)) unlinkSync(tmp);
    } catch {
      // the temporary file is already gone
    }
    const why = e instanceof Error ? e.message : String(e);
    throw new UsageError(`${absPath}: cannot write the fixed file (${why}); the file was left as it was.`);
  }
}

/**
 * Throws UsageError when one of `absPaths` is gone: removed or moved while pgready was fixing it
 * (the checks after this one, and the write, took it for there; before session 27 that was an
 * internal error with a stack trace under PGREADY_DEBUG).
 */
export function assertPresent(absPaths: readonly string[], shown: (abs: string) => string): void {
  const gone = absPaths.filter((p) => {
    try {
      lstatSync(p);
      return false;
    } catch {
      return true;
    }
  });
  if (gone.length === 0) return;
  throw new UsageError(
    `${gone.length} file(s) to fix were removed or moved while pgready was fixing them: ${firstTen(gone.map(shown), ', ')}. Nothing was written; run \`pgready fix\` again.`,
  );
}

/**
 * Throws UsageError when one of `absPaths` is a symbolic link: one named on the command line (the
 * walk never reads one). The rename would put a file in its place (before session 26 `fix link.py`
 * did), and writing through it could reach a file outside the project.
 */
export function assertNoLinks(absPaths: readonly string[], shown: (abs: string) => string): void {
  for (const p of absPaths) {
    if (!lstatSync(p).isSymbolicLink()) continue;
    throw new UsageError(`${shown(p)} is a symbolic link (to ${realpathSync(p)}); fix the file it names instead. Nothing was written.`);
  }
}

/**
 * Throws UsageError when one of `absPaths` cannot be written: a file without any write bit (a
 * file made read-only on purpose, which the rename would replace even so: before session 27 it
 * did, for root and for the file's owner alike), a file this user may not write, or a directory
 * where the temporary file cannot be made. Checked for every file before the first is written.
 */
export function assertWritable(absPaths: readonly string[], shown: (abs: string) => string): void {
  const refused: string[] = [];
  for (const p of absPaths) {
    const mode = statSync(p).mode & 0o7777;
    if ((mode & 0o222) === 0) refused.push(`${shown(p)} is read-only (mode ${mode.toString(8).padStart(4, '0')}; chmod u+w makes it writable)`);
    else if (!canAccess(p, constants.W_OK)) refused.push(`${shown(p)} may not be written by this user`);
    else if (!canAccess(dirname(p), constants.W_OK | constants.X_OK)) refused.push(`the directory of ${shown(p)} may not be written by this user (the fixed file is written beside it, then renamed)`);
  }
  if (refused.length === 0) return;
  throw new UsageError(
    `${refused.length} file(s) to fix cannot be written: ${firstTen(refused, '; ')}. Make them writable, or leave them out of the paths to fix. Nothing was written.`,
  );
}

function canAccess(p: string, mode: number): boolean {
  try {
    accessSync(p, mode);
    return true;
  } catch {
    return false;
  }
}

/**
 * The files among `absPaths` with uncommitted changes (modified, staged, untracked), when `cwd`
 * is inside a git work tree; [] outside git or when git is not installed.
 */
export function dirtyFiles(absPaths: readonly string[], cwd: string): string[] {
  if (absPaths.length === 0) return [];
  let top: string;
  try {
    top = git().execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return [];
  }
  if (top === '') return [];
  const dirty: string[] = [];
  // one call per 200 files keeps the argument list short on every platform
  for (let i = 0; i < absPaths.length; i += 200) {
    const chunk = absPaths.slice(i, i + 200);
    let out: string;
    try {
      out = git().execFileSync('git', ['status', '--porcelain', '-z', '--', ...chunk], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
    } catch {
      return [];
    }
    // -z: "XY path\0" entries; a rename adds its source path as a separate entry
    const entries = out.split('\0').filter((e) => e.length > 3);
    for (const e of entries) dirty.push(join(top, e.slice(3)));
  }
  return [...new Set(dirty)].sort();
}

/** Throws UsageError listing the dirty targets, unless allowDirty. */
export function assertClean(absPaths: readonly string[], cwd: string, allowDirty: boolean, shown: (abs: string) => string): void {
  if (allowDirty) return;
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const byReal = new Map(absPaths.map((p) => [real(p), p]));
  const dirty = dirtyFiles(absPaths, cwd)
    .map((d) => byReal.get(real(d)))
    .filter((d): d is string => d !== undefined);
  if (dirty.length === 0) return;
  const list = firstTen(dirty.map(shown), ', ');
  throw new UsageError(
    `${dirty.length} file(s) to fix have uncommitted changes: ${list}. Commit or stash them first so the fix can be reviewed and undone, or pass --allow-dirty.`,
  );
}

/**
 * The bytes to write for `text` in the file's own encoding (UTF-8 with or without BOM, UTF-16
 * with BOM, Latin-1; any other declared encoding only when the text is ASCII). Throws UsageError
 * when the file changed on disk since it was read, or when the text cannot be encoded.
 */
export function encodeLike(source: { absPath: string; path: string; language: string; text: string }, text: string): Buffer {
  const bytes = readFileSync(source.absPath);
  const decoded = decodeSource(bytes, source.language === 'python');
  if (!('text' in decoded) || decoded.text !== source.text) {
    throw new UsageError(`${source.path}: the file changed on disk while pgready was fixing it; nothing was written. Run \`pgready fix\` again.`);
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  switch (decoded.encoding) {
    case 'utf-8':
    case 'utf8':
      return Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
    case 'utf-16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf-16be': {
      const le = Buffer.from(text, 'utf16le');
      for (let i = 0; i + 1 < le.length; i += 2) {
        const a = le[i]!;
        le[i] = le[i + 1]!;
        le[i + 1] = a;
      }
      return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
    }
  }
  let max = 0;
  for (let i = 0; i < text.length; i++) max = Math.max(max, text.charCodeAt(i));
  const latin1 = ['latin-1', 'latin1', 'iso-8859-1', 'iso8859-1', 'l1'].includes(decoded.encoding);
  if (max < 0x80 || (latin1 && max <= 0xff)) return Buffer.from(text, 'latin1');
  throw new UsageError(
    `${source.path}: the file is encoded as ${decoded.encoding}, which pgready cannot write back; nothing was written. Convert it to UTF-8 or fix it by hand.`,
  );
}

/** The first ten items joined by `sep`, then how many more there are: a refusal names what to mend, not thousands of paths. */
function firstTen(items: readonly string[], sep: string): string {
  return items.slice(0, 10).join(sep) + (items.length > 10 ? `${sep}and ${items.length - 10} more` : '');
}
