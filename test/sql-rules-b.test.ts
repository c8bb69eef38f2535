import { describe, expect, it } from 'vitest';
import { emptyFacts } from '../src/model/facts.js';
import type { Rule } from '../src/model/rule.js';
import { analyzeSql, sqlTextFixture } from '../src/sql/analyze.js';
import attachDatabase from '../rules/attach-database.js';
import beginMode from '../rules/begin-mode.js';
import collateNocase from '../rules/collate-nocase.js';
import columnConflictClause from '../rules/column-conflict-clause.js';
import doubleEquals from '../rules/double-equals.js';
import doubleQuotedString from '../rules/double-quoted-string.js';
import globOperator from '../rules/glob-operator.js';
import groupConcat from '../rules/group-concat.js';
import ifnull from '../rules/ifnull.js';
import iif from '../rules/iif.js';
import instr from '../rules/instr.js';
import isValueComparison from '../rules/is-value-comparison.js';
import likeCaseInsensitive from '../rules/like-case-insensitive.js';
import limitComma from '../rules/limit-comma.js';
import printf from '../rules/printf.js';
import rowidColumn from '../rules/rowid-column.js';
import sqliteTypeName from '../rules/sqlite-type-name.js';
import typeofRule from '../rules/typeof.js';

/** The hits of `rule` on the SQL texts, all checked; ranges index into the last text. */
function hits(rule: Rule, ...texts: string[]) {
  const facts = emptyFacts('example.py', 'python');
  facts.sqlStrings = texts.map((t) => sqlTextFixture(t));
  return rule.detect(facts);
}

/** The SQL text each hit covers. */
function found(rule: Rule, text: string): string[] {
  return hits(rule, text).map((h) => text.slice(h.range.start, h.range.end));
}

function messages(rule: Rule, text: string): string[] {
  return hits(rule, text).map((h) => h.message);
}

describe('SQL311 ifnull', () => {
  it('flags IFNULL calls with a COALESCE suggestion', () => {
    const sql = 'SELECT IFNULL(nick, name), ifnull(a,b) FROM users';
    expect(found(ifnull, sql)).toEqual(['IFNULL(nick, name)', 'ifnull(a,b)']);
    expect(messages(ifnull, sql)[0]).toBe('`IFNULL(nick, name)` is SQLite-only: PostgreSQL writes `COALESCE(nick, name)`');
  });
  it('ignores strings, columns, qualified names and table names', () => {
    expect(found(ifnull, "SELECT 'IFNULL(a, b)', ifnull_count, t.ifnull(1) FROM t")).toEqual([]);
    expect(found(ifnull, 'INSERT INTO ifnull (a) VALUES (1)')).toEqual([]);
    expect(found(ifnull, 'SELECT 1 -- IFNULL(a, b)')).toEqual([]);
  });
});

describe('SQL312 group-concat', () => {
  it('suggests STRING_AGG with the default separator, a cast and DISTINCT kept', () => {
    expect(messages(groupConcat, 'SELECT GROUP_CONCAT(tag) FROM tags')).toEqual([
      "`GROUP_CONCAT()` is SQLite-only: PostgreSQL writes `STRING_AGG(tag::text, ',')`",
    ]);
    expect(messages(groupConcat, "SELECT group_concat(DISTINCT t.tag, '; ') FROM tags t")).toEqual([
      "`group_concat()` is SQLite-only: PostgreSQL writes `STRING_AGG(DISTINCT t.tag::text, '; ')`",
    ]);
    expect(found(groupConcat, 'SELECT GROUP_CONCAT(a || b, ?) FROM t')).toEqual(['GROUP_CONCAT(a || b, ?)']);
    expect(messages(groupConcat, 'SELECT GROUP_CONCAT(a || b, ?) FROM t')).toEqual([
      '`GROUP_CONCAT()` is SQLite-only: PostgreSQL writes `STRING_AGG((a || b)::text, ?)`',
    ]);
  });
  it('ignores STRING_AGG and quoted text', () => {
    expect(found(groupConcat, "SELECT STRING_AGG(tag, ','), 'group_concat(x)' FROM tags")).toEqual([]);
  });
});

