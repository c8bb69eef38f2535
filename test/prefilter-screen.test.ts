import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSource } from '../src/discover/read.js';
import { pythonMayHoldFacts, pythonMayHoldFactsScreened } from '../src/perf/prefilter.js';
import { nativeScreen } from '../src/perf/screen.js';
import { SQLITE_KEYWORDS } from '../src/sql/keywords.js';
import { random } from './helpers/random.js';
import { auditWithEnv, withEnv } from './helpers/env.js';

/*
 * The native screen (native/screen.c) must never settle a file the prefilter would pass, and the
 * checks it lets the prefilter skip must be checks that fail: for every text, the verdict taken with
 * the screen's findings is pythonMayHoldFacts's own.
 */

function screen(): (bytes: Uint8Array) => number {
  const s = nativeScreen();
  // npm ci builds the addon; a missing screen is a broken install, not a reason to skip
  expect(s).toBeDefined();
  return s!;
}

function pythonFiles(dir: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (skip(r) || name === '__pycache__' || name === 'node_modules') continue;
      const st = statSync(join(dir, r));
      if (st.isDirectory()) walk(r);
      else if (name.endsWith('.py')) out.push(join(dir, r));
    }
  };
  walk('');
  return out;
}

/** Files whose verdict with the screen differs from the prefilter's, and how many the screen settled alone. */
function compare(files: string[], scr: (bytes: Uint8Array) => number): { differ: string[]; settled: number; read: number } {
  const differ: string[] = [];
  let settled = 0;
  let read = 0;
  for (const f of files) {
    const bytes = readFileSync(f);
    const d = decodeSource(bytes, true);
    if ('error' in d) continue;
    read++;
    // a file in another encoding is screened as its text in UTF-8 (sourceOf)
    const found = d.encoding !== 'utf-8' ? scr(Buffer.from(d.text, 'utf8')) : scr(bytes[0] === 0xef ? bytes.subarray(3) : bytes);
    if (found === 0) settled++;
    if (pythonMayHoldFactsScreened(d.text, found) !== pythonMayHoldFacts(d.text)) differ.push(f);
  }
  return { differ, settled, read };
}

/** What the screen's checks turn on: quotes, spaces, escapes, keywords and their neighbours, triggers, punctuation. */
const TOKENS = [
  "'", '"', "'''", '"""', 'r', 'b', 'f', 'rb', 'u', 't', 'F', 'R',
  ' ', ' ', ' ', '\n', '\t', '\r', '\r\n', '\v', '\f', '\u00a0', '\ufeff', '\u2060', '\u200b',
  '\\', '\\n', '\\t', '\\r', '\\f', '\\v', '\\x41', '\\x53', '\\x20', '\\x09', '\\x2e', '\\x2d', '\\x2f', '\\x5f', '\\x00', '\\u0131',
  '\\u017f', '\\u0020', '\\u0053', '\\ufeff', '\\U00000041', '\\U0000feff', '\\101', '\\123', '\\056', '\\56', '\\055', '\\57',
  '\\040', '\\40', '\\11', '\\012', '\\0', '\\461', '\\577', '\\\n', '\\\r\n', '\\\r', '\\N{DASH}', "\\'", '\\"',
  'SELECT', 'select', 'Select', 'INSERT', 'insert', 'INTO', 'OR', 'or', 'REPLACE', 'UPDATE', 'update', 'Update', 'SET', 'AS',
  'INDEXED', 'DELETE', 'delete', 'FROM', 'CREATE', 'Create', 'TABLE', 'unique', 'TEMP', 'VIEW', 'DROP', 'drop', 'ALTER',
  'PRAGMA', 'pragma', 'WITH', 'with', 'With', 'RECURSIVE', 'NOT', 'MATERIALIZED', 'EXPLAIN', 'QUERY', 'BEGIN', 'Begin',
  'COMMIT', 'END', 'end', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'release', 'ATTACH', 'DETACH', 'VACUUM', 'ANALYZE', 'analyze',
  'REINDEX', 'SEL', 'S', 'ECT', 'E', 'LECT', 'I', 'NS', 'D', 'EL', 'ſelect', 'ınsert', 'ſ', 'ı', 'the', 'self', 'x', 'foo_bar',
  'a1', '$x', 'é', '日本', '😀',
  'sqlite', 'sqlite3', 'SQLite', 'sql', 'ite', 'lite', 'aio', 'aiosqlite', '_sqlite3', '.db', '.DB', '.d', 'db', 'b', '3',
  'pgready', 'apsw', 'apswdatabase', 'executescript', 'iterdump', 'create_function', 'create_', 'set_trace_callback',
  'load_extension', 'execute', 'executemany', 'fetchone', 'fetch', 'all', 'many', 'import_module', '__import__', 'import',
  'importlib', 'from', 'sqlite:///x', 'app.db',
  '.', '(', ')', ',', ':', ';', '*', '/', '-', '--', '/*', '*/', '#', '# c\n', '{', '}', '{{', '[', ']', '%s', '?', '=', '+', '`',
];

