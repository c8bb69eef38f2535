import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/model/config.js';
import { loadPostgresParser, postgresProblem } from '../src/edit/engine.js';
import { defaultTarget } from '../src/edit/target.js';
import { analyse, audit } from '../src/pipeline.js';
import { isSqlToCheck } from '../src/sql/rulekit.js';
import { runCli } from './helpers/cli.js';
import { repoRoot } from './helpers/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'pgready-fix-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const run = runCli;

function copyOfLegacy(name: string): string {
  const dir = join(scratch, name);
  cpSync(resolve(repoRoot, 'fixtures/legacy-trading'), dir, { recursive: true });
  return dir;
}

/** Every .py file's text under `dir`, by relative path. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const files = execFileSync('find', ['.', '-name', '*.py', '-type', 'f'], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean).sort();
  for (const f of files) out.set(f.slice(2), readFileSync(join(dir, f), 'utf8'));
  return out;
}

/** SQL statements (executed or clearly SQL) that PostgreSQL's parser rejects, as `file: sql`. */
async function rejectedSql(dir: string): Promise<string[]> {
  const pg = await loadPostgresParser();
  const { files } = await analyse(['.'], defaultConfig(dir), dir);
  const out: string[] = [];
  for (const f of files) {
    for (const sql of f.facts.sqlStrings) {
      if (isSqlToCheck(sql) && postgresProblem(pg, sql, defaultTarget()) !== undefined) out.push(`${f.source.path}: ${sql.text}`);
    }
  }
  return out.sort();
}

async function findingCount(dir: string, ruleIds?: string[]): Promise<number> {
  const r = await audit(['.'], defaultConfig(dir), { cwd: dir });
  return r.findings.filter((f) => !ruleIds || ruleIds.includes(f.ruleId)).length;
}

describe('pgready fix on a copy of legacy-trading', () => {
  it('--dry-run prints a diff per changed file and writes nothing; --check exits 1 while changes are pending', async () => {
    const dir = copyOfLegacy('dry');
    const before = snapshot(dir);
    const dry = await run(dir, 'fix', '--dry-run', '.', '--codemod', 'qmark-to-target-placeholders');
    expect(dry.err).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('--- a/backend/trade_manager.py\n+++ b/backend/trade_manager.py\n');
    expect(dry.out).toMatch(/\n-.*= \?/);
    expect(dry.out).toMatch(/\n\+.*= %s/);
    expect(dry.out).toContain('(dry run: nothing written)');
    expect(dry.out).toContain('qmark-to-target-placeholders:');
    expect(dry.out).toContain('[unsafe]');
    expect(dry.out).toContain('numbered-placeholder');
    expect(dry.out).not.toContain('\u001b[');
    expect(snapshot(dir)).toEqual(before);
    const check = await run(dir, 'fix', '--check', '.', '--codemod', 'qmark-to-target-placeholders');
    expect(check.code).toBe(1);
    expect(snapshot(dir)).toEqual(before);
  }, 60_000);

  it('fix, then audit: the placeholder findings on rewritten statements are gone, and a second fix changes nothing', async () => {
    const dir = copyOfLegacy('qmark');
    const placeholderIds = ['SQL201', 'SQL202', 'SQL203'];
    const before = await findingCount(dir, placeholderIds);
    const first = await run(dir, 'fix', '.', '--rule', 'SQL201');
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/pgready fix: \d+ files changed/);
    const after = await findingCount(dir, placeholderIds);
    expect(after).toBeLessThan(before);
    // what is left: statements whose parameter count cannot be checked (unsafe) and ?NNN under %s
    expect(after).toBeLessThan(before / 3);
    const written = snapshot(dir);
    const second = await run(dir, 'fix', '--check', '.', '--rule', 'SQL201');
    expect(second.code).toBe(0);
    expect(second.out).toContain('pgready fix: 0 files would change');
    expect(snapshot(dir)).toEqual(written);
  }, 60_000);

  it('with every codemod: fewer findings, python3 compiles every rewritten file, and the second run is a no-op', async () => {
    const dir = copyOfLegacy('all');
    const original = snapshot(dir);
    const before = await findingCount(dir);
    const rejectedBefore = await rejectedSql(dir);
    const first = await run(dir, 'fix', '.', '--unsafe-fixes');
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).not.toContain('Files left untouched');
    expect(await findingCount(dir)).toBeLessThan(before);
    // what PostgreSQL still rejects is SQLite-only SQL left as manual items (PRAGMA, GLOB, WITHOUT ROWID …)
    const rejectedAfter = await rejectedSql(dir);
    expect(rejectedAfter.length).toBeLessThan(rejectedBefore.length);
    const written = snapshot(dir);
    const changed = [...written.keys()].filter((k) => written.get(k) !== original.get(k));
    expect(changed.length).toBeGreaterThan(10);
    let python = true;
    try {
      execFileSync('python3', ['--version'], { stdio: 'ignore' });
    } catch {
      python = false;
    }
    if (python) {
      for (const f of changed) {
        expect(() => execFileSync('python3', ['-m', 'py_compile', join(dir, f)], { env: { ...process.env, PYTHONPYCACHEPREFIX: join(scratch, 'pycache') }, stdio: 'pipe' }), f).not.toThrow();
      }
    } else if (process.env.CI) {
      expect.fail('python3 is needed in CI to compile the rewritten files');
    }
    const second = await run(dir, 'fix', '--check', '.', '--unsafe-fixes');
    expect(second.code).toBe(0);
    expect(snapshot(dir)).toEqual(written);
  }, 120_000);
});

