import { describe, expect, it } from 'vitest';
import { emptyFacts, type SqlString } from '../src/model/facts.js';
import {
  analyzeSql,
  functionCalls,
  keywordRuns,
  looksLikeSql,
  placeholders,
  significant,
  sqlTextFixture,
  tokenRange,
} from '../src/sql/analyze.js';
import { createTables } from '../src/sql/ddl.js';
import { HOLE_TEXT, SqlBuilder, toFileRange } from '../src/sql/map.js';
import { sqlRuleHits, sqlSnippet } from '../src/sql/rulekit.js';
import { coversParam, paramRanges } from '../src/sql/rewrite.js';
import { random } from './helpers/random.js';

function sigOf(text: string) {
  return significant(sqlTextFixture(text).tokens);
}

describe('looksLikeSql', () => {
  const positives = [
    'SELECT 1',
    'select count(*) from users',
    'SELECT id, name FROM users WHERE id = ?',
    'SELECT datetime(\'now\') AS now',
    'SELECT * FROM (SELECT 1)',
    'Select * from users',
    'INSERT INTO users (id, name) VALUES (?, ?)',
    'INSERT OR IGNORE INTO tags VALUES (:t)',
    'insert into t select * from u',
    'REPLACE INTO kv (k, v) VALUES (?, ?)',
    'UPDATE users SET name = ? WHERE id = ?',
    'UPDATE OR IGNORE main.users AS u SET (a, b) = (1, 2)',
    'DELETE FROM sessions WHERE expires < ?',
    'delete from cart',
    'CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)',
    'CREATE TEMP TABLE t AS SELECT 1',
    'CREATE UNIQUE INDEX ix ON t (a)',
    'CREATE VIRTUAL TABLE docs USING fts5(body)',
    'CREATE VIEW v AS SELECT 1',
    'CREATE TRIGGER trg AFTER INSERT ON t BEGIN SELECT 1; END',
    'DROP TABLE IF EXISTS t',
    'ALTER TABLE t ADD COLUMN c TEXT',
    'PRAGMA foreign_keys = ON',
    'PRAGMA journal_mode=WAL',
    'DELETE FROM {table} WHERE created_at < ?',
    'SELECT {cols} FROM {} WHERE id = ?',
    'SELECT created::date FROM events',
    'DELETE FROM %s WHERE id = %s',
    'UPDATE users SET name = %(name)s WHERE id = %(id)s',
    'SELECT a % 2 FROM t',
    'PRAGMA table_info(users)',
    'WITH RECURSIVE c(n) AS (SELECT 1) SELECT n FROM c',
    'BEGIN',
    'BEGIN IMMEDIATE TRANSACTION;',
    'BEGIN;\nCREATE TABLE t (a);\nCOMMIT;',
    'COMMIT',
    'END TRANSACTION',
    'ROLLBACK TO SAVEPOINT sp1',
    "ATTACH DATABASE 'other.db' AS other",
    'DETACH other',
    'VACUUM',
    'EXPLAIN QUERY PLAN SELECT * FROM t WHERE a = 1',
    'SAVEPOINT sp1',
    'RELEASE SAVEPOINT sp1',
    'ANALYZE',
    'ANALYZE main.trades',
    'VACUUM; PRAGMA optimize',
    'REINDEX',
    '  -- leading comment\n  SELECT 1',
  ];
  for (const text of positives) {
    it(`SQL: ${JSON.stringify(text)}`, () => expect(looksLikeSql(text)).toBe(true));
  }

  const negatives = [
    '',
    'hello world',
    'Select an option',
    'Select an option from the list',
    'Select an option from the list.',
    'select a file from disk to upload',
    'Update your profile',
    'update your profile',
    'Delete from cart?',
    'Delete from cart.',
    "Don't delete from the cart!",
    "Don't select from the archive",
    'Select from the menu!',
    'Select %s from the list',
    'Delete {n} files from disk',
    'Insert into the queue',
    'Create table for the report',
    'Drop table now please',
    'Begin',
    'begin',
    'BEGIN; the rest is prose',
    'commit',
    'end',
    'analyze',
    'ANALYZE the results',
    'Vacuum the floor',
    'Replace into place',
    'With love from Paris',
    'Pragma is a keyword',
    'Explain this',
    'Alter table settings here',
    'users.db',
    'SELECT',
    'sqlite:///app.db',
  ];
  for (const text of negatives) {
    it(`prose: ${JSON.stringify(text)}`, () => expect(looksLikeSql(text)).toBe(false));
  }
});

