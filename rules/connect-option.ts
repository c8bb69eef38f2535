import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL113',
  name: 'connect-option',
  title: 'A sqlite3.connect option has no PostgreSQL analogue',
  severity: 'warning',
  category: 'sqlite-api',
  rationale:
    'timeout, detect_types, cached_statements, uri, factory, autocommit and ":memory:" databases are SQLite-specific; tests on ":memory:" need a real PostgreSQL database (or a transaction rolled back per test).',
  postgres: '`connect_timeout` in the DSN, psycopg type adapters, a test database per run.',
  examples: {
    bad: 'import sqlite3\nconn = sqlite3.connect("app.db", timeout=30)\n',
    good: 'import sqlite3\nconn = sqlite3.connect("app.db")\n',
  },
  detect(facts) {
    return apiHits(facts, 'connect-option', (u) => u.name === ':memory:' ? 'An in-memory SQLite database has no PostgreSQL equivalent; use a test database' : `sqlite3.connect \`${u.name}=\` has no PostgreSQL analogue`);
  },
});
