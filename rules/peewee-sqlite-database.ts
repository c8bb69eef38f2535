import { defineRule } from '../src/model/rule.js';
import { thirdPartyHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL013',
  name: 'peewee-sqlite-database',
  title: 'peewee is configured with a SQLite database',
  severity: 'error',
  category: 'third-party',
  rationale: 'peewee models bound to `SqliteDatabase` run SQLite SQL; the database object is the one place to switch.',
  postgres: '`PostgresqlDatabase(name, user=…, host=…)` (or `PooledPostgresqlDatabase`).',
  examples: {
    bad: 'from peewee import SqliteDatabase\ndb = SqliteDatabase("app.db")\n',
    good: 'from peewee import PostgresqlDatabase\ndb = PostgresqlDatabase("app")\n',
  },
  detect(facts) {
    return thirdPartyHits(facts, 'peewee', (u) => `peewee \`${u.name}\` selects SQLite; use \`PostgresqlDatabase\``);
  },
});
