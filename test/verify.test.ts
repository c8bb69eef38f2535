import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Writable } from '../src/cli/context.js';
import { main } from '../src/cli/main.js';
import { defaultConfig } from '../src/model/config.js';
import { verifyMarkdownSection } from '../src/report/verify.js';
import { verifyPretty } from '../src/report/verify-pretty.js';
import { sqlTextFixture } from '../src/sql/analyze.js';
import { openPglite } from '../src/verify/backend.js';
import type { SqlBackend } from '../src/verify/backend.js';
import { postgresText } from '../src/verify/convert.js';
import { offsetMapper, verify } from '../src/verify/index.js';
import type { VerifyOptions } from '../src/verify/index.js';
import type { VerifiedStatement, VerifyResult } from '../src/verify/model.js';
import { repoRoot } from './helpers/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'pgready-verify-'));
let pglite: SqlBackend;
beforeAll(async () => {
  pglite = await openPglite();
}, 120_000);
afterAll(async () => {
  await pglite?.close();
  rmSync(scratch, { recursive: true, force: true });
});

let projects = 0;
/** A project of `files` in a fresh directory, verified at level 2 on the shared embedded PostgreSQL. */
async function verifyProject(files: Record<string, string>, opts: Partial<VerifyOptions> = {}): Promise<VerifyResult> {
  const dir = join(scratch, `p${++projects}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return verify(['.'], defaultConfig(dir), { cwd: dir, backend: pglite, ...opts });
}

function at(r: VerifyResult, file: string, line: number): VerifiedStatement {
  const s = r.statements.find((x) => x.file === file && x.line === line);
  if (!s) throw new Error(`no statement at ${file}:${line}; have ${r.statements.map((x) => `${x.file}:${x.line}`).join(', ')}`);
  return s;
}

const SCHEMA = `import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT,
    active BOOLEAN NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS ix_users_name ON users (name);
"""

def init(conn):
    conn.executescript(SCHEMA)
`;

describe('postgresText: the text PostgreSQL receives, mapped back to the SQL', () => {
  it('turns psycopg placeholders into $n and %% into %, as psycopg does with parameters', () => {
    const sql = sqlTextFixture("SELECT a FROM t WHERE b = %s AND c LIKE 'x%%' AND d = %(d)s OR e = %(d)s", { executed: true, hasParams: true });
    const pg = postgresText(sql, { kind: 'fixed', paramstyle: 'format' });
    expect(pg.text).toBe("SELECT a FROM t WHERE b = $1 AND c LIKE 'x%' AND d = $2 OR e = $2");
    // every character maps back to where it came from
    expect(sql.text.slice(pg.origin[pg.text.indexOf('AND c')]!, pg.origin[pg.text.indexOf('AND c')]! + 5)).toBe('AND c');
    expect(pg.origin[pg.text.indexOf('$2')]).toBe(sql.text.indexOf('%(d)s'));
    expect(pg.origin[pg.text.length]).toBe(sql.text.length);
  });

  it('leaves % alone without parameters, and reports a lone % that psycopg would reject with them', () => {
    const without = sqlTextFixture("SELECT 10 % 3, 'a%'", { executed: true, hasParams: false });
    expect(postgresText(without, { kind: 'fixed', paramstyle: 'format' }).text).toBe("SELECT 10 % 3, 'a%'");
    const withParams = sqlTextFixture("SELECT a FROM t WHERE b LIKE 'a%' AND c = %s", { executed: true, hasParams: true });
    const pg = postgresText(withParams, { kind: 'fixed', paramstyle: 'format' });
    expect(pg.driverError?.message).toContain('a literal % must be written %%');
    expect(pg.driverError?.sqlOffset).toBe(withParams.text.indexOf('%'));
  });

  it('as-is: SQLite placeholders become $n, but never a ? inside a string literal', () => {
    const sql = sqlTextFixture("SELECT '?', a FROM t WHERE b = ? AND c = :name AND d = :name AND e = ?", { executed: true, hasParams: true });
    expect(postgresText(sql, { kind: 'as-is' }).text).toBe("SELECT '?', a FROM t WHERE b = $1 AND c = $2 AND d = $2 AND e = $3");
  });

  it('SQL nothing executes: its placeholders of either style become $n', () => {
    const sql = sqlTextFixture('DELETE FROM t WHERE a = ? AND b = %s', { executed: false });
    expect(postgresText(sql, { kind: 'fixed', paramstyle: 'format' }).text).toBe('DELETE FROM t WHERE a = $1 AND b = $2');
  });

  it('replaces format fields by a name, a parameter or nothing, depending on where they stand', () => {
    const sql = sqlTextFixture('SELECT * FROM {table} WHERE id IN ({marks}) {extra}', { executed: false });
    const pg = postgresText(sql, { kind: 'fixed', paramstyle: 'format' });
    expect(pg.text).toBe('SELECT * FROM pgready_hole_1 WHERE id IN ($1) ');
    expect(pg.holes.map((h) => h.as)).toEqual(['identifier', 'parameter', 'dropped']);
  });
});

describe('offsetMapper: offsets of the fixed text back to the file on disk', () => {
  it('maps unchanged text exactly and inserted text to its insertion point', () => {
    const before = 'a = "SELECT ifnull(x, 0) FROM t WHERE id = ?"\n';
    const after = 'a = "SELECT COALESCE(x, 0) FROM t WHERE id = %s"\n';
    const map = offsetMapper(before, after);
    expect(map(after.indexOf('FROM'))).toBe(before.indexOf('FROM'));
    expect(map(after.indexOf('%s'))).toBe(before.indexOf('?'));
    expect(map(after.length)).toBe(before.length);
  });
});

describe('level 1: PostgreSQL parser', () => {
  it('reports the parser error at its source line and column (after a non-ASCII character)', async () => {
    const r = await verifyProject(
      {
        'app.py': [
          'import sqlite3',
          'conn = sqlite3.connect("app.db")',
          'conn.execute("""',
          "    SELECT 'héllo', id",
          '      FROM users',
          '     LIMIT 5, 10',
          '""")',
          '',
        ].join('\n'),
      },
      { asIs: true, parseOnly: true },
    );
    expect(r.level).toBe(1);
    const s = at(r, 'app.py', 4);
    expect(s.status).toBe('failed');
    expect(s.error).toMatchObject({ stage: 'parse', message: 'LIMIT #,# syntax is not supported', line: 6, column: 6 });
    expect(s.postgres.slice(s.error!.position!)).toMatch(/^LIMIT 5, 10/);
  });

  it('passes PostgreSQL-ready SQL and splits a script into its statements', async () => {
    const r = await verifyProject(
      { 'app.py': 'import sqlite3\nconn = sqlite3.connect("app.db")\nconn.executescript("BEGIN; DELETE FROM t; COMMIT;")\n' },
      { parseOnly: true },
    );
    expect(r.statements.map((s) => [s.node, s.status, s.checks])).toEqual([
      ['TransactionStmt', 'passed', ['parse']],
      ['DeleteStmt', 'passed', ['parse']],
      ['TransactionStmt', 'passed', ['parse']],
    ]);
  });
});

