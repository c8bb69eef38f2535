import { defineRule } from '../src/model/rule.js';

export default defineRule({
  id: 'SQL401',
  name: 'db-path',
  title: 'A SQLite database file name (`.db`, `.sqlite`, `.sqlite3`, `.db3`)',
  severity: 'warning',
  category: 'db-path',
  rationale:
    'A path to a SQLite file marks code or configuration that still reads, writes, backs up or mounts the ' +
    'local database file; on PostgreSQL the data lives on a server and is reached through a connection URL.',
  postgres: 'A connection setting (`DATABASE_URL=postgresql://…`, or PGHOST / PGDATABASE) instead of a file path.',
  examples: {
    bad: 'DB_FILE=/srv/app/trades.db\n',
    good: 'PGDATABASE=trades\n',
    filename: 'backup.sh',
  },
  detect({ dbPaths }) {
    return dbPaths
      .filter((p) => p.kind === 'file')
      .map((p) => ({
        range: p.range,
        message: `SQLite database file \`${p.value.length > 80 ? `${p.value.slice(0, 77)}...` : p.value}\``,
      }));
  },
});
