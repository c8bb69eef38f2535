import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL105',
  name: 'create-function',
  title: 'A Python function or extension is registered with SQLite',
  severity: 'warning',
  category: 'sqlite-api',
  rationale:
    'create_function/create_aggregate/create_collation and load_extension extend SQLite inside the process; PostgreSQL needs the function defined in the database.',
  postgres: '`CREATE FUNCTION … LANGUAGE sql|plpgsql`, a collation (`CREATE COLLATION`), or an extension (`CREATE EXTENSION`).',
  examples: {
    bad: 'import sqlite3\nconn = sqlite3.connect("app.db")\nconn.create_function("sign", 1, lambda x: (x > 0) - (x < 0))\n',
    good: 'import sqlite3\nconn = sqlite3.connect("app.db")\nconn.commit()\n',
  },
  detect(facts) {
    return apiHits(facts, 'create-function', (u) => `\`${u.name}()\` extends SQLite in-process; define the function in PostgreSQL (CREATE FUNCTION / CREATE EXTENSION)`);
  },
});
