import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL111',
  name: 'iterdump',
  title: '`iterdump()` dumps the SQLite database as SQL',
  severity: 'warning',
  category: 'sqlite-api',
  rationale:
    'iterdump produces SQLite SQL; PostgreSQL dumps are taken with pg_dump.',
  postgres: '`pg_dump` (or COPY … TO for data).',
  examples: {
    bad: 'import sqlite3\nconn = sqlite3.connect("app.db")\nlines = list(conn.iterdump())\n',
    good: 'import sqlite3\nconn = sqlite3.connect("app.db")\nconn.close()\n',
  },
  detect(facts) {
    return apiHits(facts, 'iterdump', (u) => `\`${u.name}()\` is SQLite-only; use pg_dump`);
  },
});
