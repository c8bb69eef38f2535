import { defineRule } from '../src/model/rule.js';

export default defineRule({
  id: 'SQL002',
  name: 'sqlite-connect',
  title: 'A SQLite connection is opened',
  severity: 'error',
  category: 'sqlite-connection',
  rationale:
    'Each call that opens a SQLite connection must be pointed at PostgreSQL, usually through the project database layer, which also decides pooling and transaction scope.',
  postgres: 'Open connections through the database layer (`with get_connection("trades") as conn:`) or `psycopg.connect(dsn)`.',
  examples: {
    bad: 'import sqlite3\nconn = sqlite3.connect("trades.db")\n',
    good: 'import psycopg\nconn = psycopg.connect("dbname=trades")\n',
  },
  detect(facts) {
    return facts.connections
      .filter((c) => c.via === 'direct' && c.library === 'sqlite3')
      .map((c) => ({
        range: c.range,
        message: `\`${c.callee}(${c.database?.value !== undefined ? JSON.stringify(c.database.value) : '…'})\` opens a SQLite connection`,
      }));
  },
});
