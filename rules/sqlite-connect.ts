import { defineRule } from '../src/model/rule.js';

/** Python's sqlite3 and the JavaScript drivers; aiosqlite has a rule of its own (SQL010). */
const DRIVERS = new Set(['sqlite3', 'better-sqlite3', 'sqlite', 'node:sqlite']);

export default defineRule({
  id: 'SQL002',
  name: 'sqlite-connect',
  title: 'A SQLite connection is opened',
  severity: 'error',
  category: 'sqlite-connection',
  rationale:
    'Each call that opens a SQLite connection must be pointed at PostgreSQL, usually through the project database layer, which also decides pooling and transaction scope.',
  postgres: 'Open connections through the database layer (`with get_connection("trades") as conn:`) or `psycopg.connect(dsn)`.',
  fixedBy: 'connect-to-factory',
  examples: {
    bad: 'import sqlite3\nconn = sqlite3.connect("trades.db")\n',
    good: 'import psycopg\nconn = psycopg.connect("dbname=trades")\n',
  },
  detect(facts) {
    return facts.connections
      .filter((c) => c.via === 'direct' && DRIVERS.has(c.library))
      .map((c) => ({
        range: c.range,
        message: `\`${c.callee}(${c.database?.value !== undefined ? JSON.stringify(c.database.value) : '…'})\` opens a SQLite connection`,
      }));
  },
});