/** Statements that read as SQL: the shapes whose refutations the screen ports must not refute them. */
const STATEMENTS = [
  'SELECT a FROM t', 'select * from t where a = ?', 'INSERT INTO t VALUES (?)', 'INSERT OR REPLACE INTO t (a) VALUES (1)',
  'REPLACE INTO t VALUES (1)', 'UPDATE t SET a = 1', 'UPDATE OR IGNORE t SET a = 1', 'UPDATE t AS x SET a = 1',
  'UPDATE t INDEXED BY i SET a = 1', 'UPDATE t NOT INDEXED SET a = 1', 'DELETE FROM t WHERE id = ?', 'CREATE TABLE t (a INTEGER)',
  'CREATE UNIQUE INDEX i ON t (a)', 'CREATE TEMP TABLE t (a)', 'CREATE VIRTUAL TABLE v USING fts5(a)', 'CREATE VIEW v AS SELECT 1',
  'CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT 1; END', 'DROP TABLE t', 'DROP INDEX i', 'ALTER TABLE t ADD COLUMN c',
  'PRAGMA foreign_keys = ON', 'PRAGMA main.journal_mode', 'WITH x AS (SELECT 1) SELECT * FROM x',
  'WITH RECURSIVE t(n) AS (SELECT 1) SELECT n FROM t', 'WITH x(a, b) AS (SELECT 1, 2) SELECT a FROM x',
  'WITH x AS NOT MATERIALIZED (SELECT 1) SELECT 1', 'WITH x AS MATERIALIZED (SELECT 1) SELECT 1', 'with "q" as (select 1) select 1',
  'EXPLAIN QUERY PLAN SELECT 1', 'EXPLAIN SELECT 1', 'BEGIN', 'BEGIN TRANSACTION', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT s',
  'RELEASE s', 'RELEASE SAVEPOINT s', 'ATTACH DATABASE ? AS a', 'DETACH a', 'VACUUM', 'ANALYZE', 'REINDEX', '-- c\\nSELECT 1',
  '/* c */ SELECT 1', 'SELECT {x} FROM t', 'INSERT INTO {table} VALUES (%s)', 'UPDATE {t} SET a = 1',
  '-- c\rSELECT a FROM t', '-- c\r\nSELECT a FROM t', '-- c\nSELECT a FROM t', '/* a */ /* b */ SELECT a FROM t',
  'x */ SELECT a FROM t', 'SEL', 'SELECT a FROM t -- c', 'SELECT a FROM %s', 'DELETE FROM %(t)s WHERE id = 1',
  'UPDATE %s SET a = 1', 'SELECT a FROM t WHERE b = %(b)s', 'SELECT a FROM t WHERE b = % s',
];
/** f-string fields: what the scanner models (brackets, format specs, nested literals) and what it does not (comments, escapes, quote reuse). */
const FIELDS = [
  '{x}', '{a["k"]}', "{a['k']}", '{x:>10}', '{x!r}', '{x:{w}}', '{"s"}', "{'SELECT a FROM t'}", '{x # c\n}', '{x\\n}',
  '{f(y)}', '{d[1:2]}', '{x:{{}}', '{', '}', '{{', '}}', '{x:"q"}', "{'''SELECT a FROM t'''}", '{rb"x"}', "{f'{y}'}",
];
/** What a statement is varied with: spaces and escapes where it has spaces, splits into adjacent literals, case, tokens. */
const SPACES = [' ', '  ', '\t', '\n', '\\n', '\\t', '\\r', '\\f', '\n\n', '\r', '\v', '\u00a0', '\\x20', '\\\n', '\\040'];
const GAPS = ['', ' ', '\n', ' \\\n ', ' # c\n ', '  r', ' f', ' b'];
const QUOTES = ["'", '"', "'''", '"""'];

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)]!;
}

/** A literal holding a statement, varied, in a line of code. */
function statementText(next: () => number): string {
  let sql = pick(next, STATEMENTS);
  const quote = pick(next, QUOTES);
  for (let m = Math.floor(next() * 4); m > 0; m--) {
    const at = Math.floor(next() * (sql.length + 1));
    const kind = next();
    if (kind < 0.3) {
      const space = sql.indexOf(' ', at);
      if (space >= 0) sql = sql.slice(0, space) + pick(next, SPACES) + sql.slice(space + 1);
    } else if (kind < 0.5) sql = sql.slice(0, at) + quote + pick(next, GAPS) + quote + sql.slice(at);
    else if (kind < 0.6) sql = next() < 0.5 ? sql.toLowerCase() : sql.toUpperCase();
    else if (kind < 0.7) sql = sql.replace(next() < 0.5 ? /S/ : /I/, (c) => (c === 'S' ? 'ſ' : 'ı'));
    else sql = sql.slice(0, at) + pick(next, TOKENS) + sql.slice(at);
  }
  if (next() < 0.3) {
    const at = Math.floor(next() * (sql.length + 1));
    sql = sql.slice(0, at) + pick(next, FIELDS) + sql.slice(at);
  }
  const lead = next() < 0.3 ? pick(next, SPACES) : '';
  const code = pick(next, [
    'x = ', 'cur.execute(', 'db.execute(', 'sql = ', '', 'with open(p) as f:\n    ', 'def f():\n    ', 'x = (', 'q(\n  ', 'd = {"k": [',
  ]);
  const tail = pick(next, ['', ')', '.format(x)', ' % x', ` ${quote}more${quote}`, '\n', ` + ${quote}x${quote}`]);
  return `${code}${pick(next, ['', 'r', 'f', 'b', 'u', 'rb', 'f', 'rf', 't'])}${quote}${lead}${sql}${quote}${tail}`;
}

