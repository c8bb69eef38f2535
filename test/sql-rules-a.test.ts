import { describe, expect, it } from 'vitest';
import { emptyFacts, type SqlString } from '../src/model/facts.js';
import type { Rule } from '../src/model/rule.js';
import { sqlTextFixture } from '../src/sql/analyze.js';
import { HOLE_TEXT, SqlBuilder } from '../src/sql/map.js';
import autoincrement from '../rules/autoincrement.js';
import conflictResolutionClause from '../rules/conflict-resolution-clause.js';
import dateTimeFunction from '../rules/date-time-function.js';
import dynamicSql from '../rules/dynamic-sql.js';
import insertOrIgnore from '../rules/insert-or-ignore.js';
import insertOrReplace from '../rules/insert-or-replace.js';
import integerPrimaryKey from '../rules/integer-primary-key.js';
import lastInsertRowid from '../rules/last-insert-rowid.js';
import namedPlaceholder from '../rules/named-placeholder.js';
import numberedPlaceholder from '../rules/numbered-placeholder.js';
import pragma from '../rules/pragma.js';
import qmarkPlaceholder from '../rules/qmark-placeholder.js';
import sqliteSchemaTable from '../rules/sqlite-schema-table.js';
import withoutRowid from '../rules/without-rowid.js';

/** [found SQL text, message] of every hit of `rule` on one SQL string (file offsets = SQL offsets). */
function hits(rule: Rule, text: string, opts: { executed?: boolean } = {}): [string, string][] {
  const facts = emptyFacts('x.py', 'python');
  facts.sqlStrings.push(sqlTextFixture(text, opts));
  return rule.detect(facts).map((h) => [text.slice(h.range.start, h.range.end), h.message]);
}

/** Only the found texts. */
function found(rule: Rule, text: string, opts: { executed?: boolean } = {}): string[] {
  return hits(rule, text, opts).map(([t]) => t);
}

describe('SQL201 qmark-placeholder', () => {
  it('flags each `?` with its file range', () => {
    const facts = emptyFacts('x.py', 'python');
    facts.sqlStrings.push(sqlTextFixture("SELECT '?' FROM t WHERE a = ? AND b = ? -- ?"));
    expect(qmarkPlaceholder.detect(facts)).toEqual([
      { range: { start: 28, end: 29 }, message: "`?` placeholder is SQLite's qmark style; PostgreSQL: `%s` (psycopg) or `$n` (asyncpg)" },
      { range: { start: 38, end: 39 }, message: "`?` placeholder is SQLite's qmark style; PostgreSQL: `%s` (psycopg) or `$n` (asyncpg)" },
    ]);
  });

  it('only in executed SQL, and not `?NNN`', () => {
    expect(found(qmarkPlaceholder, 'SELECT a FROM t WHERE b = ?', { executed: false })).toEqual([]);
    expect(found(qmarkPlaceholder, 'SELECT a FROM t WHERE b = ?1')).toEqual([]);
    expect(found(qmarkPlaceholder, 'SELECT a FROM t WHERE b = %s')).toEqual([]);
  });
});

describe('SQL202 numbered-placeholder', () => {
  it('flags `?NNN` with the PostgreSQL number', () => {
    expect(hits(numberedPlaceholder, 'SELECT a FROM t WHERE b = ?12 OR c = ?')).toEqual([
      ['?12', '`?12` numbered placeholder is SQLite-only; PostgreSQL: `$12` (asyncpg) or `%s` in order (psycopg)'],
    ]);
    expect(found(numberedPlaceholder, "SELECT '?1' FROM t", {})).toEqual([]);
    expect(found(numberedPlaceholder, 'SELECT ?1', { executed: false })).toEqual([]);
  });
});

