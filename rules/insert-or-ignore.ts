import { defineRule } from '../src/model/rule.js';
import { keywordRuns, tokenRange } from '../src/sql/analyze.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL302',
  name: 'insert-or-ignore',
  title: 'SQL uses SQLite `INSERT OR IGNORE`',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'PostgreSQL rejects `INSERT OR IGNORE`. `ON CONFLICT DO NOTHING` is close but narrower: SQLite also skips ' +
    'rows that break NOT NULL or CHECK constraints, PostgreSQL only unique and exclusion conflicts.',
  postgres: '`INSERT … ON CONFLICT DO NOTHING`',
  fixedBy: 'insert-or-ignore-to-on-conflict',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", ("a",))\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("INSERT INTO tags (name) VALUES (?) ON CONFLICT DO NOTHING", ("a",))\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (_sql, sig) =>
      keywordRuns(sig, ['INSERT', 'OR', 'IGNORE']).map((run) => ({
        range: tokenRange(sig, run.first, run.last),
        message: '`INSERT OR IGNORE` is SQLite-only; PostgreSQL: `INSERT … ON CONFLICT DO NOTHING`',
      })),
    );
  },
});
