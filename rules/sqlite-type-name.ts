import type { SqlString, SqlToken } from '../src/model/facts.js';
import { defineRule } from '../src/model/rule.js';
import { castTargets, columnDefinitions, isPunct, isWord, spanText, type ColumnDef } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

interface Advice {
  /** Completes "`TYPE` …". */
  problem: string;
  use: string;
  /** Keep the `(n)` size in the suggestion (NVARCHAR(80) -> VARCHAR(80)). */
  keepSize?: boolean;
}

const NOT_PG = 'is not a PostgreSQL type';

const ADVICE: Record<string, Advice> = {
  REAL: { problem: 'is a 4-byte float in PostgreSQL (8 bytes in SQLite)', use: 'DOUBLE PRECISION' },
  DOUBLE: { problem: NOT_PG, use: 'DOUBLE PRECISION' },
  BLOB: { problem: NOT_PG, use: 'BYTEA' },
  TINYBLOB: { problem: NOT_PG, use: 'BYTEA' },
  MEDIUMBLOB: { problem: NOT_PG, use: 'BYTEA' },
  LONGBLOB: { problem: NOT_PG, use: 'BYTEA' },
  DATETIME: { problem: NOT_PG, use: 'TIMESTAMP (or TIMESTAMPTZ)' },
  CLOB: { problem: NOT_PG, use: 'TEXT' },
  TINYTEXT: { problem: NOT_PG, use: 'TEXT' },
  MEDIUMTEXT: { problem: NOT_PG, use: 'TEXT' },
  LONGTEXT: { problem: NOT_PG, use: 'TEXT' },
  NTEXT: { problem: NOT_PG, use: 'TEXT' },
  STRING: { problem: `${NOT_PG} (and has NUMERIC affinity in SQLite)`, use: 'TEXT' },
  TINYINT: { problem: NOT_PG, use: 'SMALLINT' },
  MEDIUMINT: { problem: NOT_PG, use: 'INTEGER' },
  INT2: { problem: 'is a 2-byte integer in PostgreSQL (SQLite stores up to 8 bytes)', use: 'INTEGER or BIGINT' },
  'UNSIGNED BIG INT': { problem: NOT_PG, use: 'BIGINT (or NUMERIC(20) for values above 2^63-1)' },
  NVARCHAR: { problem: NOT_PG, use: 'VARCHAR', keepSize: true },
  'VARYING CHARACTER': { problem: NOT_PG, use: 'VARCHAR', keepSize: true },
  'NATIVE CHARACTER': { problem: NOT_PG, use: 'VARCHAR', keepSize: true },
  ANY: { problem: NOT_PG, use: 'a concrete type' },
};

/** Integer types PostgreSQL accepts only without MySQL's display width `(11)`. */
const INTEGER_TYPES: ReadonlySet<string> = new Set(['INT', 'INTEGER', 'SMALLINT', 'BIGINT', 'INT4', 'INT8']);

function adviceFor(words: string[], hasSize: boolean): Advice | undefined {
  const key = words.join(' ');
  const known = ADVICE[key];
  if (known) return known;
  if (words.includes('UNSIGNED')) {
    return { problem: 'is not a PostgreSQL type (PostgreSQL has no unsigned integers)', use: 'BIGINT (with `CHECK (x >= 0)` if needed)' };
  }
  // INTEGER(11)
  if (hasSize && INTEGER_TYPES.has(key)) return { problem: 'takes no display width in PostgreSQL', use: key };
  return undefined;
}

type Hit = { range: { start: number; end: number }; message: string };

function typeHit(sql: SqlString, sig: SqlToken[], first: number, last: number, words: string[], where: string): Hit | undefined {
  if (words.length === 0) return undefined;
  const sizeAt = first + words.length;
  const hasSize = sizeAt <= last && isPunct(sig[sizeAt], '(');
  const advice = adviceFor(words, hasSize);
  if (!advice) return undefined;
  const size = hasSize && advice.keepSize ? spanText(sql, sig, sizeAt, last).split(' ').join('') : '';
  return {
    range: { start: sig[first]!.start, end: sig[last]!.end },
    message: `\`${spanText(sql, sig, first, last)}\` ${where}${advice.problem}: use ${advice.use}${size}`,
  };
}