describe('placeholders and significant', () => {
  it('lists placeholders of a kind, ignoring quoted ones', () => {
    const sql = sqlTextFixture("SELECT '?' FROM t WHERE a = ? AND b = :b AND c = ?2 -- ?");
    expect(placeholders(sql).map((p) => p.text)).toEqual(['?', ':b', '?2']);
    expect(placeholders(sql, 'qmark').map((p) => p.start)).toEqual([28]);
    expect(placeholders(sql, 'named-at')).toEqual([]);
  });

  it('tokenizes on the spot when an adapter left tokens empty', () => {
    const sql = sqlTextFixture('SELECT ?');
    sql.tokens = [];
    expect(placeholders(sql).map((p) => p.start)).toEqual([7]);
  });

  it('significant drops whitespace and comments only', () => {
    expect(sigOf('SELECT /* x */ a -- y\n, b').map((t) => t.text)).toEqual(['SELECT', 'a', ',', 'b']);
  });
});

describe('keywordRuns', () => {
  it('matches consecutive words, ignoring case, comments and whitespace', () => {
    const sig = sigOf('insert /* c */ or\n ignore into t; INSERT OR REPLACE INTO t');
    expect(keywordRuns(sig, ['INSERT', 'OR', 'IGNORE'])).toEqual([{ first: 0, last: 2 }]);
    expect(keywordRuns(sig, ['INSERT', 'OR', 'IGNORE|REPLACE'])).toEqual([
      { first: 0, last: 2 },
      { first: 6, last: 8 },
    ]);
  });

  it('does not match inside strings or quoted identifiers, nor across other tokens', () => {
    expect(keywordRuns(sigOf("SELECT 'INSERT OR IGNORE', \"INSERT\" OR IGNORE"), ['INSERT', 'OR', 'IGNORE'])).toEqual([]);
    expect(keywordRuns(sigOf('BEGIN ; IMMEDIATE'), ['BEGIN', 'IMMEDIATE|EXCLUSIVE'])).toEqual([]);
  });

  it('matches identifiers as well as keywords (WITHOUT ROWID, ROWID is no keyword)', () => {
    expect(keywordRuns(sigOf('CREATE TABLE t (a) WITHOUT rowid'), ['WITHOUT', 'ROWID'])).toEqual([{ first: 6, last: 7 }]);
  });

  it('runs do not overlap', () => {
    expect(keywordRuns(sigOf('a a a'), ['A', 'A'])).toEqual([{ first: 0, last: 1 }]);
    expect(keywordRuns(sigOf('a'), [])).toEqual([]);
  });
});

describe('functionCalls', () => {
  it('finds calls with their arguments split at top-level commas', () => {
    const sig = sigOf("SELECT date('now', '+1 day'), DATE(x), strftime('%s', max(a, b)), date()");
    const calls = functionCalls(sig, ['DATE', 'STRFTIME']);
    expect(calls.map((c) => [c.name.text, c.nameIndex, c.open, c.close])).toEqual([
      ['date', 1, 2, 6],
      ['DATE', 8, 9, 11],
      ['strftime', 13, 14, 23],
      ['date', 25, 26, 27],
    ]);
    expect(calls[0]!.args).toEqual([{ first: 3, last: 3 }, { first: 5, last: 5 }]);
    expect(calls[2]!.args).toEqual([{ first: 15, last: 15 }, { first: 17, last: 22 }]);
    expect(calls[3]!.args).toEqual([]);
  });

  it('a qualified name is not a call of the SQL function', () => {
    expect(functionCalls(sigOf('SELECT t.date(x), date (y) FROM t'), ['DATE']).map((c) => c.nameIndex)).toEqual([8]);
  });

  it('the name alone, or in a string, is not a call', () => {
    expect(functionCalls(sigOf("SELECT date, 'date(x)' FROM t"), ['DATE'])).toEqual([]);
  });

  it('table names with column lists and sized column types are not calls', () => {
    expect(functionCalls(sigOf('INSERT INTO changes (a) VALUES (changes())'), ['CHANGES']).map((c) => c.nameIndex)).toEqual([8]);
    expect(functionCalls(sigOf('CREATE TABLE IF NOT EXISTS date (a)'), ['DATE'])).toEqual([]);
    expect(functionCalls(sigOf('CREATE INDEX ix ON date (a)'), ['DATE'])).toEqual([]);
    expect(functionCalls(sigOf('WITH time(n) AS (SELECT 1) SELECT n FROM time'), ['TIME'])).toEqual([]);
    expect(functionCalls(sigOf('CREATE TABLE t (created DATETIME(6))'), ['DATETIME'])).toEqual([]);
    expect(functionCalls(sigOf('SELECT a FROM t JOIN u ON date(t.d) = date(u.d)'), ['DATE']).length).toBe(2);
  });

  it('an unclosed call has close -1 and arguments to the end', () => {
    const calls = functionCalls(sigOf('SELECT date(a, b'), ['DATE']);
    expect(calls.map((c) => [c.close, c.args])).toEqual([[-1, [{ first: 3, last: 3 }, { first: 5, last: 5 }]]]);
  });
});

