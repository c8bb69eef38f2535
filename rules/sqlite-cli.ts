import { defineRule } from '../src/model/rule.js';

export default defineRule({
  id: 'SQL015',
  name: 'sqlite-cli',
  title: 'The `sqlite3` command-line shell is run or installed',
  severity: 'warning',
  category: 'third-party',
  rationale:
    'Backup jobs, health checks and maintenance scripts that run `sqlite3 app.db …` (or install the sqlite3 ' +
    'package for it) keep working on the old SQLite file after the application has moved, silently.',
  postgres: '`psql "$DATABASE_URL" -c …` for queries, `pg_dump` / `pg_restore` for backups, `pg_isready` for health checks.',
  examples: {
    bad: 'sqlite3 /srv/app/app.db .dump > /backup/app.sql\n',
    good: 'pg_dump "$DATABASE_URL" > /backup/app.sql\n',
    filename: 'backup.sh',
  },
  detect({ thirdParty }) {
    return thirdParty
      .filter((t) => t.kind === 'sqlite-cli')
      .map((t) => ({
        range: t.range,
        message: t.name.includes(' ')
          ? `\`${t.name}\` installs the SQLite command-line shell; install postgresql-client (psql, pg_dump) instead`
          : `\`${t.name}\` runs the SQLite command-line shell; use psql or pg_dump against PostgreSQL`,
      }));
  },
});