describe('SQL313 instr / SQL314 printf / SQL315 typeof / SQL327 iif', () => {
  it('flags the calls', () => {
    expect(messages(instr, "SELECT id FROM u WHERE INSTR(email, '@') > 0")).toEqual([
      "`INSTR(email, '@')` is SQLite-only: PostgreSQL writes `STRPOS(email, '@')`",
    ]);
    expect(found(printf, "SELECT printf('%05d', n), printf_mode FROM t")).toEqual(["printf('%05d', n)"]);
    expect(found(typeofRule, "SELECT id FROM t WHERE typeof(v) = 'text'")).toEqual(['typeof(v)']);
    expect(messages(iif, "SELECT iif(qty > 0, 'yes', 'no') FROM items")).toEqual([
      "`iif()` is SQLite-only: PostgreSQL writes `CASE WHEN qty > 0 THEN 'yes' ELSE 'no' END`",
    ]);
    expect(messages(iif, 'SELECT IIF(a, b) FROM t')).toEqual([
      '`IIF()` is SQLite-only: PostgreSQL writes `CASE WHEN a THEN b END`',
    ]);
  });
  it('ignores non-calls', () => {
    expect(found(instr, 'SELECT instr FROM t')).toEqual([]);
    expect(found(printf, "SELECT format('%s', a) FROM t")).toEqual([]);
    expect(found(typeofRule, 'SELECT pg_typeof(v), "typeof" FROM t')).toEqual([]);
    expect(found(iif, 'CREATE TABLE iif (a INTEGER)')).toEqual([]);
    expect(found(iif, 'CREATE INDEX i ON iif (a)')).toEqual([]);
    expect(found(iif, 'SELECT 1 FROM a JOIN b ON iif(a.x, 1, 0) = b.y')).toEqual(['iif(a.x, 1, 0)']);
  });
});

describe('SQL316 glob-operator', () => {
  it('flags the operator with a LIKE translation when the pattern allows one', () => {
    expect(messages(globOperator, "SELECT p FROM f WHERE p GLOB '*.tx?'")).toEqual([
      "`GLOB` is SQLite-only: PostgreSQL writes `LIKE '%.tx_'`",
    ]);
    expect(messages(globOperator, "SELECT p FROM f WHERE p NOT GLOB '[a-z]*'")).toEqual([
      '`NOT GLOB` is SQLite-only: PostgreSQL writes NOT LIKE with % and _ (case-sensitive) or a regex `~`',
    ]);
    expect(found(globOperator, 'SELECT p FROM f WHERE lower(p) GLOB ?')).toEqual(['GLOB']);
    expect(found(globOperator, "SELECT glob('a*', p) FROM f")).toEqual(["glob('a*', p)"]);
  });
  it('ignores a column named glob and quoted text', () => {
    expect(found(globOperator, "SELECT glob, 'x GLOB y' FROM f")).toEqual([]);
  });
});

describe('SQL317 rowid-column', () => {
  it('flags rowid, oid and _rowid_ used as columns', () => {
    expect(found(rowidColumn, 'SELECT rowid, t.oid FROM t WHERE _ROWID_ = ? ORDER BY rowid')).toEqual([
      'rowid',
      'oid',
      '_ROWID_',
      'rowid',
    ]);
  });
  it('ignores look-alikes, strings, WITHOUT ROWID, aliases and declared columns', () => {
    expect(found(rowidColumn, "SELECT rowid_count, 'rowid', \"rowid\" FROM t")).toEqual([]);
    expect(found(rowidColumn, 'CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID')).toEqual([]);
    expect(found(rowidColumn, 'SELECT id AS rowid FROM t')).toEqual([]);
    expect(found(rowidColumn, 'SELECT oid.a FROM orders oid')).toEqual([]);
    expect(hits(rowidColumn, 'CREATE TABLE orders (oid INTEGER PRIMARY KEY)', 'SELECT oid FROM orders')).toEqual([]);
  });
});

describe('SQL318 limit-comma', () => {
  it('flags LIMIT a, b with the swapped rewrite', () => {
    const sql = 'SELECT id FROM posts LIMIT 20, 10';
    expect(found(limitComma, sql)).toEqual(['LIMIT 20, 10']);
    expect(messages(limitComma, sql)).toEqual([
      '`LIMIT 20, 10` puts the offset first, which PostgreSQL rejects: write `LIMIT 10 OFFSET 20`',
    ]);
    expect(found(limitComma, 'SELECT id FROM p LIMIT (? - 1) * ?, ?;')).toEqual(['LIMIT (? - 1) * ?, ?']);
  });
  it('ignores LIMIT … OFFSET and commas after a subquery', () => {
    expect(found(limitComma, 'SELECT id FROM posts LIMIT 10 OFFSET 5')).toEqual([]);
    expect(found(limitComma, 'SELECT (SELECT x FROM t LIMIT 1), y FROM u')).toEqual([]);
    expect(found(limitComma, 'SELECT id FROM p LIMIT max(1, ?)')).toEqual([]);
  });
});

