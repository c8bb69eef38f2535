import { defineRule } from '../src/model/rule.js';
import { placeholders } from '../src/sql/analyze.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL201',
  name: 'qmark-placeholder',
  title: 'Executed SQL uses SQLite `?` placeholders',
  severity: 'error',
  category: 'placeholder',
  rationale:
    'psycopg expects `%s` and asyncpg / node-postgres `$1 … $n`; a `?` reaches PostgreSQL as a syntax error ' +
    'or makes the driver reject the parameter count.',
  postgres: '`%s` (psycopg), `$1 … $n` (asyncpg, node-postgres)',
  fixedBy: 'qmark-to-target-placeholders',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("SELECT name FROM users WHERE id = ?", (1,))\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("SELECT name FROM users WHERE id = %s", (1,))\n',
  },
  detect(facts) {
    return sqlRuleHits(
      facts,
      (sql) =>
        placeholders(sql, 'qmark').map((p) => ({
          range: { start: p.start, end: p.end },
          message:
            facts.language === 'javascript' || facts.language === 'typescript'
              ? "`?` placeholder is SQLite's qmark style; node-postgres numbers its parameters: `$1`, `$2`, …"
              : "`?` placeholder is SQLite's qmark style; PostgreSQL: `%s` (psycopg) or `$n` (asyncpg)",
        })),
      { executedOnly: true },
    );
  },
});
