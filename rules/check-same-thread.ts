import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL108',
  name: 'check-same-thread',
  title: '`check_same_thread` is passed to sqlite3.connect',
  severity: 'warning',
  category: 'sqlite-api',
  rationale:
    'check_same_thread=False lets threads share one SQLite connection; psycopg connections are thread-safe but serialise, and shared use usually wants a pool.',
  postgres: 'A connection pool (psycopg_pool.ConnectionPool) with one connection per unit of work.',
  examples: {
    bad: 'import sqlite3\nconn = sqlite3.connect("app.db", check_same_thread=False)\n',
    good: 'import sqlite3\nconn = sqlite3.connect("app.db")\n',
  },
  detect(facts) {
    return apiHits(facts, 'check-same-thread', (u) => `\`check_same_thread\` has no PostgreSQL analogue; share connections through a pool`);
  },
});
