import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL110',
  name: 'sqlite-exception',
  title: 'A sqlite3 exception class is referenced',
  severity: 'error',
  category: 'sqlite-api',
  rationale:
    'Handlers for sqlite3.IntegrityError and friends never see psycopg errors, so error handling silently stops working. In PostgreSQL a failed statement also aborts the transaction: code that catches IntegrityError and carries on needs a savepoint or ON CONFLICT.',
  postgres: '`psycopg.errors.UniqueViolation` / `psycopg.IntegrityError`, `psycopg.OperationalError`, `psycopg.Error`.',
  fixedBy: 'sqlite-exceptions-to-driver',
  examples: {
    bad: 'import sqlite3\ntry:\n    pass\nexcept sqlite3.IntegrityError:\n    pass\n',
    good: 'import psycopg\ntry:\n    pass\nexcept psycopg.IntegrityError:\n    pass\n',
  },
  detect(facts) {
    return apiHits(facts, 'exception', (u) => `\`${u.name}\` is a sqlite3 exception; catch the PostgreSQL driver's exception instead`);
  },
});
