import { defineRule } from '../src/model/rule.js';
import { keywordRuns, tokenRange } from '../src/sql/analyze.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL303',
  name: 'conflict-resolution-clause',
  title: 'SQL uses a SQLite conflict clause (`INSERT OR ABORT|FAIL|ROLLBACK`, `UPDATE OR …`)',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'PostgreSQL has no per-statement conflict resolution: the clause is a syntax error there, and its ' +
    'behaviour (keep earlier changes, roll the transaction back, skip the row) must be written out by hand.',
  postgres: 'the plain statement, with explicit error handling (savepoint, `ON CONFLICT`, or a transaction rollback)',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("UPDATE OR IGNORE users SET email = ? WHERE id = ?", ("a@b", 1))\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("UPDATE users SET email = ? WHERE id = ?", ("a@b", 1))\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (_sql, sig) => {
      const runs = [
        ...keywordRuns(sig, ['INSERT', 'OR', 'ABORT|FAIL|ROLLBACK']),
        ...keywordRuns(sig, ['UPDATE', 'OR', 'ABORT|FAIL|ROLLBACK|IGNORE|REPLACE']),
      ];
      return runs.map((run) => {
        const found = sig.slice(run.first, run.last + 1).map((t) => t.upper).join(' ');
        return {
          range: tokenRange(sig, run.first, run.last),
          message: `\`${found}\` is SQLite-only; PostgreSQL: a plain \`${sig[run.first]!.upper}\` with explicit error handling`,
        };
      });
    });
  },
});
