import type { SqlString } from '../src/model/facts.js';
import { defineRule } from '../src/model/rule.js';
import { uniqueHits } from '../src/sql/rulekit.js';

const HOW: Record<NonNullable<SqlString['dynamicKind']>, string> = {
  'f-string': 'an f-string',
  format: '`str.format()`',
  percent: '`%` formatting',
  concat: '`+` concatenation',
  template: 'a template literal',
  join: '`join()`',
};

export default defineRule({
  id: 'SQL210',
  name: 'dynamic-sql',
  title: 'Executed SQL is assembled from run-time values',
  severity: 'warning',
  category: 'dynamic-sql',
  rationale:
    'SQL pasted together from values cannot be checked or rewritten for PostgreSQL before it runs, and values ' +
    'spliced into the text bypass the driver (quoting, injection). Placeholders cannot stand for table or ' +
    'column names, so identifiers need psycopg.sql.',
  postgres: 'values as parameters (`%s`); identifiers with `psycopg.sql.Identifier`',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ntable = "users"\ncur.execute(f"SELECT name FROM {table}")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("SELECT name FROM users WHERE id = ?", (1,))\n',
  },
  detect(facts) {
    return uniqueHits(
      facts.sqlStrings
        .filter((sql) => sql.executed && sql.isDynamic)
        .map((sql) => ({
          range: sql.range,
          message:
            `SQL built at run time with ${sql.dynamicKind ? HOW[sql.dynamicKind] : 'run-time values'} cannot be checked or rewritten; ` +
            (facts.language === 'javascript' || facts.language === 'typescript'
              ? 'PostgreSQL: pass values as parameters (`$1`), quote identifiers with `pg-format` / `client.escapeIdentifier`'
              : 'PostgreSQL: pass values as parameters (`%s`), compose identifiers with `psycopg.sql`'),
        })),
    );
  },
});
