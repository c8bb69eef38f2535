import { defineRule } from '../src/model/rule.js';

export default defineRule({
  id: 'SQL011',
  name: 'sqlite-url',
  title: 'A `sqlite:` database URL',
  severity: 'error',
  category: 'third-party',
  rationale:
    'A `sqlite:///…` URL (SQLAlchemy, Alembic, Django-environ, Sequelize) makes the application open a local ' +
    'SQLite file whatever driver code sits behind it; it has to name the PostgreSQL server instead.',
  postgres: '`postgresql://user@host:5432/dbname` (or `postgresql+psycopg://…` for SQLAlchemy), read from the environment.',
  examples: {
    bad: 'DATABASE_URL=sqlite:///data/app.db\n',
    good: 'DATABASE_URL=postgresql://app@db:5432/app\n',
    filename: '.env',
  },
  detect({ dbPaths }) {
    return dbPaths
      .filter((p) => p.kind === 'url')
      .map((p) => ({
        range: p.range,
        message: `SQLite URL \`${clip(p.value)}\`: point it at the PostgreSQL server (postgresql://…)`,
      }));
  },
});

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
