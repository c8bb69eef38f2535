import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL116',
  name: 'serialize',
  title: "sqlite3's `db.serialize()` / `db.parallelize()` orders queries",
  severity: 'warning',
  category: 'sqlite-api',
  rationale:
    'The sqlite3 package queues statements on its one connection and `serialize()` makes them run in order; ' +
    'node-postgres has no such mode: queries run in the order they are awaited, and a pool may run them on different clients.',
  postgres: 'Await each `client.query(…)` in turn (one client, inside a transaction when they belong together).',
  examples: {
    bad: "const sqlite3 = require('sqlite3');\nconst db = new sqlite3.Database('app.db');\ndb.serialize(() => {\n  db.run('DELETE FROM t');\n});\n",
    good: "const sqlite3 = require('sqlite3');\nconst db = new sqlite3.Database('app.db');\ndb.run('DELETE FROM t');\n",
    filename: 'example.js',
  },
  detect(facts) {
    return apiHits(facts, 'serialize', (u) => `\`${u.name}()\` relies on the sqlite3 package's statement queue; with node-postgres await the queries in order on one client`);
  },
});