describe('SQL319 begin-mode / SQL320 attach-database', () => {
  it('flags locking modes at statement start only', () => {
    expect(found(beginMode, 'BEGIN IMMEDIATE')).toEqual(['BEGIN IMMEDIATE']);
    expect(found(beginMode, 'begin exclusive transaction')).toEqual(['begin exclusive']);
    expect(messages(beginMode, 'BEGIN DEFERRED')).toEqual([
      '`BEGIN DEFERRED` is a SQLite locking mode that PostgreSQL rejects: write plain `BEGIN`',
    ]);
    expect(found(beginMode, 'BEGIN')).toEqual([]);
    expect(found(beginMode, 'BEGIN TRANSACTION')).toEqual([]);
  });
  it('flags ATTACH and DETACH statements', () => {
    expect(found(attachDatabase, "ATTACH DATABASE 'a.db' AS a; DETACH a")).toEqual(['ATTACH DATABASE', 'DETACH']);
    expect(found(attachDatabase, "SELECT 'ATTACH DATABASE' FROM t")).toEqual([]);
  });
});

describe('SQL321 collate-nocase / SQL322 column-conflict-clause', () => {
  it('flags SQLite collations', () => {
    expect(found(collateNocase, 'CREATE TABLE u (e TEXT COLLATE NOCASE, f TEXT COLLATE rtrim)')).toEqual([
      'COLLATE NOCASE',
      'COLLATE rtrim',
    ]);
    expect(found(collateNocase, 'SELECT a FROM t ORDER BY a COLLATE "C"')).toEqual([]);
  });
  it('flags constraint conflict clauses but not upserts', () => {
    expect(
      found(columnConflictClause, 'CREATE TABLE p (s TEXT UNIQUE ON CONFLICT REPLACE, n INT NOT NULL ON CONFLICT IGNORE)'),
    ).toEqual(['ON CONFLICT REPLACE', 'ON CONFLICT IGNORE']);
    expect(found(columnConflictClause, 'INSERT INTO p (s) VALUES (?) ON CONFLICT (s) DO UPDATE SET n = excluded.n')).toEqual([]);
    expect(found(columnConflictClause, 'INSERT INTO p (s) VALUES (?) ON CONFLICT DO NOTHING')).toEqual([]);
  });
});

describe('SQL323 double-quoted-string', () => {
  it('flags values in comparisons, lists, rows, defaults and literal arguments', () => {
    const sql =
      'SELECT CASE WHEN a THEN "yes" ELSE "no" END FROM t ' +
      'WHERE status = "open" AND kind IN ("a", "b") AND name LIKE "%x%" AND replace(code, "-", "") <> ""';
    expect(found(doubleQuotedString, sql)).toEqual(['"yes"', '"no"', '"open"', '"a"', '"b"', '"%x%"', '"-"', '""', '""']);
    expect(found(doubleQuotedString, 'INSERT INTO t (a, b) VALUES ("x", 1), (?, "y")')).toEqual(['"x"', '"y"']);
    expect(found(doubleQuotedString, 'CREATE TABLE t (s TEXT DEFAULT "new")')).toEqual(['"new"']);
    expect(found(doubleQuotedString, 'SELECT datetime("now"), strftime("%Y", ts) FROM t')).toEqual(['"now"', '"%Y"']);
    expect(messages(doubleQuotedString, 'SELECT 1 FROM t WHERE s = "it\'s"')).toEqual([
      "`\"it's\"` is used as a string, which SQLite tolerates but PostgreSQL reads as a column name: write `'it''s'`",
    ]);
  });
  it('leaves identifiers alone', () => {
    expect(found(doubleQuotedString, 'SELECT "name" FROM "users" ORDER BY "name"')).toEqual([]);
    expect(found(doubleQuotedString, 'CREATE TABLE "t" ("id" INTEGER, "name" TEXT)')).toEqual([]);
    expect(found(doubleQuotedString, 'INSERT INTO "t" ("a", "b") VALUES (?, ?)')).toEqual([]);
    expect(found(doubleQuotedString, 'SELECT 1 FROM a JOIN b ON a."id" = "b"."a_id"')).toEqual([]);
    expect(found(doubleQuotedString, 'SELECT 1 FROM t WHERE "userId" = "createdBy"')).toEqual([]);
    expect(found(doubleQuotedString, 'UPDATE "t" SET "status" = "archived"')).toEqual([]);
    expect(found(doubleQuotedString, 'SELECT lower("firstName"), count("id") FROM t')).toEqual([]);
    expect(found(doubleQuotedString, 'SELECT 1 FROM t WHERE x IN (SELECT "id" FROM u)')).toEqual([]);
    expect(found(doubleQuotedString, "SELECT '\"quoted\"' FROM t WHERE a = 'b'")).toEqual([]);
  });
  it('reports ambiguous spots only when the word cannot be a plain name there', () => {
    expect(found(doubleQuotedString, 'SELECT coalesce(nick, "n/a"), coalesce(nick, "unknown") FROM t')).toEqual([
      '"n/a"',
      '"unknown"',
    ]);
    expect(found(doubleQuotedString, 'SELECT "nick", coalesce(nick, "unknown") FROM t')).toEqual([]);
    expect(found(doubleQuotedString, 'SELECT "a" FROM t WHERE "a" = "x y/z"')).toEqual(['"x y/z"']);
  });
});

