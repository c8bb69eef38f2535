import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL112',
  name: 'backup',
  title: '`backup()` copies the SQLite database',
  severity: 'warning',
  category: 'sqlite-api',
  rationale:
    'Connection.backup copies a SQLite file online; PostgreSQL backups are pg_dump, pg_basebackup or the platform snapshot.',
  postgres: '`pg_dump` / `pg_basebackup`.',
  examples: {
    bad: 'import sqlite3\nsrc = sqlite3.connect("app.db")\ndst = sqlite3.connect("copy.db")\nsrc.backup(dst)\n',
    good: 'import sqlite3\nsrc = sqlite3.connect("app.db")\nsrc.commit()\n',
  },
  detect(facts) {
    return apiHits(facts, 'backup', (u) => `\`${u.name}()\` is SQLite's online backup; use pg_dump or pg_basebackup`);
  },
});
