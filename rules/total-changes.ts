import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL109',
  name: 'total-changes',
  title: '`total_changes` counts rows changed on the connection',
  severity: 'warning',
  category: 'sqlite-api',
  rationale:
    'Connection.total_changes is SQLite-only.',
  postgres: 'Sum `cursor.rowcount` after each statement.',
  examples: {
    bad: 'import sqlite3\nconn = sqlite3.connect("app.db")\nprint(conn.total_changes)\n',
    good: 'import sqlite3\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\nprint(cur.rowcount)\n',
  },
  detect(facts) {
    return apiHits(facts, 'total-changes', (u) => `\`${u.name}\` is SQLite-only; sum \`cursor.rowcount\` instead`);
  },
});