describe('SQL203 named-placeholder', () => {
  it('flags :name, @name and $name', () => {
    expect(hits(namedPlaceholder, 'UPDATE t SET a = :a, b = @b, c = $c WHERE d = ?')).toEqual([
      [':a', "`:a` named placeholder is SQLite's style; PostgreSQL: `%(a)s` (psycopg) or `$n` (asyncpg)"],
      ['@b', "`@b` named placeholder is SQLite's style; PostgreSQL: `%(b)s` (psycopg) or `$n` (asyncpg)"],
      ['$c', "`$c` named placeholder is SQLite's style; PostgreSQL: `%(c)s` (psycopg) or `$n` (asyncpg)"],
    ]);
  });

  it('not a PostgreSQL cast, psycopg style, or quoted text', () => {
    expect(found(namedPlaceholder, "SELECT a::text, ':b', %(c)s FROM t -- :d")).toEqual([]);
    expect(found(namedPlaceholder, 'SELECT :a', { executed: false })).toEqual([]);
  });
});

describe('SQL210 dynamic-sql', () => {
  function dynamic(kind: SqlString['dynamicKind'], executed = true): SqlString {
    const b = new SqlBuilder();
    b.verbatim('SELECT * FROM ', 2);
    b.hole(16, 23);
    const sql = sqlTextFixture(b.text, { executed });
    sql.map = b.map;
    sql.holes = b.holes;
    sql.range = { start: 0, end: 24 };
    sql.isDynamic = true;
    if (kind) sql.dynamicKind = kind;
    return sql;
  }

  it('flags each dynamic executed SqlString at its own range, once', () => {
    const facts = emptyFacts('x.py', 'python');
    facts.sqlStrings.push(dynamic('f-string'), dynamic('f-string'), sqlTextFixture('SELECT 1'), dynamic('format', false));
    expect(dynamicSql.detect(facts)).toEqual([
      {
        range: { start: 0, end: 24 },
        message:
          'SQL built at run time with an f-string cannot be checked or rewritten; PostgreSQL: pass values as parameters (`%s`), compose identifiers with `psycopg.sql`',
      },
    ]);
  });

  it('names every kind', () => {
    const kinds: SqlString['dynamicKind'][] = ['format', 'percent', 'concat', 'join', 'template', undefined];
    const messages = kinds.map((k) => {
      const facts = emptyFacts('x.py', 'python');
      facts.sqlStrings.push(dynamic(k));
      return dynamicSql.detect(facts)[0]!.message.split(' cannot')[0];
    });
    expect(messages).toEqual([
      'SQL built at run time with `str.format()`',
      'SQL built at run time with `%` formatting',
      'SQL built at run time with `+` concatenation',
      'SQL built at run time with `join()`',
      'SQL built at run time with a template literal',
      'SQL built at run time with run-time values',
    ]);
    expect(HOLE_TEXT.length).toBe(16);
  });
});

describe('SQL301 insert-or-replace', () => {
  it('flags INSERT OR REPLACE and statement REPLACE INTO, not replace()', () => {
    expect(hits(insertOrReplace, "insert or replace into t values (1); REPLACE INTO t SELECT replace(a, 'x', 'y') FROM u")).toEqual([
      ['insert or replace', '`INSERT OR REPLACE` is SQLite-only; PostgreSQL: `INSERT … ON CONFLICT (key) DO UPDATE SET col = EXCLUDED.col`'],
      ['REPLACE INTO', '`REPLACE INTO` is SQLite-only; PostgreSQL: `INSERT … ON CONFLICT (key) DO UPDATE SET col = EXCLUDED.col`'],
    ]);
  });

  it('looks at unexecuted SQL only when it is clearly SQL', () => {
    expect(found(insertOrReplace, 'INSERT OR REPLACE INTO t (a) VALUES (?)', { executed: false })).toEqual(['INSERT OR REPLACE']);
    expect(found(insertOrReplace, 'Insert or replace the cartridge', { executed: false })).toEqual([]);
    expect(found(insertOrReplace, "SELECT 'INSERT OR REPLACE' FROM t")).toEqual([]);
    expect(found(insertOrReplace, 'INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = excluded.a')).toEqual([]);
  });
});

