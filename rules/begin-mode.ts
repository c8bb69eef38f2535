import { defineRule } from '../src/model/rule.js';
import { keywordRuns } from '../src/sql/analyze.js';
import { isWord, startsStatement } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL319',
  name: 'begin-mode',
  title: 'SQL starts a transaction with a SQLite locking mode',
  severity: 'warning',
  category: 'sqlite-sql',
  rationale:
    'BEGIN DEFERRED/IMMEDIATE/EXCLUSIVE choose when SQLite takes its database-wide write lock; PostgreSQL ' +
    'rejects the words (syntax error) and locks rows instead. Plain BEGIN is the equivalent of DEFERRED; ' +
    'code that relied on IMMEDIATE or EXCLUSIVE to serialise writers needs SELECT … FOR UPDATE, LOCK TABLE ' +
    'or a SERIALIZABLE transaction.',
  postgres: '`BEGIN` (plus `SELECT … FOR UPDATE` or `LOCK TABLE` where a write lock was intended)',
  fixedBy: 'begin-mode-to-begin',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db", isolation_level=None)\nconn.execute("BEGIN IMMEDIATE")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db", isolation_level=None)\nconn.execute("BEGIN")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (_sql, sig) =>
      keywordRuns(sig, ['BEGIN', 'IMMEDIATE|EXCLUSIVE|DEFERRED'])
        // not the BEGIN of a trigger body: CREATE TRIGGER … BEGIN UPDATE …; END
        .filter((run) => startsStatement(sig, run.first))
        .map((run) => {
          const mode = sig[run.last]!;
          const advice = isWord(mode, 'DEFERRED')
            ? 'write plain `BEGIN`'
            : 'write `BEGIN` and lock what must not change with `SELECT … FOR UPDATE` or `LOCK TABLE`';
          return {
            range: { start: sig[run.first]!.start, end: mode.end },
            message: `\`${sig[run.first]!.text} ${mode.text}\` is a SQLite locking mode that PostgreSQL rejects: ${advice}`,
          };
        }),
    );
  },
});
