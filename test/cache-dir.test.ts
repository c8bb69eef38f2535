// The cache directory is pgready's alone: `--cache-dir` naming a directory with other files in it
// (`.`, `src`) stops the run before anything is written there (a cache's `.gitignore` of `*` would
// hide every file in it from git), and one that cannot be made is reported and the run goes without.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDirProblem, cacheDirUnwritable, DiskCache } from '../src/perf/cache.js';
import { makeDirs } from '../src/util/make-dirs.js';
import { runCli } from './helpers/cli.js';
import { repoRoot } from './helpers/paths.js';
import { tempDirs } from './helpers/temp.js';

const tempDir = tempDirs('pgready-cache-dir-');

/** A small project: one Python file with findings, and a README. */
function project(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'app.py'), 'import sqlite3\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT * FROM t WHERE id = ?", (1,))\n');
  writeFileSync(join(dir, 'README.md'), '# app\n');
  return dir;
}

/** Every file under `dir`, relative, with its size and modification time: what a run must not touch. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${relative(dir, p)} ${statSync(p).size} ${statSync(p).mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort();
}

describe('makeDirs', () => {
  it('makes the missing directories, accepts those that exist, and throws on a file in the way', () => {
    const dir = tempDir();
    makeDirs(join(dir, 'a', 'b', 'c'));
    expect(statSync(join(dir, 'a', 'b', 'c')).isDirectory()).toBe(true);
    makeDirs(join(dir, 'a', 'b'));
    writeFileSync(join(dir, 'f'), 'x');
    expect(() => makeDirs(join(dir, 'f', 'g'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => makeDirs(join(dir, 'f'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });
});

describe('cacheDirProblem', () => {
  it('lets pgready make a missing directory and write in an empty one', () => {
    const dir = tempDir();
    expect(cacheDirProblem(join(dir, 'missing'))).toBeUndefined();
    expect(cacheDirProblem(join(dir, 'missing', 'deeper'))).toBeUndefined();
    expect(cacheDirProblem(dir)).toBeUndefined();
  });

  it('refuses a file and a directory holding files pgready did not write', () => {
    const dir = project();
    expect(cacheDirProblem(join(dir, 'app.py'))).toBe('is not a directory');
    expect(cacheDirProblem(dir)).toMatch(/holds files pgready did not write/);
    // another tool's cache directory tag does not make it pgready's
    const other = tempDir();
    writeFileSync(join(other, 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by cargo.\n');
    writeFileSync(join(other, 'data.bin'), 'x');
    expect(cacheDirProblem(other)).toMatch(/not a pgready cache/);
    // a .gitignore of its own does not either
    const ignored = tempDir();
    writeFileSync(join(ignored, '.gitignore'), '*.log\n');
    expect(cacheDirProblem(ignored)).toMatch(/not a pgready cache/);
  });

  it("accepts the cache pgready made, tagged, and one made before the tag (its .gitignore of '*')", () => {
    const made = tempDir();
    const cache = new DiskCache(join(made, 'cache'));
    cache.set('kind', 'abcdef', { a: 1 });
    expect(readFileSync(join(made, 'cache', 'CACHEDIR.TAG'), 'utf8')).toMatch(/^Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by pgready\./);
    expect(readFileSync(join(made, 'cache', '.gitignore'), 'utf8')).toBe('*\n');
    expect(cacheDirProblem(join(made, 'cache'))).toBeUndefined();
    const old = tempDir();
    writeFileSync(join(old, '.gitignore'), '*\n');
    writeFileSync(join(old, 'facts.pack'), 'pgready-pack 1 1\n');
    expect(cacheDirProblem(old)).toBeUndefined();
  });
});

describe('cacheDirUnwritable', () => {
  it('is silent where the directory can be made, and names a file in the way', () => {
    const dir = project();
    expect(cacheDirUnwritable(join(dir, 'cache', 'deeper'))).toBeUndefined();
    expect(cacheDirUnwritable(join(dir, 'app.py', 'cache'))).toBe(`cannot be made: ${join(dir, 'app.py')} is a file`);
  });
});

describe('a DiskCache in a directory that is not a pgready cache', () => {
  it('writes nothing there', async () => {
    const dir = project();
    const before = snapshot(dir);
    const cache = new DiskCache(dir);
    expect(cache.prepare()).toBeUndefined();
    cache.set('kind', 'abcdef', { a: 1 });
    cache.setLater('facts', 'abcdef', { a: 1 });
    await cache.flush();
    cache.close();
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('pgready audit --cache-dir', () => {
  it('stops before writing into a directory with other files, naming it and what to do', async () => {
    const dir = project();
    const before = snapshot(dir);
    for (const name of ['.', dir]) {
      const r = await runCli(dir, 'audit', '.', '--cache-dir', name);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(`--cache-dir ${name} (${dir}) holds files pgready did not write: it is not a pgready cache.`);
      expect(r.err).toContain('or use --no-cache');
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('stops on a file and on an empty name', async () => {
    const dir = project();
    const file = await runCli(dir, 'audit', '.', '--cache-dir', 'app.py');
    expect(file.code).toBe(2);
    expect(file.err).toContain(`--cache-dir app.py (${join(dir, 'app.py')}) is not a directory.`);
    const empty = await runCli(dir, 'audit', '.', '--cache-dir', '');
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('--cache-dir needs the name of a directory (or use --no-cache).');
  });

  it('the default directory is held to the same', async () => {
    const dir = project();
    mkdirSync(join(dir, '.pgready-cache'));
    writeFileSync(join(dir, '.pgready-cache', 'notes.txt'), 'mine\n');
    const r = await runCli(dir, 'audit', '.');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`The cache directory .pgready-cache (${join(dir, '.pgready-cache')}) holds files pgready did not write`);
    expect(readdirSync(join(dir, '.pgready-cache'))).toEqual(['notes.txt']);
  });

  it('with --no-cache the directory is not looked at', async () => {
    const dir = project();
    const r = await runCli(dir, 'audit', '.', '--no-cache', '--cache-dir', '.', '--format', 'json');
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
  });

  it('a directory that cannot be made is reported, and the run goes on without the cache', async () => {
    const dir = project();
    const uncached = await runCli(dir, 'audit', '.', '--no-cache', '--format', 'json');
    const r = await runCli(dir, 'audit', '.', '--cache-dir', 'app.py/cache', '--format', 'json');
    expect(r.err).toBe(`pgready: warning: --cache-dir app.py/cache (${join(dir, 'app.py', 'cache')}) cannot be made: ${join(dir, 'app.py')} is a file; this run goes without the cache.\n`);
    expect(r.code).toBe(uncached.code);
    expect(r.out).toBe(uncached.out);
  });

  it('a write to the cache that fails (a full disk, a permission) is reported once, after the report, and the run goes on', async () => {
    const dir = project();
    const uncached = await runCli(dir, 'audit', '.', '--no-cache', '--format', 'json');
    // a cache whose packs cannot be written: a directory where the facts pack's file goes
    // (permissions do not stop root, who runs CI here)
    const cache = join(dir, 'c');
    expect((await runCli(dir, 'audit', '.', '--cache-dir', 'c', '--format', 'json')).err).toBe('');
    for (const name of readdirSync(cache)) if (name.endsWith('.pack') || name === 'reports' || name === 'manifest') rmSync(join(cache, name), { recursive: true });
    mkdirSync(join(cache, 'facts.pack'));
    writeFileSync(join(cache, 'manifest'), 'in the way');
    writeFileSync(join(dir, 'app.py'), `${readFileSync(join(dir, 'app.py'), 'utf8')}# changed\n`);
    const changed = await runCli(dir, 'audit', '.', '--no-cache', '--format', 'json');
    const r = await runCli(dir, 'audit', '.', '--cache-dir', 'c', '--format', 'json');
    expect(r.out).toBe(changed.out);
    expect(r.code).toBe(uncached.code);
    const warnings = r.err.split('\n').filter(Boolean);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^pgready: warning: the cache in ${cache.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} could not be written \\(E[A-Z]+: .+\\); this run's results were not kept there\\. Make room or fix the directory's permissions, or use --no-cache\\.$`));
  });

  it.runIf(existsSync('/proc/self'))('a cache directory under /proc, where mkdir fails and Node 20 retries it forever, is reported and the run ends', () => {
    // in a process of its own: a run that hangs would hang the test file, which no timeout stops;
    // SIGKILL, since a run stuck in mkdir never gets to act on the SIGTERM it handles
    const dir = project();
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'pgready.cjs'), 'audit', '.', '--cache-dir', '/proc/pgready-cache', '--format', 'json'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "pgready: warning: the cache in /proc/pgready-cache could not be written (ENOENT: no such file or directory, mkdir '/proc/pgready-cache'); this run's results were not kept there. Make room or fix the directory's permissions, or use --no-cache.\n",
    );
  }, 40_000);

  it('a new directory becomes a tagged cache that later runs use', async () => {
    const dir = project();
    const first = await runCli(dir, 'audit', '.', '--cache-dir', 'c', '--format', 'json');
    expect(first.err).toBe('');
    expect(readdirSync(join(dir, 'c'))).toEqual(expect.arrayContaining(['CACHEDIR.TAG', '.gitignore']));
    const second = await runCli(dir, 'audit', '.', '--cache-dir', 'c', '--format', 'json');
    expect(second).toEqual(first);
  });
});
