import { defineRule } from '../src/model/rule.js';
import { tokenRange } from '../src/sql/analyze.js';
import { createTables } from '../src/sql/ddl.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL306',
  name: 'without-rowid',
  title: 'SQL uses a SQLite table option (`WITHOUT ROWID`, `STRICT`)',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'PostgreSQL tables take neither option and the CREATE TABLE fails. Both can simply go: PostgreSQL has no ' +
    'rowid, and it always enforces column types.',
  postgres: 'drop the option',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (_sql, sig) =>
      createTables(sig).flatMap((table) =>
        table.options.flatMap((o) => {
          const a = sig[o.first];
          const b = sig[o.first + 1];
          // CREATE TABLE t (…) WITHOUT ROWID, STRICT
          if (a?.upper === 'WITHOUT' && b?.upper === 'ROWID' && o.last === o.first + 1) {
            return [{
              range: tokenRange(sig, o.first, o.last),
              message: '`WITHOUT ROWID` is a SQLite-only table option; PostgreSQL: drop it (tables have no rowid)',
            }];
          }
          if (a?.upper === 'STRICT' && o.last === o.first) {
            return [{
              range: tokenRange(sig, o.first, o.last),
              message: '`STRICT` is a SQLite-only table option; PostgreSQL: drop it (column types are always enforced)',
            }];
          }
          return [];
        }),
      ),
    );
  },
});
