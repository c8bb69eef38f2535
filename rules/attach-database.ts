import { defineRule } from '../src/model/rule.js';
import { isWord, startsStatement, statementAt } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL320',
  name: 'attach-database',
  title: 'SQL attaches or detaches a SQLite database file',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'ATTACH opens a second SQLite file under a schema name so one connection can join across files. ' +
    'PostgreSQL has no such statement: the attached tables have to move into a schema of the same ' +
    'database (queries keep their `alias.table` names), or be reached through postgres_fdw.',
  postgres: 'a schema in the same database (`CREATE SCHEMA archive`), or postgres_fdw for another server',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("ATTACH DATABASE \'archive.db\' AS archive")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT id FROM archive.orders")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (_sql, sig) => {
      const hits: { range: { start: number; end: number }; message: string }[] = [];
      sig.forEach((t, i) => {
        if (!isWord(t, 'ATTACH', 'DETACH') || !startsStatement(sig, i)) return;
        // ATTACH [DATABASE] expr AS name: without the AS it is not an ATTACH statement
        if (t.upper === 'ATTACH' && !sig.slice(i + 1, statementAt(sig, i).last + 1).some((w) => isWord(w, 'AS'))) return;
        const db = sig[i + 1];
        const last = isWord(db, 'DATABASE') ? db : t;
        const words = last === t ? t.text : `${t.text} ${last.text}`;
        hits.push({
          range: { start: t.start, end: last.end },
          message:
            t.upper === 'ATTACH'
              ? `\`${words}\` is SQLite-only: PostgreSQL cannot attach database files, move the tables into a schema (or use postgres_fdw)`
              : `\`${words}\` is SQLite-only: PostgreSQL has no attached databases, drop the statement`,
        });
      });
      return hits;
    });
  },
});
