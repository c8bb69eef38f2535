import { defineRule } from '../src/model/rule.js';
import { apiHits } from '../src/rules/facts.js';

export default defineRule({
  id: 'SQL103',
  name: 'lastrowid',
  title: '`cursor.lastrowid` reads the id of the inserted row',
  severity: 'error',
  category: 'sqlite-api',
  rationale:
    'psycopg2 returns the row OID (0/None on ordinary tables) and psycopg 3 has no lastrowid: the code silently gets no id.',
  postgres: '`INSERT … RETURNING id` and `cur.fetchone()[0]`.',
  fixedBy: 'lastrowid-to-returning',
  examples: {
    bad: 'import sqlite3\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("INSERT INTO orders (sym) VALUES (?)", ("BTC",))\norder_id = cur.lastrowid\n',
    good: 'import psycopg\nconn = psycopg.connect("dbname=app")\ncur = conn.cursor()\ncur.execute("INSERT INTO orders (sym) VALUES (%s) RETURNING id", ("BTC",))\norder_id = cur.fetchone()[0]\n',
  },
  detect(facts) {
    const js = facts.language === 'javascript' || facts.language === 'typescript';
    return apiHits(facts, 'lastrowid', (u) =>
      js
        ? `\`${u.name}\` is the SQLite rowid of the last insert; node-postgres has none: use \`INSERT … RETURNING id\` and \`result.rows[0].id\``
        : `\`${u.name}\` has no PostgreSQL equivalent; use \`INSERT … RETURNING id\` and \`fetchone()[0]\``,
    );
  },
});
