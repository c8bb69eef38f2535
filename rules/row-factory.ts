import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL102',
  name: 'row-factory',
  title: 'A sqlite3 row factory is used',
  severity: 'warning',
  category: 'sqlite-api',
  rationale:
    '`row_factory = sqlite3.Row` gives rows addressable by name and index; psycopg returns tuples unless told otherwise, so code that reads `row["name"]` breaks.',
  postgres: 'psycopg 3 `conn.row_factory = dict_row` (psycopg.rows) or psycopg2 `cursor_factory=RealDictCursor` (psycopg2.extras).',
  examples: {
    bad: 'import sqlite3\nconn = sqlite3.connect("app.db")\nconn.row_factory = sqlite3.Row\n',
    good: 'import psycopg\nfrom psycopg.rows import dict_row\nconn = psycopg.connect("dbname=app", row_factory=dict_row)\n',
  },
  detect(facts) {
    return apiHits(facts, 'row-factory', (u) => `\`${u.name}\` is sqlite3's row factory; psycopg: \`row_factory=dict_row\` / \`RealDictCursor\``);
  },
});