describe('SQL302 insert-or-ignore', () => {
  it('flags INSERT OR IGNORE across whitespace and comments', () => {
    expect(hits(insertOrIgnore, 'INSERT OR\n  /* keep */ IGNORE INTO t VALUES (?)')).toEqual([
      ['INSERT OR\n  /* keep */ IGNORE', '`INSERT OR IGNORE` is SQLite-only; PostgreSQL: `INSERT … ON CONFLICT DO NOTHING`'],
    ]);
    expect(found(insertOrIgnore, 'INSERT INTO t VALUES (?) ON CONFLICT DO NOTHING')).toEqual([]);
    expect(found(insertOrIgnore, 'UPDATE OR IGNORE t SET a = 1')).toEqual([]);
  });
});

describe('SQL303 conflict-resolution-clause', () => {
  it('flags INSERT OR ABORT|FAIL|ROLLBACK and UPDATE OR anything', () => {
    expect(hits(conflictResolutionClause, 'INSERT OR FAIL INTO t VALUES (1); update or replace t set a = 1; INSERT OR IGNORE INTO t VALUES (2)')).toEqual([
      ['INSERT OR FAIL', '`INSERT OR FAIL` is SQLite-only; PostgreSQL: a plain `INSERT` with explicit error handling'],
      ['update or replace', '`UPDATE OR REPLACE` is SQLite-only; PostgreSQL: a plain `UPDATE` with explicit error handling'],
    ]);
    expect(found(conflictResolutionClause, 'INSERT OR ROLLBACK INTO t VALUES (1); INSERT OR ABORT INTO t VALUES (1)')).toEqual([
      'INSERT OR ROLLBACK',
      'INSERT OR ABORT',
    ]);
    expect(found(conflictResolutionClause, 'UPDATE t SET a = 1 WHERE b = 2 OR c = 3')).toEqual([]);
  });
});

describe('SQL304 autoincrement', () => {
  it('flags the keyword only', () => {
    expect(hits(autoincrement, 'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, "autoincrement" TEXT, n_autoincrement INT)')).toEqual([
      ['AUTOINCREMENT', '`AUTOINCREMENT` is SQLite-only; PostgreSQL: `BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY`'],
    ]);
  });
});

describe('SQL305 integer-primary-key', () => {
  const msg = (c: string) =>
    `\`${c} INTEGER PRIMARY KEY\` is SQLite's auto-assigned rowid alias; PostgreSQL: \`${c} BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY\``;

  it('flags a column INTEGER PRIMARY KEY and a single-column table key on an INTEGER column', () => {
    expect(hits(integerPrimaryKey, 'CREATE TABLE t (id integer NOT NULL PRIMARY KEY ASC, name TEXT)')).toEqual([
      ['integer NOT NULL PRIMARY KEY', msg('id')],
    ]);
    expect(hits(integerPrimaryKey, 'CREATE TABLE t ("Id" INTEGER, name TEXT, CONSTRAINT pk PRIMARY KEY ("Id"))')).toEqual([
      ['PRIMARY KEY ("Id")', msg('Id')],
    ]);
  });

  it('not with AUTOINCREMENT, another type, DESC, a composite key or WITHOUT ROWID', () => {
    const notFlagged = [
      'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)',
      'CREATE TABLE t (id INT PRIMARY KEY)',
      'CREATE TABLE t (id BIGINT PRIMARY KEY)',
      'CREATE TABLE t (id INTEGER(8) PRIMARY KEY)',
      'CREATE TABLE t (id INTEGER PRIMARY KEY DESC)',
      'CREATE TABLE t (a INTEGER, b INTEGER, PRIMARY KEY (a, b))',
      'CREATE TABLE t (a TEXT, PRIMARY KEY (a))',
      'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT) WITHOUT ROWID',
      'CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)',
      "SELECT 'id INTEGER PRIMARY KEY' FROM t",
    ];
    for (const text of notFlagged) expect(found(integerPrimaryKey, text), text).toEqual([]);
  });
});