describe('tokenRange, sqlTextFixture and toFileRange', () => {
  it('sqlTextFixture maps SQL offsets onto themselves', () => {
    const sql = sqlTextFixture('SELECT naïve FROM t WHERE a = ?', { hasParams: true });
    expect(sql.executed).toBe(true);
    expect(sql.hasParams).toBe(true);
    expect(sql.tokens.map((t) => t.text).join('')).toBe(sql.text);
    const sig = significant(sql.tokens);
    const r = tokenRange(sig, 1, 3);
    expect(r).toEqual({ start: 7, end: 19 });
    expect(toFileRange(sql, r)).toEqual(r);
    expect(sqlTextFixture('x', { executed: false }).executed).toBe(false);
  });

  it('tokenRange of a missing token is empty', () => {
    expect(tokenRange([], 0, 0)).toEqual({ start: 0, end: 0 });
  });

  it('analyzeSql tokenizes the holes of a built string', () => {
    // f"SELECT * FROM {table} WHERE id = ?" at file offset 100; `{table}` spans 115..122
    const b = new SqlBuilder();
    b.verbatim('SELECT * FROM ', 102);
    b.hole(116, 123);
    b.verbatim(' WHERE id = ?', 123);
    const sql: SqlString = analyzeSql({
      range: { start: 100, end: 137 },
      text: b.text,
      map: b.map,
      holes: b.holes,
      isDynamic: true,
      dynamicKind: 'f-string',
      executed: true,
      hasParams: true,
      origin: 'literal',
      tokens: [],
    });
    const hole = sql.tokens.find((t) => t.type === 'hole')!;
    expect([hole.start, hole.end, hole.text]).toEqual([14, 14 + HOLE_TEXT.length, HOLE_TEXT]);
    const q = placeholders(sql, 'qmark')[0]!;
    expect(toFileRange(sql, q)).toEqual({ start: 135, end: 136 });
    expect(toFileRange(sql, hole)).toEqual({ start: 116, end: 123 });
    expect(sqlSnippet(sql, { start: 0, end: sql.text.length })).toBe('SELECT * FROM {…} WHERE id = ?');
  });
});

/** Counts the reads of `sql`'s tokens by index from now on. */
function countTokenReads(sql: SqlString): () => number {
  let reads = 0;
  sql.tokens = new Proxy(sql.tokens, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return () => reads;
}

describe('sqlSnippet', () => {
  /** What sqlSnippet gives, read the plain way: every token, each time. */
  function reference(sql: SqlString, range: { start: number; end: number }, max = 60): string {
    let out = '';
    for (const t of sql.tokens) {
      if (t.end <= range.start || t.start >= range.end) continue;
      if (t.type === 'whitespace' || t.type === 'comment') {
        if (out.length > 0 && !out.endsWith(' ')) out += ' ';
      } else out += t.type === 'hole' ? '{…}' : t.text;
    }
    out = out.trimEnd();
    return out.length > max ? `${out.slice(0, max - 1)}…` : out;
  }

  it('is the plain reading of the tokens in the range, on random SQL and ranges', () => {
    const rnd = random(27);
    const words = ['SELECT', ' ', '  ', '\n', 'a', 'b_1', ',', '(', ')', '?', ':name', "'it''s'", '"col"', '-- note\n', '/* c */', '1.5', 'datetime', '=', ';', 'INSERT OR REPLACE'];
    for (let k = 0; k < 400; k++) {
      const n = 1 + Math.floor(rnd() * 60);
      const text = Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]).join('');
      const sql = sqlTextFixture(text);
      const a = Math.floor(rnd() * (text.length + 1));
      const b = a + Math.floor(rnd() * (text.length + 1 - a));
      const max = [5, 20, 60][k % 3]!;
      expect(sqlSnippet(sql, { start: a, end: b }, max), `${JSON.stringify(text)} [${a}, ${b})`).toBe(reference(sql, { start: a, end: b }, max));
    }
  });

  it('reads only the tokens near its range, not the whole script', () => {
    // executescript of 20,000 INSERTs, a snippet for each finding: 43 s before session 27
    const sql = sqlTextFixture("INSERT OR REPLACE INTO t VALUES (1, datetime('now'));\n".repeat(2000));
    const tokens = sql.tokens;
    const reads = countTokenReads(sql);
    const at = sql.text.lastIndexOf('INSERT');
    expect(sqlSnippet(sql, { start: at, end: at + 17 })).toBe('INSERT OR REPLACE');
    expect(reads()).toBeLessThan(100);
    expect(tokens.length).toBeGreaterThan(30_000);
  });
});