describe('SQL324 double-equals', () => {
  it('flags == only', () => {
    expect(found(doubleEquals, "SELECT 1 FROM t WHERE a == 1 AND b = 2 AND c != 3 AND d = '=='")).toEqual(['==']);
  });
});

describe('SQL325 sqlite-type-name', () => {
  it('flags SQLite-only and differently sized types in column definitions', () => {
    const sql =
      'CREATE TABLE IF NOT EXISTS fills (id INTEGER PRIMARY KEY, px REAL NOT NULL, at DATETIME, raw BLOB, ' +
      'n TINYINT, big UNSIGNED BIG INT, name NVARCHAR(80), legacy INT(11), ok INTEGER, price NUMERIC(10, 2), ' +
      'real_value TEXT, x8 INT8, d DOUBLE, dp DOUBLE PRECISION, flag BOOLEAN DEFAULT 0, untyped, ' +
      'PRIMARY KEY (id))';
    expect(found(sqliteTypeName, sql)).toEqual([
      'REAL',
      'DATETIME',
      'BLOB',
      'TINYINT',
      'UNSIGNED BIG INT',
      'NVARCHAR(80)',
      'INT(11)',
      'DOUBLE',
      'DEFAULT 0',
      'untyped',
    ]);
    const msgs = messages(sqliteTypeName, sql);
    expect(msgs[0]).toBe('`REAL` (column `px`) is a 4-byte float in PostgreSQL (8 bytes in SQLite): use DOUBLE PRECISION');
    expect(msgs[5]).toBe('`NVARCHAR(80)` (column `name`) is not a PostgreSQL type: use VARCHAR(80)');
    expect(msgs[8]).toBe(
      '`DEFAULT 0` on BOOLEAN column `flag` is an integer, which PostgreSQL rejects for a boolean: use DEFAULT false',
    );
    expect(msgs[9]).toBe(
      'column `untyped` has no type, which PostgreSQL requires: declare one (SQLite lets it hold any value)',
    );
  });
  it('checks ALTER TABLE ADD COLUMN and CAST targets', () => {
    expect(found(sqliteTypeName, 'ALTER TABLE t ADD COLUMN amount REAL DEFAULT 0')).toEqual(['REAL']);
    expect(found(sqliteTypeName, 'ALTER TABLE t ADD note CLOB')).toEqual(['CLOB']);
    expect(found(sqliteTypeName, 'SELECT CAST(px AS REAL), CAST(n AS INTEGER), real_value FROM t')).toEqual(['REAL']);
  });
  it('ignores virtual tables, CREATE TABLE AS and non-type words', () => {
    expect(found(sqliteTypeName, 'CREATE VIRTUAL TABLE docs USING fts5(title, body)')).toEqual([]);
    expect(found(sqliteTypeName, 'CREATE TABLE t2 AS SELECT real, blob FROM t')).toEqual([]);
    expect(found(sqliteTypeName, 'SELECT real_value, blob_size FROM t WHERE kind = \'REAL\'')).toEqual([]);
    expect(found(sqliteTypeName, 'CREATE TABLE t (flag BOOLEAN DEFAULT false, id INTEGER REFERENCES u (id))')).toEqual([]);
  });
});

