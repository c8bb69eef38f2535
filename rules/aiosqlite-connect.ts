import { defineRule } from '../src/model/rule.js';

export default defineRule({
  id: 'SQL010',
  name: 'aiosqlite-connect',
  title: 'An aiosqlite connection is opened',
  severity: 'error',
  category: 'third-party',
  rationale: 'aiosqlite wraps sqlite3 in a thread; async code moving to PostgreSQL uses asyncpg or psycopg 3 async connections, with their own placeholder style.',
  postgres: '`await asyncpg.connect(dsn)` ($1…$n placeholders) or `await psycopg.AsyncConnection.connect(dsn)` (%s).',
  examples: {
    bad: 'import aiosqlite\n\nasync def main():\n    async with aiosqlite.connect("app.db") as db:\n        pass\n',
    good: 'import asyncpg\n\nasync def main():\n    conn = await asyncpg.connect("postgresql:///app")\n',
  },
  detect(facts) {
    return facts.connections
      .filter((c) => c.library === 'aiosqlite' && c.via === 'direct')
      .map((c) => ({ range: c.range, message: `\`${c.callee}(…)\` opens an aiosqlite (SQLite) connection` }));
  },
});