describe('level 2: planned on the embedded PostgreSQL against the project schema', () => {
  const app = [
    'import sqlite3',
    'from db import init',
    'conn = sqlite3.connect("app.db")',
    'cur = conn.cursor()',
    'cur.execute("SELECT id, name FROM users WHERE email = ?", (email,))', // 5: passes after fix
    'cur.execute("SELECT IFNULL(name, \'\') FROM users WHERE id = ?", (uid,))', // 6: fixed by ifnull-to-coalesce
    'cur.execute("SELECT id FROM users WHERE nickname = ?", (n,))', // 7: unknown column
    'cur.execute("INSERT INTO users (email, name) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", (e, n))', // 8: no unique constraint on name
    'cur.execute("SELECT * FROM orders WHERE user_id = ?", (uid,))', // 9: no such table
    'cur.execute("UPDATE users SET active = 0 WHERE id = ?", (uid,))', // 10: integer into boolean, fixed by integer-to-boolean-literal
    'cur.execute(f"SELECT {cols} FROM users WHERE id = ?", (uid,))', // 11: best-effort
    'cur.execute(f"SELECT * FROM {table} WHERE id = ?", (uid,))', // 12: dynamic table
    'cur.execute("SELECT name FROM sqlite_master WHERE type = \'table\' AND name LIKE \'u%\'")', // 13
    '',
  ].join('\n');

  it('as after fix: passes what runs, fails what PostgreSQL rejects, and lists what it cannot check', async () => {
    const r = await verifyProject({ 'db.py': SCHEMA, 'app.py': app });
    expect(r.level).toBe(2);
    expect(r.engine).toMatch(/^PGlite \(PostgreSQL \d+/);
    expect(at(r, 'db.py', 4)).toMatchObject({ node: 'CreateStmt', status: 'passed', checks: ['parse', 'plan'], changedByFix: true });
    expect(at(r, 'db.py', 10)).toMatchObject({ node: 'IndexStmt', status: 'passed' });
    expect(at(r, 'app.py', 5)).toMatchObject({ status: 'passed', postgres: 'SELECT id, name FROM users WHERE email = $1' });
    expect(at(r, 'app.py', 6)).toMatchObject({ status: 'passed', postgres: "SELECT COALESCE(name, '') FROM users WHERE id = $1" });
    expect(at(r, 'app.py', 7).error).toMatchObject({ stage: 'plan', code: '42703', message: 'column "nickname" does not exist', line: 7, column: 41 });
    expect(at(r, 'app.py', 8).error).toMatchObject({ stage: 'plan', code: '42P10', message: 'there is no unique or exclusion constraint matching the ON CONFLICT specification' });
    expect(at(r, 'app.py', 9)).toMatchObject({ status: 'unverifiable', reason: 'relation "orders" does not exist: no CREATE TABLE for it in the project or --schema' });
    expect(at(r, 'app.py', 10)).toMatchObject({ status: 'passed', postgres: 'UPDATE users SET active = FALSE WHERE id = $1' });
    expect(at(r, 'app.py', 11)).toMatchObject({ status: 'passed', bestEffort: true });
    expect(at(r, 'app.py', 12)).toMatchObject({ status: 'unverifiable', bestEffort: true });
    expect(at(r, 'app.py', 12).reason).toContain('assembled at run time');
    // sqlite_master listings become information_schema queries
    expect(at(r, 'app.py', 13)).toMatchObject({ status: 'passed', changedByFix: true });
    expect(at(r, 'app.py', 13).postgres).toContain('information_schema.tables');
    expect(r.summary).toMatchObject({ failed: 2, unverifiable: 2 });
  }, 60_000);

  it('a BOOLEAN column given an integer fix cannot rewrite still fails, and carries its finding', async () => {
    const r = await verifyProject({
      'db.py': SCHEMA,
      'app.py': 'import sqlite3\nconn = sqlite3.connect("app.db")\nconn.execute("UPDATE users SET active = 2 WHERE id = ?", (1,))\n',
    });
    expect(at(r, 'app.py', 3).error).toMatchObject({ stage: 'plan', code: '42804', message: 'column "active" is of type boolean but expression is of type integer' });
    expect(at(r, 'app.py', 3).findings.map((f) => [f.ruleId, f.fixedBy])).toEqual([['SQL329', 'integer-to-boolean-literal']]);
  }, 60_000);

  it('as-is: the SQLite-only SQL fails with PostgreSQL’s own errors, planned against the schema as fix would write it', async () => {
    const r = await verifyProject({ 'db.py': SCHEMA, 'app.py': app }, { asIs: true });
    expect(at(r, 'db.py', 4).error).toMatchObject({ stage: 'parse', message: 'syntax error at or near "AUTOINCREMENT"', line: 5, column: 28 });
    expect(at(r, 'app.py', 5).status).toBe('passed');
    expect(at(r, 'app.py', 6).error).toMatchObject({ stage: 'plan', code: '42883', message: 'function ifnull(text, unknown) does not exist', line: 6, column: 21 });
    expect(at(r, 'app.py', 6).findings.map((f) => [f.ruleId, f.fixedBy])).toContainEqual(['SQL311', 'ifnull-to-coalesce']);
  }, 60_000);

  it('plans against --schema, and checks the schema file itself', async () => {
    const r = await verifyProject(
      {
        'schema.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);\nCREATE INDEX ix ON orders (missing_column);\n',
        'app.py': 'import sqlite3\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT * FROM orders WHERE user_id = ?", (1,))\n',
      },
      { schemaFile: 'schema.sql' },
    );
    expect(at(r, 'app.py', 3).status).toBe('passed');
    expect(at(r, 'schema.sql', 2)).toMatchObject({ fromSchemaFile: true, status: 'failed' });
    expect(at(r, 'schema.sql', 2).error?.message).toBe('column "missing_column" does not exist');
  }, 60_000);

  it('runs pg_dump-style `public.` DDL in its private database, and fails SQLite’s own tables instead of calling them unknown', async () => {
    const r = await verifyProject({
      'app.py': [
        'import sqlite3',
        'conn = sqlite3.connect("app.db")',
        'conn.execute("CREATE TABLE public.audit_log (id bigint)")',
        'conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", ("t", 1))',
        '',
      ].join('\n'),
    });
    expect(at(r, 'app.py', 3)).toMatchObject({ status: 'passed', checks: ['parse', 'plan'] });
    expect(at(r, 'app.py', 4).error).toMatchObject({ code: '42P01', message: 'relation "sqlite_sequence" does not exist' });
    expect(await pglite.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'audit_log'")).toEqual([{ n: 0 }]);
  }, 60_000);

  it('points the statements of a table at its failed CREATE TABLE', async () => {
    const r = await verifyProject({
      'app.py': [
        'import sqlite3',
        'conn = sqlite3.connect("app.db")',
        'conn.execute("CREATE TABLE tags (name TEXT COLLATE NOCASE PRIMARY KEY)")',
        'conn.execute("SELECT name FROM tags")',
        '',
      ].join('\n'),
    });
    expect(at(r, 'app.py', 3).error?.message).toBe('collation "nocase" for encoding "UTF8" does not exist');
    expect(at(r, 'app.py', 4)).toMatchObject({ status: 'unverifiable', reason: 'relation "tags" does not exist: its CREATE TABLE (app.py:3) failed' });
  }, 60_000);

  it('never executes: a DELETE is only prepared, and nothing outlives the run', async () => {
    const files = {
      'db.py': SCHEMA,
      'app.py': 'import sqlite3\nconn = sqlite3.connect("app.db")\nconn.execute("DELETE FROM users")\n',
    };
    const r = await verifyProject(files);
    expect(at(r, 'app.py', 3).status).toBe('passed');
    expect(await pglite.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'users'")).toEqual([{ n: 0 }]);
    expect(await pglite.query('SELECT count(*)::int AS n FROM pg_prepared_statements')).toEqual([{ n: 0 }]);
  }, 60_000);
});

describe('the demo fixture at level 2', () => {
  let fixed: VerifyResult;
  let asIs: VerifyResult;
  beforeAll(async () => {
    const cfg = defaultConfig(repoRoot);
    fixed = await verify(['fixtures/legacy-trading'], cfg, { cwd: repoRoot, backend: pglite });
    asIs = await verify(['fixtures/legacy-trading'], cfg, { cwd: repoRoot, backend: pglite, asIs: true });
  }, 240_000);

  const where = (s: VerifiedStatement) => `${s.file.replace('fixtures/legacy-trading/', '')}:${s.line}`;

  it('after fix, only statements the report lists as manual work still fail', () => {
    const failed = fixed.statements.filter((s) => s.status === 'failed');
    expect(failed.length).toBeGreaterThan(20);
    // each of these still carries an audit finding after the fix (a manual item or a refused rewrite)
    expect(failed.filter((s) => s.findings.length === 0).map(where)).toEqual([]);
    // psycopg never rejects what fix writes
    expect(failed.filter((s) => s.error?.stage === 'driver').map(where)).toEqual([]);
  });

  it('after fix, integers for BOOLEAN columns and strftime() text for a TIMESTAMP column are typed values that pass', () => {
    const f = 'fixtures/legacy-trading/';
    expect(at(fixed, f + 'backend/api/main_api.py', 117)).toMatchObject({ status: 'passed', postgres: 'UPDATE alerts SET acknowledged = TRUE WHERE id = $1' });
    expect(at(fixed, f + 'backend/notifications.py', 56)).toMatchObject({ status: 'passed' });
    expect(at(fixed, f + 'backend/notifications.py', 56).postgres).toContain('WHERE acknowledged = FALSE ORDER BY');
    expect(at(fixed, f + 'backend/notifications.py', 70)).toMatchObject({ status: 'passed', postgres: 'UPDATE alerts SET acknowledged = TRUE WHERE id IN ($1)' });
    expect(at(fixed, f + 'scripts/seed_demo_data.py', 14)).toMatchObject({ status: 'passed' });
    expect(at(fixed, f + 'scripts/seed_demo_data.py', 15).postgres).toContain("'paper-key', TRUE)");
    expect(at(fixed, f + 'backend/price_watchdog.py', 77)).toMatchObject({ status: 'passed' });
    expect(at(fixed, f + 'backend/price_watchdog.py', 77).postgres).toContain("$4, date_trunc('second', now() AT TIME ZONE 'UTC'))");
    // as written, PostgreSQL rejects the integer for the boolean column
    expect(at(asIs, f + 'backend/api/main_api.py', 117).error).toMatchObject({ stage: 'plan', code: '42804' });
  });

  it('after fix, the statements the codemods rewrite pass', () => {
    const passedChanged = fixed.statements.filter((s) => s.status === 'passed' && s.changedByFix && s.checks.includes('plan'));
    expect(passedChanged.length).toBeGreaterThan(20);
    expect(at(fixed, 'fixtures/legacy-trading/backend/models/schema.py', 103)).toMatchObject({ node: 'CreateStmt', status: 'passed' });
  });

  it('as-is, the SQLite-only statements fail with PostgreSQL’s own errors at their source lines', () => {
    const f = 'fixtures/legacy-trading/';
    const error = (file: string, line: number) => at(asIs, f + file, line).error;
    expect(error('backend/trade_manager.py', 151)).toMatchObject({ stage: 'parse', message: 'syntax error at or near "OR"', line: 151 });
    expect(error('backend/trade_manager.py', 115)).toMatchObject({ stage: 'parse', message: 'syntax error at or near "IMMEDIATE"', line: 115 });
    expect(error('backend/trade_manager.py', 63)).toMatchObject({ stage: 'parse', message: 'LIMIT #,# syntax is not supported', line: 63 });
    expect(error('backend/util/db.py', 51)).toMatchObject({ stage: 'parse', message: 'syntax error at or near "OR"', line: 51 });
    expect(error('backend/active_trade_supervisor.py', 99)).toMatchObject({ stage: 'plan', code: '42883', message: 'function datetime(unknown) does not exist' });
    expect(error('backend/reporting/alerts_digest.py', 36)).toMatchObject({ stage: 'plan', message: 'function instr(text, unknown) does not exist', line: 36 });
    expect(error('backend/models/schema.py', 24)).toMatchObject({ stage: 'parse', message: 'syntax error at or near "AUTOINCREMENT"', line: 25 });
    expect(error('backend/util/db.py', 143)).toMatchObject({ stage: 'plan', code: '42P01', message: 'relation "sqlite_master" does not exist' });
    expect(asIs.summary.failed).toBeGreaterThan(fixed.summary.failed + 30);
  });

  it('renders the Markdown section and the pretty report from the same result', () => {
    const md = verifyMarkdownSection(fixed);
    expect(md.startsWith('## PostgreSQL verification\n')).toBe(true);
    expect(md).toContain(`| ${fixed.summary.statements} | ${fixed.summary.passed} | ${fixed.summary.failed} | ${fixed.summary.unverifiable} |`);
    expect(md).toContain('- [ ] [fixtures/legacy-trading/backend/api/main_api.py:119](fixtures/legacy-trading/backend/api/main_api.py#L119) (plan)');
    const pretty = verifyPretty(asIs, { color: false });
    expect(pretty).toContain(
      [
        'fixtures/legacy-trading/backend/trade_manager.py:115:34  failed (parse)',
        '    BEGIN IMMEDIATE',
        '          ^',
        '  PostgreSQL: syntax error at or near "IMMEDIATE"',
        '  audit: SQL319 begin-mode',
      ].join('\n'),
    );
  });
});

describe('pgready verify (CLI)', () => {
  function sink(): Writable & { text: string } {
    const s = { text: '', isTTY: false, write: (t: string) => (s.text += t) };
    return s;
  }

  it('exits 1 when a statement fails and prints stable JSON', async () => {
    const dir = join(scratch, 'cli');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'app.py'), 'import sqlite3\nconn = sqlite3.connect("a.db")\nconn.execute("INSERT OR IGNORE INTO t VALUES (1)")\nconn.execute("SELECT 1")\n');
    const stdout = sink();
    const stderr = sink();
    const code = await main(['verify', '--parse-only', '--as-is', '--format', 'json'], { cwd: dir, stdout, stderr, env: {} });
    expect(stderr.text).toBe('');
    expect(code).toBe(1);
    const doc = JSON.parse(stdout.text);
    expect(Object.keys(doc)).toEqual(['tool', 'mode', 'level', 'engine', 'summary', 'statements', 'fixFailures']);
    expect(doc.summary).toEqual({ statements: 2, passed: 1, failed: 1, unverifiable: 0, bestEffort: 0, parseOnly: 1 });
    expect(doc.statements[0].error).toMatchObject({ stage: 'parse', message: 'syntax error at or near "OR"', line: 3, column: 22 });
  });

  it('exits 0 when everything passes, and 2 for a bad --database-url', async () => {
    const dir = join(scratch, 'cli-ok');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'app.py'), 'import sqlite3\nconn = sqlite3.connect("a.db")\nconn.execute("SELECT 1")\n');
    expect(await main(['verify', '--parse-only'], { cwd: dir, stdout: sink(), stderr: sink(), env: {} })).toBe(0);
    const stderr = sink();
    expect(await main(['verify', '--database-url', 'mysql://x'], { cwd: dir, stdout: sink(), stderr, env: {} })).toBe(2);
    expect(stderr.text).toContain('give a postgres:// or postgresql:// URL');
  });
});