/** `active BOOLEAN DEFAULT 0`: PostgreSQL will not take an integer default for a boolean. */
function booleanDefault(sql: SqlString, sig: SqlToken[], def: ColumnDef): Hit | undefined {
  if (def.typeWords.length !== 1 || !['BOOLEAN', 'BOOL'].includes(def.typeWords[0]!)) return undefined;
  for (let k = def.typeLast + 1; k < def.last; k++) {
    if (!isWord(sig[k], 'DEFAULT')) continue;
    // DEFAULT 0, DEFAULT (1)
    const paren = isPunct(sig[k + 1], '(');
    const value = sig[paren ? k + 2 : k + 1];
    if (!value || value.type !== 'number' || (paren && !isPunct(sig[k + 3], ')'))) return undefined;
    const end = paren ? k + 3 : k + 1;
    const pg = Number(value.text) === 0 ? 'false' : 'true';
    return {
      range: { start: sig[k]!.start, end: sig[end]!.end },
      message:
        `\`${spanText(sql, sig, k, end)}\` on BOOLEAN column \`${sig[def.name]!.text}\` is an integer, ` +
        `which PostgreSQL rejects for a boolean: use DEFAULT ${pg}`,
    };
  }
  return undefined;
}

export function hitsIn(sql: SqlString, sig: SqlToken[]): Hit[] {
  const hits: Hit[] = [];
  for (const def of columnDefinitions(sig)) {
    const name = sig[def.name]!;
    if (def.typeWords.length === 0) {
      // CREATE TABLE t (a, b PRIMARY KEY): SQLite allows typeless columns
      if (def.last === def.name || isWord(sig[def.name + 1])) {
        hits.push({
          range: { start: name.start, end: name.end },
          message: `column \`${name.text}\` has no type, which PostgreSQL requires: declare one (SQLite lets it hold any value)`,
        });
      }
      continue;
    }
    const hit = typeHit(sql, sig, def.typeFirst, def.typeLast, def.typeWords, `(column \`${name.text}\`) `);
    if (hit) hits.push(hit);
    const flag = booleanDefault(sql, sig, def);
    if (flag) hits.push(flag);
  }
  for (const cast of castTargets(sig)) {
    const hit = typeHit(sql, sig, cast.typeFirst, cast.typeLast, cast.typeWords, 'in CAST ');
    if (hit) hits.push(hit);
  }
  return hits;
}

export default defineRule({
  id: 'SQL325',
  name: 'sqlite-type-name',
  title: 'A column or CAST uses a type PostgreSQL lacks or sizes differently',
  severity: 'warning',
  category: 'sqlite-sql',
  rationale:
    'SQLite accepts any word as a column type and only derives an affinity from it, so schemas carry ' +
    'types PostgreSQL rejects (DATETIME, BLOB, CLOB, TINYINT, NVARCHAR, UNSIGNED BIG INT, INTEGER(11), ' +
    'typeless columns) or reads differently: REAL is an 8-byte float in SQLite but 4 bytes in PostgreSQL, ' +
    'INT2 holds 64-bit values in SQLite but 2 bytes in PostgreSQL, and `BOOLEAN DEFAULT 0` is an integer ' +
    'default PostgreSQL refuses. Checked in CREATE TABLE and ALTER TABLE … ADD COLUMN definitions and in ' +
    'CAST(… AS type), where `CAST(x AS REAL)` silently loses precision the same way. Names that merely ' +
    'contain a type word (`real_value`) are not types and are not reported; INT8 is a valid PostgreSQL ' +
    'alias of BIGINT and is not reported either.',
  postgres: 'DOUBLE PRECISION for REAL, BYTEA for BLOB, TIMESTAMP for DATETIME, TEXT for CLOB, SMALLINT for TINYINT, `DEFAULT false` for booleans',
  fixedBy: 'sqlite-types-to-postgres',
  examples: {
    bad:
      'import sqlite3\n\nconn = sqlite3.connect("app.db")\n' +
      'conn.execute("CREATE TABLE fills (id INTEGER, px REAL, at DATETIME, raw BLOB)")\n',
    good:
      'import sqlite3\n\nconn = sqlite3.connect("app.db")\n' +
      'conn.execute("CREATE TABLE fills (id INTEGER, px DOUBLE PRECISION, at TIMESTAMP, raw BYTEA)")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, hitsIn);
  },
});
