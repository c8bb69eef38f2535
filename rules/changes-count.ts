import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL117',
  name: 'changes-count',
  title: 'A SQLite driver\'s `changes` count (rows changed by a statement) is read',
  severity: 'warning',
  category: 'sqlite-api',
  rationale:
    '`this.changes` in a sqlite3 callback and `info.changes` from better-sqlite3 / node:sqlite `run()` do not exist ' +
    'on node-postgres results; the code reads `undefined` and treats every update as a miss.',
  postgres: '`result.rowCount` of `await client.query(…)`.',
  examples: {
    bad: "import Database from 'better-sqlite3';\nconst db = new Database('app.db');\nconst info = db.prepare('DELETE FROM t WHERE id = ?').run(1);\nconsole.log(info.changes);\n",
    good: "import Database from 'better-sqlite3';\nconst db = new Database('app.db');\nconst rows = db.prepare('SELECT id FROM t WHERE id = ?').all(1);\nconsole.log(rows.length);\n",
    filename: 'example.js',
  },
  detect(facts) {
    return apiHits(facts, 'changes', (u) => `\`${u.name}\` is the SQLite driver's count of changed rows; node-postgres: \`result.rowCount\``);
  },
});
