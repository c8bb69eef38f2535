import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { moduleNameOf } from '../src/cli/init.js';
import { main } from '../src/cli/main.js';
import { loadConfig } from '../src/config.js';
import { defaultJsTarget, defaultTarget, resolveTarget } from '../src/edit/target.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'pgready-init-'));
  dirs.push(d);
  return d;
}

async function run(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['init', ...argv], {
    cwd,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

function python3(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('pgready init', () => {
  it('writes a starter config that loads, with the default target spelled out', async () => {
    const cwd = tmp();
    const r = await run(cwd);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('wrote pgready.config.json');
    const cfg = loadConfig(cwd, { knownRules: allRules });
    expect(cfg.source).toBe(join(cwd, 'pgready.config.json'));
    expect(resolveTarget(cfg.target)).toEqual({ ...defaultTarget(), javascript: defaultJsTarget() });
    const raw = JSON.parse(readFileSync(join(cwd, 'pgready.config.json'), 'utf8')) as { target: { connection: { call: string }; javascript: { connection: { module: string } } } };
    expect(raw.target.connection.call).toBe('get_connection({db})');
    expect(raw.target.javascript.connection.module).toBe('#db');
  });

  it('refuses to overwrite an existing config unless --force', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'pgready.config.json'), '{ "exclude": ["keep/**"] }\n');
    const r = await run(cwd);
    expect(r.code).toBe(2);
    expect(r.err).toBe('pgready: pgready.config.json already exists; pgready init leaves it alone. Pass --force to overwrite it.\n');
    expect(readFileSync(join(cwd, 'pgready.config.json'), 'utf8')).toBe('{ "exclude": ["keep/**"] }\n');

    const forced = await run(cwd, '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(cwd, 'pgready.config.json'), 'utf8')).toContain('"target"');
  });

  it('scaffolds the db module and points target.connection.import at it', async () => {
    const cwd = tmp();
    const r = await run(cwd, '--scaffold-db-module', 'app/core/db.py');
    expect(r.code).toBe(0);
    expect(r.out).toContain('wrote app/core/db.py');
    const cfg = loadConfig(cwd, { knownRules: allRules });
    expect(resolveTarget(cfg.target).connection.import).toBe('from app.core.db import get_connection');
    const py = readFileSync(join(cwd, 'app/core/db.py'), 'utf8');
    expect(py).toContain('def get_connection(db):');

    // a second run leaves both files alone
    writeFileSync(join(cwd, 'app/core/db.py'), '# mine\n');
    const again = await run(cwd, '--scaffold-db-module', 'app/core/db.py');
    expect(again.code).toBe(2);
    expect(again.err).toContain('app/core/db.py already exists');
    expect(readFileSync(join(cwd, 'app/core/db.py'), 'utf8')).toBe('# mine\n');
  });

  it('rejects a module path that is not a .py file', async () => {
    const cwd = tmp();
    const r = await run(cwd, '--scaffold-db-module', 'db');
    expect(r.code).toBe(2);
    expect(r.err).toContain('give the path of a .py file');
    expect(existsSync(join(cwd, 'pgready.config.json'))).toBe(false);
  });

  it('derives dotted module names only from importable paths', () => {
    expect(moduleNameOf('backend/core/database.py')).toBe('backend.core.database');
    expect(moduleNameOf('pkg/__init__.py')).toBe('pkg');
    expect(moduleNameOf('my-app/db.py')).toBeUndefined();
    expect(moduleNameOf('../db.py')).toBeUndefined();
  });

  it.skipIf(!python3())('writes a module that compiles and behaves as documented (with a stand-in pool)', async () => {
    const cwd = tmp();
    await run(cwd, '--scaffold-db-module', 'dbmod.py');
    execFileSync('python3', ['-m', 'py_compile', join(cwd, 'dbmod.py')], { env: { ...process.env, PYTHONPYCACHEPREFIX: join(cwd, '.pyc') } });
    // psycopg is not needed to import the module; a fake pool stands in for psycopg_pool
    const script = `
import dbmod

class Conn:
    closed = False
    def __init__(self): self.log = []
    def commit(self): self.log.append("commit")
    def rollback(self): self.log.append("rollback")
    def cursor(self): return "cursor"

class Pool:
    def __init__(self): self.out = []; self.back = []
    def getconn(self):
        c = Conn(); self.out.append(c); return c
    def putconn(self, c): self.back.append(c)
    def close(self): pass

pool = Pool()
dbmod._pools["trades"] = pool

with dbmod.get_connection("trades") as conn:
    assert conn.cursor() == "cursor"
    conn.row_factory = "dict_row"
first = pool.out[0]
assert first.log == ["commit"] and pool.back == [first] and first.row_factory == "dict_row"

try:
    with dbmod.get_connection("trades"):
        raise ValueError("boom")
except ValueError:
    pass
assert pool.out[1].log == ["rollback"] and pool.back[1] is pool.out[1]

conn = dbmod.get_connection("trades")
conn.commit()
conn.close()
conn.close()
assert pool.out[2].log == ["commit"] and pool.back.count(pool.out[2]) == 1
try:
    conn.cursor()
    raise AssertionError("a closed loan must not reach the connection")
except RuntimeError:
    pass
dbmod.close_pools()
assert dbmod._pools == {}
print("ok")
`;
    const out = execFileSync('python3', ['-c', script], { cwd, env: { ...process.env, PYTHONPYCACHEPREFIX: join(cwd, '.pyc') } }).toString();
    expect(out.trim()).toBe('ok');
  });
});