describe('coversParam', () => {
  it('is whether some parameter range overlaps, on random SQL and ranges', () => {
    const rnd = random(2027);
    const words = ['SELECT', ' ', 'a', ',', '(', ')', '?', ':name', '$1', '%s', '%(k)s', '%(?)s', '%', 's', "'?'", '-- ?\n', '='];
    for (let k = 0; k < 600; k++) {
      const n = 1 + Math.floor(rnd() * 30);
      const text = Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]).join('');
      const sql = sqlTextFixture(text);
      const params = paramRanges(sql.tokens);
      for (let j = 0; j < 5; j++) {
        const a = Math.floor(rnd() * (text.length + 1));
        const b = j === 0 ? a : a + Math.floor(rnd() * (text.length + 1 - a));
        const want = params.some((p) => p.start < b && p.end > a);
        expect(coversParam(sql, { start: a, end: b }), `${JSON.stringify(text)} [${a}, ${b})`).toBe(want);
      }
    }
  });

  it('reads the tokens once for all the edits of a rewrite', () => {
    const sql = sqlTextFixture('INSERT INTO t VALUES (?, ?);\n'.repeat(1000));
    const tokens = sql.tokens;
    const reads = countTokenReads(sql);
    for (let i = 0; i < 1000; i++) {
      const at = i * 29;
      expect(coversParam(sql, { start: at, end: at + 6 })).toBe(false);
      expect(coversParam(sql, { start: at + 22, end: at + 23 })).toBe(true);
    }
    // one pass over the tokens (about 5 reads each); every call read them all before session 27
    expect(reads()).toBeLessThan(6 * tokens.length);
  });
});

describe('createTables', () => {
  it('splits columns, table constraints and options', () => {
    const sig = sigOf('CREATE TABLE IF NOT EXISTS main.t (id INTEGER PRIMARY KEY, price DECIMAL(10, 2) NOT NULL, note, PRIMARY KEY (id)) STRICT, WITHOUT ROWID');
    const [t] = createTables(sig);
    expect(t).toBeDefined();
    expect(sig[t!.nameIndex]!.text).toBe('t');
    expect(t!.columns.map((c) => [sig[c.nameIndex]!.text, c.type && sig.slice(c.type.first, c.type.last + 1).map((x) => x.text).join(' ')])).toEqual([
      ['id', 'INTEGER'],
      ['price', 'DECIMAL ( 10 , 2 )'],
      ['note', undefined],
    ]);
    expect(t!.constraints.map((c) => sig[c.first]!.text)).toEqual(['PRIMARY']);
    expect(t!.options.map((o) => sig.slice(o.first, o.last + 1).map((x) => x.text).join(' '))).toEqual(['STRICT', 'WITHOUT ROWID']);
  });

  it('ignores CREATE TABLE … AS and other statements', () => {
    expect(createTables(sigOf('CREATE TABLE t AS SELECT 1; CREATE INDEX i ON t (a)'))).toEqual([]);
  });
});

describe('sqlRuleHits', () => {
  const fn = (sql: SqlString) => placeholders(sql).map((p) => ({ range: { start: p.start, end: p.end }, message: 'p' }));

  it('maps to file ranges, drops duplicates and sorts', () => {
    const facts = emptyFacts('a.py', 'python');
    const later = sqlTextFixture('SELECT ?, ?');
    const again = sqlTextFixture('SELECT ?, ?');
    facts.sqlStrings.push(later, again);
    expect(sqlRuleHits(facts, fn)).toEqual([
      { range: { start: 7, end: 8 }, message: 'p' },
      { range: { start: 10, end: 11 }, message: 'p' },
    ]);
  });

  it('executedOnly skips SQL that is never executed; otherwise unexecuted text must look like SQL', () => {
    const facts = emptyFacts('a.py', 'python');
    facts.sqlStrings.push(sqlTextFixture('SELECT ?', { executed: false }), sqlTextFixture('Really?', { executed: false }));
    expect(sqlRuleHits(facts, fn, { executedOnly: true })).toEqual([]);
    expect(sqlRuleHits(facts, fn).map((h) => h.range.start)).toEqual([7]);
  });
});
