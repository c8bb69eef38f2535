import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL107',
  name: 'isolation-level',
  title: 'sqlite3 isolation_level is set or read',
  severity: 'warning',
  category: 'sqlite-api',
  rationale:
    '`isolation_level=None` puts sqlite3 in autocommit mode; psycopg uses `autocommit` and PostgreSQL isolation level names (READ COMMITTED …).',
  postgres: '`conn.autocommit = True` or `conn.isolation_level = IsolationLevel.SERIALIZABLE` (psycopg 3).',
  examples: {
    bad: 'import sqlite3\nconn = sqlite3.connect("app.db", isolation_level=None)\n',
    good: 'import sqlite3\nconn = sqlite3.connect("app.db")\n',
  },
  detect(facts) {
    return apiHits(facts, 'isolation-level', (u) => `sqlite3 \`${u.name}\`: PostgreSQL drivers use \`autocommit\` and real isolation levels`);
  },
});
