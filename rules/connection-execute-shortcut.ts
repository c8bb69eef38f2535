import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL101',
  name: 'connection-execute-shortcut',
  title: '`execute` is called on the connection, not a cursor',
  severity: 'warning',
  category: 'sqlite-api',
  rationale:
    'sqlite3 connections have execute/executemany/executescript shortcuts that create a cursor; psycopg2 connections do not (psycopg 3 has `execute` only), so the call fails with AttributeError.',
  postgres: '`conn.cursor().execute(…)` (psycopg2), or `conn.execute(…)` on a psycopg 3 connection.',
  fixedBy: 'connection-execute-to-cursor',
  examples: {
    bad: 'import sqlite3\nconn = sqlite3.connect("app.db")\nconn.execute("DELETE FROM alerts")\n',
    good: 'import sqlite3\nconn = sqlite3.connect("app.db")\nconn.cursor().execute("DELETE FROM alerts")\n',
  },
  detect(facts) {
    return apiHits(facts, 'connection-shortcut', (u) => `\`${u.name}()\` is sqlite3's connection shortcut; psycopg2 connections have no execute: use a cursor`);
  },
});
