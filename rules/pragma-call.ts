import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL114',
  name: 'pragma-call',
  title: "better-sqlite3's `db.pragma()` sets or reads a SQLite PRAGMA",
  severity: 'error',
  category: 'sqlite-api',
  rationale:
    '`db.pragma()` exists only on better-sqlite3 databases and PRAGMA only in SQLite: node-postgres has no such method, ' +
    'and journal modes, foreign-key switches and cache sizes are server settings or simply always on in PostgreSQL.',
  postgres: 'Delete it (foreign keys are always enforced, WAL is the default), or move the setting to postgresql.conf / `SET`.',
  examples: {
    bad: "import Database from 'better-sqlite3';\nconst db = new Database('app.db');\ndb.pragma('journal_mode = WAL');\n",
    good: "import Database from 'better-sqlite3';\nconst db = new Database('app.db');\ndb.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER)');\n",
    filename: 'example.js',
  },
  detect(facts) {
    return apiHits(facts, 'pragma', (u) => `\`${u.name}()\` runs a SQLite PRAGMA; PostgreSQL has none: delete it or make it a server setting`);
  },
});
