import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discover, readSource, type DiscoveredFile } from '../src/discover/index.js';
import { classifyPath, classifyShebang } from '../src/discover/language.js';
import { compileGlobs, compilePattern, matchesAny, patternMatches } from '../src/discover/glob.js';
import { codingCookie } from '../src/discover/read.js';
import { defaultConfig, type Config } from '../src/model/config.js';
import type { SourceFile } from '../src/model/facts.js';
import type { Skipped } from '../src/model/run.js';
import { UsageError } from '../src/util/errors.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A temp directory holding `files` (path -> content); returns its absolute path. */
function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'pgready-discover-'));
  made.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

function cfgFor(root: string, over: Partial<Config> = {}): Config {
  return { ...defaultConfig(root), ...over };
}

function kinds(files: DiscoveredFile[]): string[] {
  return files.map((f) => `${f.path} ${f.language}${f.textKind ? `/${f.textKind}` : ''}`);
}

describe('discover: languages', () => {
  it('classifies by extension, name and shebang, and reads nothing else', async () => {
    const root = tree({
      'a.py': 'x = 1\n',
      'b.pyw': '',
      'tools/migrate': '#!/usr/bin/env python3\nprint(1)\n',
      'tools/deploy': '#!/bin/bash\necho hi\n',
      'tools/LICENSE': 'MIT\n',
      'web/c.mjs': '',
      'web/d.tsx': '',
      'ops/backup.sh': '',
      '.env': '',
      '.env.local': '',
      'ops/prod.env': '',
      'alembic.ini': '',
      'setup.cfg': '',
      'ops/supervisord.conf': '',
      'ops/app.service': '',
      'docker-compose.yml': '',
      'pyproject.toml': '',
      'package.json': '{}',
      Dockerfile: '',
      'Dockerfile.dev': '',
      'ops/worker.dockerfile': '',
      'prisma/schema.prisma': '',
      'ops/crontab': '',
      'ops/cron.d/backup': '',
      'README.md': '# x\n',
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    });
    const { files, skipped } = await discover([], cfgFor(root), root);
    expect(kinds(files)).toEqual([
      '.env text/env',
      '.env.local text/env',
      'Dockerfile text/dockerfile',
      'Dockerfile.dev text/dockerfile',
      'a.py python',
      'alembic.ini text/ini',
      'b.pyw python',
      'docker-compose.yml text/yaml',
      'ops/app.service text/conf',
      'ops/backup.sh text/shell',
      'ops/cron.d/backup text/shell',
      'ops/crontab text/shell',
      'ops/prod.env text/env',
      'ops/supervisord.conf text/conf',
      'ops/worker.dockerfile text/dockerfile',
      'package.json text/json',
      'prisma/schema.prisma text/prisma',
      'pyproject.toml text/toml',
      'setup.cfg text/ini',
      'tools/deploy text/shell',
      'tools/migrate python',
      'web/c.mjs javascript',
      'web/d.tsx typescript',
    ]);
    expect(skipped).toEqual([]);
    expect(files.find((f) => f.path === 'a.py')!.absPath).toBe(join(root, 'a.py'));
  });

  it('reads shebangs with env options and versioned interpreters', () => {
    expect(classifyShebang('#!/usr/bin/env -S python3.11 -u')).toEqual({ language: 'python' });
    expect(classifyShebang('#!/usr/local/bin/pypy3')).toEqual({ language: 'python' });
    expect(classifyShebang('#!/bin/sh -e')).toEqual({ language: 'text', textKind: 'shell' });
    expect(classifyShebang('#!/usr/bin/env perl')).toBeUndefined();
    expect(classifyShebang('# not a shebang')).toBeUndefined();
    expect(classifyPath('deploy/.envrc')).toEqual({ language: 'text', textKind: 'shell' });
    expect(classifyPath('notes.txt')).toBeUndefined();
  });
});

