import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL115',
  name: 'transaction-wrapper',
  title: "better-sqlite3's `db.transaction(fn)` wraps a function in a transaction",
  severity: 'warning',
  category: 'sqlite-api',
  rationale:
    'better-sqlite3 turns a synchronous function into a transaction on the one connection; node-postgres is ' +
    'asynchronous and pooled, so the wrapper has no twin: BEGIN/COMMIT must run on one checked-out client, with awaits.',
  postgres: '`const client = await pool.connect(); await client.query(\'BEGIN\'); … await client.query(\'COMMIT\')` (ROLLBACK on error), or the project helper.',
  examples: {
    bad: "import Database from 'better-sqlite3';\nconst db = new Database('app.db');\nconst insertMany = db.transaction((rows) => rows.length);\n",
    good: "import Database from 'better-sqlite3';\nconst db = new Database('app.db');\nconst count = db.prepare('SELECT count(*) FROM t').pluck().get();\n",
    filename: 'example.js',
  },
  detect(facts) {
    return apiHits(facts, 'transaction', (u) => `\`${u.name}(fn)\` is better-sqlite3's synchronous transaction wrapper; on PostgreSQL run BEGIN/COMMIT on one pooled client`);
  },
});
