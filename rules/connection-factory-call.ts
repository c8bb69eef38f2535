import { defineRule } from '../src/model/rule.js';

export default defineRule({
  id: 'SQL003',
  name: 'connection-factory-call',
  title: 'A project function that returns a SQLite connection is called',
  severity: 'error',
  category: 'sqlite-connection',
  rationale:
    'Helpers such as `get_db_connection()` hide `sqlite3.connect` from grep; every call site receives a SQLite connection and uses SQLite semantics (placeholders, shortcuts, row factories).',
  postgres: 'Make the helper return a PostgreSQL connection (or context manager) and review each call site for how it uses the result.',
  fixedBy: 'connect-to-factory',
  examples: {
    bad: 'import sqlite3\n\ndef get_db():\n    return sqlite3.connect("app.db")\n\nconn = get_db()\n',
    good: 'import psycopg\n\ndef get_db():\n    return psycopg.connect("dbname=app")\n\nconn = get_db()\n',
  },
  detect(facts) {
    return facts.connections
      .filter((c) => c.via === 'factory')
      .map((c) => ({
        range: c.range,
        message: `\`${c.callee}()\` returns a SQLite connection (factory \`${c.factory}\`)`,
      }));
  },
});
