import { defineRule } from '../src/model/rule.js';
import { columnValues, hasBooleanColumn, isBooleanType, isIntegerLiteral } from '../src/sql/column-values.js';
import type { ColumnValue } from '../src/sql/column-values.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

/** `0` -> FALSE, `1` -> TRUE; other integers have no boolean spelling. */
export function booleanOf(text: string): 'TRUE' | 'FALSE' | undefined {
  const n = Number(text);
  return n === 0 ? 'FALSE' : n === 1 ? 'TRUE' : undefined;
}

function message(v: ColumnValue, value: string, op: string): string {
  const column = `${v.table.name}.${v.column}`;
  const flag = booleanOf(value);
  const instead = flag ? `write ${flag}` : `${value} is neither 0 nor 1, so decide what it means`;
  if (v.how === 'compare') return `\`${value}\` is compared with BOOLEAN column ${column}: PostgreSQL has no boolean ${op} integer operator; ${instead}`;
  return `\`${value}\` goes into BOOLEAN column ${column}: PostgreSQL does not turn integers into booleans; ${instead}`;
}

export default defineRule({
  id: 'SQL329',
  name: 'boolean-as-integer',
  title: 'SQL writes or compares an integer with a BOOLEAN column',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'SQLite has no boolean type: a column declared BOOLEAN holds 0 and 1, and `SET flag = 1` or `WHERE flag = 0` ' +
    'work. PostgreSQL\'s BOOLEAN takes TRUE and FALSE: an integer written into it or compared with it fails ' +
    '("column is of type boolean but expression is of type integer", "operator does not exist: boolean = integer"). ' +
    'The column types come from the CREATE TABLE statements found in the project; without one, nothing is reported.',
  postgres: '`SET flag = TRUE`, `WHERE flag = FALSE` (SQLite 3.23+ reads TRUE and FALSE as 1 and 0 too)',
  fixedBy: 'integer-to-boolean-literal',
  examples: {
    bad:
      'import sqlite3\n\nconn = sqlite3.connect("app.db")\n' +
      'conn.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, active BOOLEAN)")\n' +
      'conn.execute("UPDATE users SET active = 0 WHERE id = ?", (1,))\n',
    good:
      'import sqlite3\n\nconn = sqlite3.connect("app.db")\n' +
      'conn.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, active BOOLEAN)")\n' +
      'conn.execute("UPDATE users SET active = FALSE WHERE id = ?", (1,))\n',
  },
  detect(facts, ctx) {
    const schema = ctx?.schema;
    // a finding is an integer literal written into or compared with a boolean column
    if (!schema || !hasBooleanColumn(schema)) return [];
    return sqlRuleHits(facts, (_sql, sig) =>
      !sig.some(isIntegerLiteral)
        ? []
        : columnValues(sig, schema)
            .filter((v) => isBooleanType(v.type) && v.first === v.last && isIntegerLiteral(sig[v.first]))
            .map((v) => {
              const t = sig[v.first]!;
              const op = v.op !== undefined ? (sig[v.op]?.text ?? '=') : '=';
              return { range: { start: t.start, end: t.end }, message: message(v, t.text, op === '==' ? '=' : op) };
            }),
    );
  },
});
