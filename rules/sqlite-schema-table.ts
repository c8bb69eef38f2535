import { defineRule } from '../src/model/rule.js';
import { identifierName } from '../src/sql/ddl.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

const CATALOGUE = '`information_schema.tables` (or `pg_catalog.pg_class`)';

/** SQLite's internal tables and what to read instead on PostgreSQL. */
const REPLACEMENT: Record<string, string> = {
  SQLITE_MASTER: CATALOGUE,
  SQLITE_SCHEMA: CATALOGUE,
  SQLITE_TEMP_MASTER: CATALOGUE,
  SQLITE_TEMP_SCHEMA: CATALOGUE,
  SQLITE_SEQUENCE: '`pg_sequences`, or `pg_get_serial_sequence()` with `setval()`',
  SQLITE_STAT1: '`pg_stats`',
};

export default defineRule({
  id: 'SQL308',
  name: 'sqlite-schema-table',
  title: "SQL reads SQLite's internal tables (`sqlite_master`, `sqlite_sequence`, …)",
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'These tables exist only in SQLite. PostgreSQL describes its schema in information_schema and ' +
    'pg_catalog, with other column names, so the query has to be rewritten.',
  postgres: '`information_schema.tables` / `pg_catalog`; `pg_sequences` for sequences',
  fixedBy: 'sqlite-master-to-information-schema',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("SELECT name FROM sqlite_master WHERE type = \'table\'")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = \'public\'")\n',
  },
  detect(facts) {
    // one pass over every token of every statement: no array made for a token that is not a hit
    return sqlRuleHits(facts, (_sql, sig) => {
      const hits: { range: { start: number; end: number }; message: string }[] = [];
      for (const t of sig) {
        // sqlite_master, main.sqlite_master, "sqlite_master" — but not the string 'sqlite_sequence'
        if (t.type !== 'identifier' && t.type !== 'quoted-identifier') continue;
        const name = identifierName(t);
        const replacement = REPLACEMENT[name.toUpperCase()];
        if (replacement) hits.push({ range: { start: t.start, end: t.end }, message: `\`${name}\` is SQLite's internal table; PostgreSQL: ${replacement}` });
      }
      return hits;
    });
  },
});