describe('pgready fix usage', () => {
  it('rejects an unknown codemod or a rule no codemod fixes, with exit 2', async () => {
    const dir = copyOfLegacy('usage');
    const a = await run(dir, 'fix', '--dry-run', '--codemod', 'qmark-to-percent');
    expect(a.code).toBe(2);
    expect(a.err).toContain('--codemod qmark-to-percent: no such codemod. Available: ');
    const b = await run(dir, 'fix', '--dry-run', '--rule', 'SQL9999');
    expect(b.code).toBe(2);
    expect(b.err).toContain('--rule SQL9999: unknown rule');
  });

  it('refuses to write in a git work tree with uncommitted changes to the files, unless --allow-dirty', async () => {
    const dir = join(scratch, 'git');
    rmSync(dir, { recursive: true, force: true });
    cpSync(resolve(repoRoot, 'fixtures/codemods/qmark-to-target-placeholders'), dir, { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'init');
    const file = join(dir, 'basic.input.py');
    const edited = `${readFileSync(file, 'utf8')}# local edit\n`;
    writeFileSync(file, edited);
    const refused = await run(dir, 'fix', 'basic.input.py');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('basic.input.py');
    expect(refused.err).toContain('--allow-dirty');
    expect(readFileSync(file, 'utf8')).toBe(edited);
    const allowed = await run(dir, 'fix', 'basic.input.py', '--allow-dirty');
    expect(allowed.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('id = %s AND org = %s');
  });

  it('refuses to rewrite a file named through a symbolic link, before writing anything', async () => {
    const dir = join(scratch, 'link');
    rmSync(dir, { recursive: true, force: true });
    cpSync(resolve(repoRoot, 'fixtures/codemods/qmark-to-target-placeholders'), dir, { recursive: true });
    cpSync(join(dir, 'basic.input.py'), join(dir, 'other.py'));
    symlinkSync('basic.input.py', join(dir, 'link.py'));
    const before = snapshot(dir);
    const r = await run(dir, 'fix', 'other.py', 'link.py', '--allow-dirty');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`pgready: link.py is a symbolic link (to ${realpathSync(join(dir, 'basic.input.py'))}); fix the file it names instead. Nothing was written.\n`);
    // the link is still a link (the rename put a file in its place), and other.py was not written either
    expect(lstatSync(join(dir, 'link.py')).isSymbolicLink()).toBe(true);
    expect(snapshot(dir)).toEqual(before);
    // the file it names is fixed as itself
    expect((await run(dir, 'fix', 'basic.input.py', '--allow-dirty')).code).toBe(0);
    expect(readFileSync(join(dir, 'link.py'), 'utf8')).toContain('id = %s AND org = %s');
  });

  it('refuses to rewrite a read-only file, before writing anything', async () => {
    const dir = join(scratch, 'readonly');
    rmSync(dir, { recursive: true, force: true });
    cpSync(resolve(repoRoot, 'fixtures/codemods/qmark-to-target-placeholders'), dir, { recursive: true });
    cpSync(join(dir, 'basic.input.py'), join(dir, 'other.py'));
    chmodSync(join(dir, 'basic.input.py'), 0o444);
    const before = snapshot(dir);
    const r = await run(dir, 'fix', 'other.py', 'basic.input.py', '--allow-dirty');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'pgready: 1 file(s) to fix cannot be written: basic.input.py is read-only (mode 0444; chmod u+w makes it writable). Make them writable, or leave them out of the paths to fix. Nothing was written.\n',
    );
    expect(snapshot(dir)).toEqual(before);
    expect(statSync(join(dir, 'basic.input.py')).mode & 0o777).toBe(0o444);
    // made writable again, it is fixed
    chmodSync(join(dir, 'basic.input.py'), 0o644);
    expect((await run(dir, 'fix', 'basic.input.py', '--allow-dirty')).code).toBe(0);
    expect(readFileSync(join(dir, 'basic.input.py'), 'utf8')).toContain('id = %s AND org = %s');
  });

  it('reports a bad target in the config with its key path, exit 2', async () => {
    const dir = join(scratch, 'badcfg');
    cpSync(resolve(repoRoot, 'fixtures/codemods/qmark-to-target-placeholders'), dir, { recursive: true });
    writeFileSync(join(dir, 'pgready.config.json'), JSON.stringify({ target: { paramstyle: 'qmark' } }));
    const r = await run(dir, 'fix', '--dry-run', '.');
    expect(r.code).toBe(2);
    expect(r.err).toContain('pgready.config.json: target.paramstyle: must be one of "format", "pyformat", "numeric"');
  });
});