describe('verify reporters over a hand-built result', () => {
  const failed: VerifiedStatement = {
    file: 'app/db.py',
    line: 12,
    column: 9,
    sql: 'SELECT IFNULL(a, 0)\n  FROM t WHERE id = %s',
    postgres: 'SELECT IFNULL(a, 0)\n  FROM t WHERE id = $1',
    node: 'SelectStmt',
    kind: 'query',
    bestEffort: false,
    changedByFix: false,
    status: 'failed',
    checks: ['parse'],
    error: { stage: 'plan', message: 'function ifnull(integer, integer) does not exist', code: '42883', position: 7, line: 12, column: 16 },
    findings: [
      { ruleId: 'SQL311', ruleName: 'ifnull', fixedBy: 'ifnull-to-coalesce', line: 12 },
      { ruleId: 'SQL311', ruleName: 'ifnull', fixedBy: 'ifnull-to-coalesce', line: 12 },
    ],
  };
  const unverifiable: VerifiedStatement = {
    ...failed,
    line: 20,
    status: 'unverifiable',
    checks: ['parse'],
    error: undefined,
    reason: 'relation "orders" does not exist: no CREATE TABLE for it in the project or --schema',
    findings: [],
  };
  const result: VerifyResult = {
    mode: 'as-is',
    level: 2,
    engine: 'PGlite (PostgreSQL 17.5)',
    statements: [failed, unverifiable],
    summary: { statements: 2, passed: 0, failed: 1, unverifiable: 1, bestEffort: 0, parseOnly: 0 },
    fixFailures: [],
  };

  it('markdown: counts, a checklist of failures with PostgreSQL’s words, the unverifiable list', () => {
    expect(verifyMarkdownSection(result, { linkPrefix: '..' })).toBe(
      [
        '## PostgreSQL verification',
        '',
        'Every SQL statement as written today, checked by PostgreSQL’s parser, then `PREPARE` and a generic plan on PGlite (PostgreSQL 17.5) against the project’s schema (nothing executed; rolled back).',
        '',
        '| Statements | Passed | Failed | Unverifiable | Best-effort (dynamic) | Parsed only |',
        '| ---: | ---: | ---: | ---: | ---: | ---: |',
        '| 2 | 0 | 1 | 1 | 0 | 0 |',
        '',
        '### Failed',
        '',
        "- [ ] [app/db.py:12](../app/db.py#L12) (plan): function ifnull(integer, integer) does not exist (42883): `SELECT IFNULL(a, 0) FROM t WHERE id = $1`; audit: `SQL311`",
        '',
        '### Not verifiable',
        '',
        '- [app/db.py:20](../app/db.py#L20): relation "orders" does not exist: no CREATE TABLE for it in the project or --schema',
        '',
      ].join('\n'),
    );
  });

  it('pretty: the statement with a caret under what PostgreSQL points at', () => {
    expect(verifyPretty(result, { color: false })).toBe(
      [
        'app/db.py:12:16  failed (plan)',
        '    SELECT IFNULL(a, 0)',
        '           ^',
        '  PostgreSQL: function ifnull(integer, integer) does not exist [42883]',
        '  audit: SQL311 ifnull',
        '',
        'Not verifiable (1):',
        '  app/db.py:20:9  relation "orders" does not exist: no CREATE TABLE for it in the project or --schema',
        '',
        '2 SQL statements (as written; level 2: parse and plan on PGlite (PostgreSQL 17.5)): 0 passed, 1 failed, 1 unverifiable (0 best-effort)',
        '',
      ].join('\n'),
    );
  });
});
