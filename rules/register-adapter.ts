import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL106',
  name: 'register-adapter',
  title: 'A sqlite3 type adapter or converter is registered',
  severity: 'warning',
  category: 'sqlite-api',
  rationale:
    'register_adapter/register_converter change how Python values are stored and read back in SQLite; psycopg has its own adaptation system and PostgreSQL has real types.',
  postgres: 'psycopg 3 `adapters.register_dumper/register_loader` or psycopg2 `register_adapter`; usually a native column type is enough.',
  examples: {
    bad: 'import sqlite3, decimal\nsqlite3.register_adapter(decimal.Decimal, str)\n',
    good: 'import decimal\nvalue = decimal.Decimal("1.5")\n',
  },
  detect(facts) {
    return apiHits(facts, 'register-adapter', (u) => `\`${u.name}()\` is sqlite3 type adaptation; use a native PostgreSQL type or psycopg's adapters`);
  },
});