describe('SQL306 without-rowid', () => {
  it('flags WITHOUT ROWID and STRICT table options', () => {
    expect(hits(withoutRowid, 'CREATE TABLE t (k TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;')).toEqual([
      ['STRICT', '`STRICT` is a SQLite-only table option; PostgreSQL: drop it (column types are always enforced)'],
      ['WITHOUT ROWID', '`WITHOUT ROWID` is a SQLite-only table option; PostgreSQL: drop it (tables have no rowid)'],
    ]);
  });

  it('not a column named strict, nor the words in a string', () => {
    expect(found(withoutRowid, "CREATE TABLE t (strict INTEGER, note TEXT DEFAULT 'WITHOUT ROWID'); SELECT strict FROM t")).toEqual([]);
  });
});

describe('SQL307 pragma', () => {
  it('flags each PRAGMA statement with what replaces it', () => {
    expect(hits(pragma, 'PRAGMA foreign_keys = ON; pragma main.table_info(users); PRAGMA journal_mode=WAL; PRAGMA odd_one')).toEqual([
      ['PRAGMA foreign_keys = ON', '`PRAGMA foreign_keys` is SQLite-only; PostgreSQL: delete it (foreign keys are always enforced; clean orphan rows before loading)'],
      ['pragma main.table_info(users)', '`PRAGMA table_info` is SQLite-only; PostgreSQL: query `information_schema.columns`'],
      ['PRAGMA journal_mode=WAL', '`PRAGMA journal_mode` is SQLite-only; PostgreSQL: delete it (storage, caching and locking are server settings in PostgreSQL)'],
      ['PRAGMA odd_one', '`PRAGMA odd_one` is SQLite-only; PostgreSQL: no equivalent; delete it or use a server setting'],
    ]);
  });

  it('not in strings or identifiers', () => {
    expect(found(pragma, "SELECT 'PRAGMA foreign_keys = ON', pragma_value FROM settings")).toEqual([]);
  });
});

describe('SQL308 sqlite-schema-table', () => {
  it('flags the internal tables, plain, qualified or quoted', () => {
    expect(hits(sqliteSchemaTable, 'SELECT name FROM main.sqlite_master UNION SELECT name FROM "sqlite_sequence" UNION SELECT tbl FROM SQLITE_STAT1')).toEqual([
      ['sqlite_master', "`sqlite_master` is SQLite's internal table; PostgreSQL: `information_schema.tables` (or `pg_catalog.pg_class`)"],
      ['"sqlite_sequence"', "`sqlite_sequence` is SQLite's internal table; PostgreSQL: `pg_sequences`, or `pg_get_serial_sequence()` with `setval()`"],
      ['SQLITE_STAT1', "`SQLITE_STAT1` is SQLite's internal table; PostgreSQL: `pg_stats`"],
    ]);
    expect(found(sqliteSchemaTable, 'SELECT sql FROM sqlite_schema; SELECT 1 FROM sqlite_temp_master')).toEqual(['sqlite_schema', 'sqlite_temp_master']);
  });

  it('not a value or a longer name', () => {
    expect(found(sqliteSchemaTable, "DELETE FROM seq WHERE name = 'sqlite_sequence' AND sqlite_master_id = 1")).toEqual([]);
  });
});