describe('SQL326 like-case-insensitive', () => {
  it('flags LIKE and NOT LIKE as info', () => {
    expect(likeCaseInsensitive.severity).toBe('info');
    expect(found(likeCaseInsensitive, "SELECT 1 FROM t WHERE a LIKE ? OR b NOT LIKE 'x%'")).toEqual(['LIKE', 'LIKE']);
    expect(messages(likeCaseInsensitive, "SELECT 1 FROM t WHERE b NOT LIKE 'x%'")).toEqual([
      '`NOT LIKE` ignores ASCII case in SQLite but not in PostgreSQL: write `NOT ILIKE` (or compare `lower()` values) to keep matching the same rows',
    ]);
  });
  it('ignores patterns without letters and text that is not the operator', () => {
    expect(found(likeCaseInsensitive, "SELECT 1 FROM t WHERE d LIKE '2024-%' AND e LIKE '%é%'")).toEqual([]);
    expect(found(likeCaseInsensitive, "SELECT 'a LIKE b' FROM t")).toEqual([]);
    expect(found(likeCaseInsensitive, "SELECT 1 FROM t WHERE d LIKE '2024-%' || ?")).toEqual(['LIKE']);
    expect(hits(likeCaseInsensitive, 'PRAGMA case_sensitive_like = ON', 'SELECT 1 FROM t WHERE a LIKE ?')).toEqual([]);
    expect(hits(likeCaseInsensitive, 'PRAGMA case_sensitive_like = 0', 'SELECT 1 FROM t WHERE a LIKE ?')).toHaveLength(1);
  });
});

describe('SQL328 is-value-comparison', () => {
  it('flags IS / IS NOT before a value', () => {
    expect(found(isValueComparison, 'SELECT 1 FROM t WHERE a IS ? AND b IS NOT :b AND c IS d')).toEqual([
      'IS',
      'IS NOT',
      'IS',
    ]);
    expect(messages(isValueComparison, 'SELECT 1 FROM t WHERE b IS NOT :b')).toEqual([
      "`IS NOT :b` compares values, which PostgreSQL's IS cannot: write `IS DISTINCT FROM :b`",
    ]);
    expect(messages(isValueComparison, 'SELECT 1 FROM t WHERE a IS ?')).toEqual([
      "`IS ?` compares values, which PostgreSQL's IS cannot: write `IS NOT DISTINCT FROM ?`",
    ]);
  });
  it('accepts what PostgreSQL accepts', () => {
    expect(
      found(
        isValueComparison,
        'SELECT 1 FROM t WHERE a IS NULL AND b IS NOT NULL AND c IS TRUE AND d IS NOT FALSE AND e IS DISTINCT FROM f AND g IS NOT DISTINCT FROM ? AND h IS UNKNOWN',
      ),
    ).toEqual([]);
    expect(found(isValueComparison, "SELECT 'a IS b' FROM t WHERE x ISNULL")).toEqual([]);
  });
});

