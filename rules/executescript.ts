import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL104',
  name: 'executescript',
  title: '`executescript` runs a multi-statement script',
  severity: 'error',
  category: 'sqlite-api',
  rationale:
    'Neither psycopg2 nor psycopg 3 has executescript. psycopg2 runs `"a; b"` in one execute() without parameters; psycopg 3 refuses several statements in one execute() with parameters.',
  postgres: '`cur.execute(script)` without parameters (psycopg2), or one execute() per statement.',
  examples: {
    bad: 'import sqlite3\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.executescript("DELETE FROM a; DELETE FROM b;")\n',
    good: 'import sqlite3\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("DELETE FROM a")\n',
  },
  detect(facts) {
    return apiHits(facts, 'executescript', (u) => `\`${u.name}()\` does not exist in PostgreSQL drivers; run the statements with execute()`);
  },
});