describe('SQL309 date-time-function', () => {
  const equivalents: [string, string][] = [
    ["datetime('now')", "`now() AT TIME ZONE 'UTC'`"],
    ["DATETIME('now', 'localtime')", '`LOCALTIMESTAMP`'],
    ["datetime(ts, 'unixepoch')", '`to_timestamp(ts)`'],
    ["datetime(created, '-7 days')", "`created::timestamp - INTERVAL '7 days'`"],
    ["date('now')", '`CURRENT_DATE`'],
    ['date(created)', '`created::date`'],
    ["date('now', 'start of month', '+1 month')", "`(date_trunc('month', now() AT TIME ZONE 'UTC') + INTERVAL '1 month')::date`"],
    ["time('now')", '`CURRENT_TIME`'],
    ['julianday(a)', '`extract(epoch FROM a::timestamp) / 86400.0 + 2440587.5`'],
    ["strftime('%Y-%m-%dT%H:%M:%S', ts)", "`to_char(ts::timestamp, 'YYYY-MM-DD\"T\"HH24:MI:SS')`"],
    ["strftime('%s', 'now')", '`extract(epoch FROM now())::bigint`'],
    ["strftime('%w', ts)", "`to_char(ts::timestamp, …)` with to_char's format codes"],
    ['unixepoch()', '`extract(epoch FROM now())::bigint`'],
    ['timediff(a, b)', '`a::timestamp - b::timestamp` (an interval)'],
    ["datetime(x, 'weekday 0')", "timestamp arithmetic such as `x + INTERVAL '1 day'` or `date_trunc('month', x)`"],
  ];
  for (const [call, equivalent] of equivalents) {
    it(call, () => {
      expect(hits(dateTimeFunction, `SELECT ${call} FROM t`)).toEqual([
        [call, `\`${call}\` is SQLite's date/time function; PostgreSQL: ${equivalent}`],
      ]);
    });
  }

  it('not a qualified name, a column, a sized type, or text', () => {
    expect(found(dateTimeFunction, "SELECT t.date(x), date, 'datetime(1)' FROM t -- date('now')")).toEqual([]);
    expect(found(dateTimeFunction, "CREATE TABLE t (created DATETIME(6), at TEXT DEFAULT (datetime('now')))")).toEqual(["datetime('now')"]);
  });
});

describe('SQL310 last-insert-rowid', () => {
  it('flags the three counter functions', () => {
    expect(hits(lastInsertRowid, 'SELECT last_insert_rowid(), CHANGES(), total_changes()')).toEqual([
      ['last_insert_rowid()', '`last_insert_rowid()` is SQLite-only; PostgreSQL: `INSERT … RETURNING id`'],
      ['CHANGES()', "`CHANGES()` is SQLite-only; PostgreSQL: the driver's row count (`cursor.rowcount`), or `RETURNING` on the statement"],
      ['total_changes()', "`total_changes()` is SQLite-only; PostgreSQL: no equivalent; add up the driver's row counts (`cursor.rowcount`)"],
    ]);
  });

  it('not a table called changes or a column', () => {
    expect(found(lastInsertRowid, 'INSERT INTO changes (a) VALUES (1); SELECT changes FROM log')).toEqual([]);
  });
});

describe('catalogue fields', () => {
  const rules = [
    qmarkPlaceholder, numberedPlaceholder, namedPlaceholder, dynamicSql, insertOrReplace, insertOrIgnore,
    conflictResolutionClause, autoincrement, integerPrimaryKey, withoutRowid, pragma, sqliteSchemaTable,
    dateTimeFunction, lastInsertRowid,
  ];
  it('ids and names match the catalogue', () => {
    expect(rules.map((r) => `${r.id} ${r.name}`)).toEqual([
      'SQL201 qmark-placeholder', 'SQL202 numbered-placeholder', 'SQL203 named-placeholder', 'SQL210 dynamic-sql',
      'SQL301 insert-or-replace', 'SQL302 insert-or-ignore', 'SQL303 conflict-resolution-clause', 'SQL304 autoincrement',
      'SQL305 integer-primary-key', 'SQL306 without-rowid', 'SQL307 pragma', 'SQL308 sqlite-schema-table',
      'SQL309 date-time-function', 'SQL310 last-insert-rowid',
    ]);
    expect(rules.every((r) => r.category === (r.id < 'SQL210' ? 'placeholder' : r.id === 'SQL210' ? 'dynamic-sql' : 'sqlite-sql'))).toBe(true);
  });
});