describe('discover: what is left out', () => {
  it('honours root and nested .gitignore files, negation and directory-only patterns', async () => {
    const root = tree({
      '.gitignore': '# generated\n*.log.py\n/secret.py\nlogs/\n!keep.log.py\n',
      'app.py': '',
      'debug.log.py': '',
      'keep.log.py': '',
      'secret.py': '',
      'sub/secret.py': '',
      'logs/x.py': '',
      'sub/.gitignore': 'local_*.py\n!local_keep.py\n',
      'sub/local_a.py': '',
      'sub/local_keep.py': '',
      'other/local_a.py': '',
    });
    const { files } = await discover([], cfgFor(root), root);
    expect(files.map((f) => f.path)).toEqual(['app.py', 'keep.log.py', 'other/local_a.py', 'sub/local_keep.py', 'sub/secret.py']);
  });

  it('applies the .gitignore files above a scanned subdirectory up to the git work tree', async () => {
    const root = tree({ '.git/HEAD': 'ref: refs/heads/main\n', '.gitignore': 'generated_*.py\n', 'src/a.py': '', 'src/generated_b.py': '' });
    const { files } = await discover(['src'], cfgFor(root), root);
    expect(files.map((f) => f.path)).toEqual(['src/a.py']);
  });

  it('skips built-in directories below a root but scans a root named like one', async () => {
    const root = tree({
      'app.py': '',
      'node_modules/pkg/index.js': '',
      'build/lib/app.py': '',
      '.venv/lib/site.py': '',
      'pkg/__pycache__/x.py': '',
      '.pgready-cache/y.py': '',
      'pkg/dist/z.py': '',
    });
    expect((await discover(['.'], cfgFor(root), root)).files.map((f) => f.path)).toEqual(['app.py']);
    expect((await discover(['build'], cfgFor(root), root)).files.map((f) => f.path)).toEqual(['build/lib/app.py']);
  });

  it('applies config exclude and include globs relative to the config root', async () => {
    const root = tree({
      'app/main.py': '',
      'app/legacy/old.py': '',
      'archive/x.py': '',
      'scripts/a.sh': '',
      'scripts/b.py': '',
      'tests/test_main.py': '',
    });
    const cfg = cfgFor(root, { exclude: ['archive', 'app/legacy/**', 'test_*.py'] });
    expect((await discover([], cfg, root)).files.map((f) => f.path)).toEqual(['app/main.py', 'scripts/a.sh', 'scripts/b.py']);
    const only = cfgFor(root, { include: ['scripts/*.{sh,py}', 'app'] });
    expect((await discover([], only, root)).files.map((f) => f.path)).toEqual([
      'app/legacy/old.py',
      'app/main.py',
      'scripts/a.sh',
      'scripts/b.py',
    ]);
    // paths are relative to cwd even when cwd is below the config root
    const sub = join(root, 'app');
    expect((await discover(['.'], cfg, sub)).files.map((f) => f.path)).toEqual(['main.py']);
  });

  it('reads a file named explicitly even when excluded, and reports an unsupported one', async () => {
    const root = tree({ 'archive/x.py': '', 'notes.txt': 'hi' });
    const cfg = cfgFor(root, { exclude: ['archive'] });
    const { files, skipped } = await discover(['archive/x.py', 'notes.txt'], cfg, root);
    expect(files.map((f) => f.path)).toEqual(['archive/x.py']);
    expect(skipped.map((s) => [s.path, s.reason])).toEqual([['notes.txt', 'unsupported']]);
  });

  it('does not list a file twice when paths overlap', async () => {
    const root = tree({ 'src/a.py': '' });
    const { files } = await discover(['.', 'src', 'src/a.py'], cfgFor(root), root);
    expect(files.map((f) => f.path)).toEqual(['src/a.py']);
  });

  it('throws a UsageError naming a missing path', async () => {
    const root = tree({ 'a.py': '' });
    const err = await discover(['nope/missing.py'], cfgFor(root), root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain('"nope/missing.py" does not exist');
  });
});

describe('discover: symbolic links', () => {
  it('skips loops and links leaving the roots with a reason, and ignores links within them', async () => {
    const outside = tree({ 'elsewhere.py': '', 'lib/mod.py': '' });
    const root = tree({ 'app.py': '', 'pkg/mod.py': '' });
    symlinkSync('..', join(root, 'pkg', 'up'));
    symlinkSync('self.py', join(root, 'self.py'));
    symlinkSync(join(outside, 'lib'), join(root, 'vendored'));
    symlinkSync(join(outside, 'elsewhere.py'), join(root, 'linked.py'));
    symlinkSync(join(root, 'app.py'), join(root, 'alias.py'));
    symlinkSync(join(root, 'pkg'), join(root, 'pkg-alias'));
    symlinkSync(join(root, 'missing.txt'), join(root, 'dangling.txt'));
    const { files, skipped } = await discover([], cfgFor(root), root);
    expect(files.map((f) => f.path)).toEqual(['app.py', 'pkg/mod.py']);
    expect(skipped.map((s: Skipped) => [s.path, s.reason])).toEqual([
      ['linked.py', 'outside-root'],
      ['pkg/up', 'symlink-loop'],
      ['self.py', 'symlink-loop'],
      ['vendored', 'outside-root'],
    ]);
    expect(skipped.find((s) => s.path === 'vendored')!.detail).toContain(join(outside, 'lib'));
  });
});

describe('discover: named pipes and devices', () => {
  // reading a FIFO blocks until a writer comes, /dev/zero never ends: neither is read
  const mkfifo = (path: string) => spawnSync('mkfifo', [path]).status === 0;

  it.runIf(existsSync('/dev/zero'))('names them in skipped when the walk meets them under a name it reads, and ignores them under other names', async () => {
    const root = tree({ 'app.py': '' });
    const fifo = mkfifo(join(root, 'pipe.py')) && mkfifo(join(root, 'pipe.bin'));
    symlinkSync('/dev/zero', join(root, 'zero.py'));
    symlinkSync('/dev/zero', join(root, 'zero.bin'));
    const { files, skipped } = await discover([], cfgFor(root), root);
    expect(files.map((f) => f.path)).toEqual(['app.py']);
    expect(skipped.map((s: Skipped) => [s.path, s.reason, s.detail])).toEqual([
      ...(fifo ? [['pipe.py', 'unsupported', 'is a named pipe (FIFO), not a file; it is not read.']] : []),
      ['zero.py', 'unsupported', 'symbolic link points at /dev/zero, a character device, not a file; it is not read.'],
    ]);
  });

  it.runIf(existsSync('/dev/zero'))('refuses one named on the command line, as a gate must not pass on nothing read', async () => {
    const root = tree({ 'app.py': '' });
    symlinkSync('/dev/zero', join(root, 'zero.py'));
    const err = await discover(['zero.py'], cfgFor(root), root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(`Path "zero.py" is a character device, not a file or a directory (resolved from ${root}). Pass a file or a directory.`);
    if (mkfifo(join(root, 'pipe.py'))) {
      await expect(discover(['pipe.py'], cfgFor(root), root)).rejects.toThrow('Path "pipe.py" is a named pipe (FIFO), not a file or a directory');
    }
  });
});

describe('discover: names that are not UTF-8', () => {
  it('lists such a directory, and such a file under a name it reads, as unreadable saying why', async () => {
    const root = tree({ 'app.py': '' });
    // café.py, its é in Latin-1: Node decodes the byte to U+FFFD, a name that opens nothing
    const latin1 = (name: string) => Buffer.concat([Buffer.from(`${root}/`), Buffer.from(name, 'latin1')]);
    try {
      writeFileSync(latin1('caf\u00e9.py'), 'import sqlite3\n');
      writeFileSync(latin1('caf\u00e9.png'), '');
      mkdirSync(latin1('d\u00e9r'));
    } catch {
      return; // a file system that refuses such names (APFS) has none to find
    }
    const { files, skipped } = await discover([], cfgFor(root), root);
    expect(files.map((f) => f.path)).toEqual(['app.py']);
    expect(skipped.map((s: Skipped) => [s.path, s.reason, s.detail])).toEqual([
      ['caf\uFFFD.py', 'unreadable', 'its name is not valid UTF-8 (shown with \uFFFD where its bytes are not), and pgready opens files by their UTF-8 names; rename the file (convmv), or add it to "exclude".'],
      ['d\uFFFDr', 'unreadable', 'its name is not valid UTF-8 (shown with \uFFFD where its bytes are not), and pgready opens files by their UTF-8 names; rename the directory (convmv), or add it to "exclude".'],
    ]);
  });
});

describe('glob patterns', () => {
  it('matches gitignore-style patterns', () => {
    const m = (p: string, path: string, dir = false) => patternMatches(compilePattern(p, { negation: true })!, path, dir);
    expect(m('*.py', 'a/b/c.py')).toBe(true);
    expect(m('/*.py', 'a/c.py')).toBe(false);
    expect(m('/*.py', 'c.py')).toBe(true);
    expect(m('a/**/b', 'a/b')).toBe(true);
    expect(m('a/**/b', 'a/x/y/b')).toBe(true);
    expect(m('**/b', 'x/b')).toBe(true);
    expect(m('a/**', 'a')).toBe(false);
    expect(m('a/**', 'a/x/y')).toBe(true);
    expect(m('logs/', 'logs', false)).toBe(false);
    expect(m('logs/', 'x/logs', true)).toBe(true);
    expect(m('doc/*.md', 'doc/a/b.md')).toBe(false);
    expect(m('[!a]?.py', 'bx.py')).toBe(true);
    expect(m('[!a]?.py', 'ax.py')).toBe(false);
    expect(m('\\#x', '#x')).toBe(true);
    expect(compilePattern('# comment')).toBeUndefined();
    expect(compilePattern('!keep', { negation: true })!.negated).toBe(true);
  });

  it('matches config globs against a path or any of its directories, with braces', () => {
    const globs = compileGlobs(['legacy', 'src/**/*.{sh,cfg}']);
    expect(matchesAny(globs, 'app/legacy/x.py', false)).toBe(true);
    expect(matchesAny(globs, 'src/a/b/run.sh', false)).toBe(true);
    expect(matchesAny(globs, 'src/run.cfg', false)).toBe(true);
    expect(matchesAny(globs, 'src/run.py', false)).toBe(false);
    expect(matchesAny(globs, '../legacy/x.py', false)).toBe(false);
  });
});

describe('readSource', () => {
  const read = (files: Record<string, string | Buffer>, path: string, over: Partial<Config> = {}) => {
    const root = tree(files);
    const f: DiscoveredFile = { path, absPath: join(root, path), language: path.endsWith('.py') ? 'python' : 'text', textKind: path.endsWith('.sh') ? 'shell' : undefined };
    return readSource(f, cfgFor(root, over));
  };
  const text = (r: SourceFile | Skipped) => {
    if ('reason' in r) throw new Error(`skipped: ${r.reason} ${r.detail}`);
    return r.text;
  };

  it('keeps CRLF line endings and strips a UTF-8 BOM', () => {
    expect(text(read({ 'a.py': 'x = 1\r\ny = 2\r\n' }, 'a.py'))).toBe('x = 1\r\ny = 2\r\n');
    expect(text(read({ 'a.py': Buffer.from([0xef, 0xbb, 0xbf, 0x78, 0x0a]) }, 'a.py'))).toBe('x\n');
  });

  it('decodes UTF-16 files with a BOM', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('db = "é.db"\n', 'utf16le')]);
    expect(text(read({ 'a.py': le }, 'a.py'))).toBe('db = "é.db"\n');
    const be = Buffer.from(Buffer.from('x\n', 'utf16le')).swap16();
    expect(text(read({ 'a.py': Buffer.concat([Buffer.from([0xfe, 0xff]), be]) }, 'a.py'))).toBe('x\n');
  });

  it('honours a latin-1 coding cookie (true ISO-8859-1, 0x80-0x9F included)', () => {
    const bytes = Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\nname = "'), Buffer.from([0xe9, 0x80]), Buffer.from('"\n')]);
    expect(text(read({ 'a.py': bytes }, 'a.py'))).toBe('# -*- coding: latin-1 -*-\nname = "\u00e9\u0080"\n');
  });

  it('honours a cp1252 cookie on the second line after a shebang', () => {
    const bytes = Buffer.concat([Buffer.from('#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = "'), Buffer.from([0x80]), Buffer.from('"\n')]);
    expect(text(read({ 'a.py': bytes }, 'a.py'))).toContain('x = "€"');
  });

  it('ignores a cookie on line two after a code line, and cookies in non-Python files', () => {
    const bytes = Buffer.concat([Buffer.from('x = 1\n# coding: latin-1\ny = "'), Buffer.from([0xe9]), Buffer.from('"\n')]);
    expect(codingCookie(bytes)).toBeUndefined();
    expect(text(read({ 'a.py': bytes }, 'a.py'))).toBe('x = 1\n# coding: latin-1\ny = "\ufffd"\n');
    const sh = Buffer.concat([Buffer.from('# coding: latin-1\necho "'), Buffer.from([0xe9]), Buffer.from('"\n')]);
    expect(text(read({ 'a.sh': sh }, 'a.sh'))).toBe('# coding: latin-1\necho "\ufffd"\n');
  });

  it('decodes invalid UTF-8 with replacement characters instead of skipping', () => {
    const bytes = Buffer.concat([Buffer.from('s = "'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('"\n')]);
    expect(text(read({ 'a.py': bytes }, 'a.py'))).toBe('s = "\ufffd\ufffdA"\n');
  });

  it('skips an unknown cookie encoding with decode-error naming the line', () => {
    const r = read({ 'a.py': '# -*- coding: klingon-8 -*-\nx = 1\n' }, 'a.py');
    expect(r).toMatchObject({ path: 'a.py', reason: 'decode-error' });
    expect((r as Skipped).detail).toContain('line 1 declares the encoding "klingon-8"');
  });

  it('skips binary and too-large files with a reason', () => {
    expect(read({ 'a.py': Buffer.from([0x78, 0x00, 0x79]) }, 'a.py')).toMatchObject({ path: 'a.py', reason: 'binary' });
    const big = read({ 'a.py': 'x'.repeat(101) }, 'a.py', { maxFileBytes: 100 });
    expect(big).toMatchObject({ path: 'a.py', reason: 'too-large' });
    expect((big as Skipped).detail).toContain('101 bytes');
    expect(text(read({ 'a.py': 'x'.repeat(100) }, 'a.py', { maxFileBytes: 100 }))).toHaveLength(100);
  });

  it('reports an unreadable file with the OS error', () => {
    const root = tree({ 'pkg/a.py/x': '' });
    const r = readSource({ path: 'pkg/a.py', absPath: join(root, 'pkg/a.py'), language: 'python' }, defaultConfig(root));
    expect(r).toMatchObject({ path: 'pkg/a.py', reason: 'unreadable' });
    expect((r as Skipped).detail).toContain('EISDIR');
    const gone = readSource({ path: 'gone.py', absPath: join(root, 'gone.py'), language: 'python' }, defaultConfig(root));
    expect((gone as Skipped).detail).toContain('ENOENT');
  });
});
