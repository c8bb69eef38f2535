import { defineRule } from '../src/model/rule.js';
import { thirdPartyHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL016',
  name: 'orm-sqlite-config',
  title: 'An ORM or query builder is configured for SQLite',
  severity: 'error',
  category: 'third-party',
  rationale:
    'Prisma (`provider = "sqlite"`), knex (`client: \'sqlite3\'`), Sequelize (`dialect: \'sqlite\'`), TypeORM ' +
    "(`type: 'better-sqlite3'`), MikroORM and Drizzle's SQLite drivers generate SQLite SQL and open SQLite files; " +
    'every model and migration behind them runs with SQLite semantics until the setting changes.',
  postgres: '`provider = "postgresql"`, `client: \'pg\'`, `dialect: \'postgres\'`, `type: \'postgres\'`, `drizzle-orm/node-postgres` with a connection URL.',
  examples: {
    bad: 'datasource db {\n  provider = "sqlite"\n  url      = "file:./dev.db"\n}\n',
    good: 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
    filename: 'schema.prisma',
  },
  detect(facts) {
    return thirdPartyHits(facts, 'orm-config', (u) => `\`${u.name}\` selects SQLite; configure the PostgreSQL driver instead`);
  },
});
