import { defineRule } from '../src/model/rule.js';
import { placeholders } from '../src/sql/analyze.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL202',
  name: 'numbered-placeholder',
  title: 'Executed SQL uses SQLite `?NNN` numbered placeholders',
  severity: 'error',
  category: 'placeholder',
  rationale:
    '`?1`, `?2` are SQLite-only: psycopg only knows `%s` / `%(name)s` and asyncpg `$1 … $n`, so the ' +
    'statement fails to parse on PostgreSQL.',
  postgres: '`$NNN` (asyncpg, node-postgres), or `%s` in parameter order (psycopg)',
  fixedBy: 'qmark-to-target-placeholders',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("SELECT name FROM users WHERE id = ?1 OR parent = ?1", (1,))\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("SELECT name FROM users WHERE id = %s OR parent = %s", (1, 1))\n',
  },
  detect(facts) {
    return sqlRuleHits(
      facts,
      (sql) =>
        placeholders(sql, 'qmark-numbered').map((p) => {
          const n = p.text.slice(1);
          return {
            range: { start: p.start, end: p.end },
            message: `\`${p.text}\` numbered placeholder is SQLite-only; PostgreSQL: \`$${n}\` (asyncpg) or \`%s\` in order (psycopg)`,
          };
        }),
      { executedOnly: true },
    );
  },
});