/** A trigger split between adjacent literals (or by a backslash-newline), with an escape or a continuation elsewhere. */
function splitTriggerText(next: () => number): string {
  const word = pick(next, ['sqlite3', 'aiosqlite', 'app.db', 'pgready', 'sqlite:///x']);
  const at = 1 + Math.floor(next() * (word.length - 1));
  const quote = pick(next, QUOTES);
  const gap = pick(next, [`${quote} ${quote}`, `${quote}${quote}`, `${quote}\n${quote}`, `${quote} # c\n ${quote}`, '\\\n']);
  const call = pick(next, ['importlib.import_module(', '__import__(', 'x = (', 'load(']);
  const extra = pick(next, ['', "y = '\\x41'\n", 'y = 1 + \\\n 2\n', 'y = "SELECT a FROM t"\n']);
  return `${extra}${call}${quote}${word.slice(0, at)}${gap}${word.slice(at)}${quote})\n`;
}

function fuzzText(next: () => number): string {
  if (next() < 0.1) return splitTriggerText(next);
  if (next() < 0.5) return statementText(next);
  const n = 1 + Math.floor(next() * 24);
  let out = '';
  for (let i = 0; i < n; i++) out += pick(next, TOKENS);
  return out;
}

describe('the native screen', () => {
  it('reads every SQLite keyword as one, as the SQL tokenizer does', () => {
    // a keyword breaks a run of bare words in a select list (looksLikeSql): read as an
    // identifier, it would make three in a row and the statement no SQL
    const scr = screen();
    const differ = [...SQLITE_KEYWORDS].filter((k) => {
      const text = `x = "SELECT a b ${k} FROM t"\n`;
      return pythonMayHoldFactsScreened(text, scr(Buffer.from(text))) !== pythonMayHoldFacts(text);
    });
    expect(differ).toEqual([]);
  });

  it('gives the prefilter verdict on every Python file of the fixtures', () => {
    const { differ, read } = compare(pythonFiles('fixtures'), screen());
    expect(read).toBeGreaterThan(50);
    expect(differ).toEqual([]);
  });

  it('gives the prefilter verdict on every file of the Python standard library, and settles most of them alone', () => {
    const stdlib = execFileSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).trim();
    expect(existsSync(stdlib)).toBe(true);
    const { differ, settled, read } = compare(pythonFiles(stdlib, (rel) => rel === 'site-packages'), screen());
    expect(read).toBeGreaterThan(1000);
    expect(differ).toEqual([]);
    // a sparse corpus: nearly every file holds no trigger and no literal that reads as SQL (the first
    // level alone, without the literals read, settles about 80 % of the standard library)
    expect(settled).toBeGreaterThan(read * 0.95);
  }, 120_000);

  it('gives the prefilter verdict on texts made of what its checks turn on', () => {
    const scr = screen();
    const next = random(20261122);
    const differ: string[] = [];
    let passed = 0;
    for (let i = 0; i < 40_000 && differ.length < 5; i++) {
      const text = fuzzText(next);
      const expected = pythonMayHoldFacts(text);
      if (expected) passed++;
      if (pythonMayHoldFactsScreened(text, scr(Buffer.from(text, 'utf8'))) !== expected) differ.push(text);
    }
    expect(differ).toEqual([]);
    // the texts reach both verdicts
    expect(passed).toBeGreaterThan(1000);
    expect(passed).toBeLessThan(39_000);
  }, 120_000);

  it('leaves an audit as it is without it: the same files parsed, the same results', async () => {
    const cwd = join('fixtures', 'legacy-trading');
    const off = await auditWithEnv(cwd, 'PGREADY_SCREEN', 'off');
    const on = await auditWithEnv(cwd, 'PGREADY_SCREEN', undefined);
    expect(on.result.findings.length).toBeGreaterThan(100);
    expect(on.result).toEqual(off.result);
  }, 120_000);

  it('is left out when PGREADY_SCREEN=off asks for the prefilter alone', async () => {
    expect(await withEnv('PGREADY_SCREEN', 'off', () => nativeScreen())).toBeUndefined();
    expect(await withEnv('PGREADY_SCREEN', undefined, () => nativeScreen())).toBeDefined();
  });
});