describe('edge cases', () => {
  it('shows run-time holes as … in messages', () => {
    const text = 'SELECT id FROM p LIMIT __pgready_hole__, __pgready_hole__';
    const sql = analyzeSql({ ...sqlTextFixture(text), holes: [{ start: 23, end: 39 }, { start: 41, end: 57 }] });
    const facts = emptyFacts('example.py', 'python');
    facts.sqlStrings = [sql];
    expect(limitComma.detect(facts).map((h) => h.message)).toEqual([
      '`LIMIT …, …` puts the offset first, which PostgreSQL rejects: write `LIMIT … OFFSET …`',
    ]);
  });
  it('skips prose that is never executed, but checks unexecuted statements', () => {
    const facts = emptyFacts('example.py', 'python');
    facts.sqlStrings = [
      sqlTextFixture('Names you might like', { executed: false }),
      sqlTextFixture("SELECT id FROM t WHERE name LIKE 'a%'", { executed: false }),
    ];
    expect(likeCaseInsensitive.detect(facts).map((h) => h.range)).toEqual([{ start: 28, end: 32 }]);
  });
  it('renders names and keeps case in messages', () => {
    expect(messages(isValueComparison, 'SELECT 1 FROM a JOIN b ON a.code IS b.code')).toEqual([
      "`IS b.code` compares values, which PostgreSQL's IS cannot: write `IS NOT DISTINCT FROM b.code`",
    ]);
    expect(messages(isValueComparison, 'SELECT 1 FROM a WHERE x IS lower(y)')).toEqual([
      "`IS …` compares values, which PostgreSQL's IS cannot: write `IS NOT DISTINCT FROM …`",
    ]);
    expect(messages(groupConcat, 'SELECT group_concat(t.tag) FROM t')).toEqual([
      "`group_concat()` is SQLite-only: PostgreSQL writes `STRING_AGG(t.tag::text, ',')`",
    ]);
    expect(messages(beginMode, 'begin exclusive')[0]).toMatch(/^`begin exclusive` is a SQLite locking mode/);
  });
  it('shows holes inside double quotes as …', () => {
    const text = 'SELECT id FROM t WHERE name = "__pgready_hole__"';
    const sql = analyzeSql({ ...sqlTextFixture(text), holes: [{ start: 31, end: 47 }] });
    const facts = emptyFacts('example.py', 'python');
    facts.sqlStrings = [sql];
    expect(doubleQuotedString.detect(facts).map((h) => h.message)).toEqual([
      "`\"…\"` is used as a string, which SQLite tolerates but PostgreSQL reads as a column name: write `'…'`",
    ]);
  });
  it('needs AS for ATTACH and skips PRAGMA values', () => {
    expect(found(attachDatabase, "ATTACH 'x.db' AS x")).toEqual(['ATTACH']);
    expect(found(attachDatabase, 'ATTACH DATABASE')).toEqual([]);
    expect(found(doubleQuotedString, 'PRAGMA journal_mode = "WAL"')).toEqual([]);
  });
  it('reads more column definitions', () => {
    expect(
      found(
        sqliteTypeName,
        'CREATE TABLE "t" (a INTEGER(11), b INTEGER UNSIGNED, c REFERENCES u (id), d VARCHAR(10), e TEXT, FOREIGN KEY (c) REFERENCES u (id))',
      ),
    ).toEqual(['INTEGER(11)', 'INTEGER UNSIGNED', 'c']);
    expect(found(sqliteTypeName, 'CREATE TEMP TABLE main.t (px real, n INT2)')).toEqual(['real', 'INT2']);
    expect(found(globOperator, 'CREATE TABLE g (glob TEXT, like TEXT)')).toEqual([]);
    expect(found(likeCaseInsensitive, 'CREATE TABLE g (glob TEXT, like TEXT)')).toEqual([]);
  });
  it('finds rowid inside trigger bodies and INSERT column lists', () => {
    expect(found(rowidColumn, 'INSERT INTO t (rowid, a) VALUES (1, 2)')).toEqual(['rowid']);
    expect(
      found(rowidColumn, 'CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = 1 WHERE rowid = NEW.rowid; END'),
    ).toEqual(['rowid', 'rowid']);
  });
});

describe('metadata', () => {
  it('keeps ids, names and the category straight', () => {
    const rules = [
      ifnull, groupConcat, instr, printf, typeofRule, globOperator, rowidColumn, limitComma, beginMode,
      attachDatabase, collateNocase, columnConflictClause, doubleQuotedString, doubleEquals, sqliteTypeName,
      likeCaseInsensitive, iif, isValueComparison,
    ];
    expect(rules.map((r) => `${r.id} ${r.name}`)).toEqual([
      'SQL311 ifnull', 'SQL312 group-concat', 'SQL313 instr', 'SQL314 printf', 'SQL315 typeof',
      'SQL316 glob-operator', 'SQL317 rowid-column', 'SQL318 limit-comma', 'SQL319 begin-mode',
      'SQL320 attach-database', 'SQL321 collate-nocase', 'SQL322 column-conflict-clause',
      'SQL323 double-quoted-string', 'SQL324 double-equals', 'SQL325 sqlite-type-name',
      'SQL326 like-case-insensitive', 'SQL327 iif', 'SQL328 is-value-comparison',
    ]);
    for (const r of rules) expect(r.category).toBe('sqlite-sql');
  });
});
