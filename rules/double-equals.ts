import { defineRule } from '../src/model/rule.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL324',
  name: 'double-equals',
  title: 'SQL compares with `==`',
  severity: 'error',
  category: 'sqlite-sql',
  rationale: 'SQLite accepts `==` as a synonym of `=`; PostgreSQL has no `==` operator and fails with "operator does not exist".',
  postgres: '`=`',
  fixedBy: 'double-equals-to-equals',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT id FROM users WHERE active == 1")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT id FROM users WHERE active = 1")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (_sql, sig) =>
      sig
        .filter((t) => t.type === 'operator' && t.text === '==')
        .map((t) => ({
          range: { start: t.start, end: t.end },
          message: '`==` is SQLite-only: PostgreSQL compares with `=`',
        })),
    );
  },
});
