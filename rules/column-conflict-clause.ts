import { defineRule } from '../src/model/rule.js';
import { keywordRuns } from '../src/sql/analyze.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL322',
  name: 'column-conflict-clause',
  title: 'A table constraint carries a SQLite `ON CONFLICT` resolution',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'In SQLite a constraint may name how violations are resolved (`UNIQUE ON CONFLICT REPLACE`, ' +
    '`NOT NULL ON CONFLICT IGNORE`), silently changing every INSERT into the table. PostgreSQL constraints ' +
    'have no such clause (syntax error) and always raise; the behaviour has to move into the INSERT ' +
    'statements. The upsert form `INSERT … ON CONFLICT (…) DO …` is portable and not reported.',
  postgres: 'drop the clause; write `INSERT … ON CONFLICT (key) DO UPDATE SET …` / `DO NOTHING` where it mattered',
  examples: {
    bad:
      'import sqlite3\n\nconn = sqlite3.connect("app.db")\n' +
      'conn.execute("CREATE TABLE prices (sym TEXT UNIQUE ON CONFLICT REPLACE, px DOUBLE PRECISION)")\n',
    good:
      'import sqlite3\n\nconn = sqlite3.connect("app.db")\n' +
      'conn.execute("INSERT INTO prices (sym, px) VALUES (\'A\', 1) ON CONFLICT (sym) DO UPDATE SET px = excluded.px")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (_sql, sig) =>
      // `ON CONFLICT REPLACE` only parses inside a constraint; the upsert is `ON CONFLICT (` or `ON CONFLICT DO`
      keywordRuns(sig, ['ON', 'CONFLICT', 'ROLLBACK|ABORT|FAIL|IGNORE|REPLACE']).map((run) => {
        const action = sig[run.last]!;
        const insert =
          action.upper === 'IGNORE'
            ? '`INSERT … ON CONFLICT DO NOTHING`'
            : action.upper === 'REPLACE'
              ? '`INSERT … ON CONFLICT (key) DO UPDATE SET …`'
              : 'explicit error handling in the writing code';
        return {
          range: { start: sig[run.first]!.start, end: action.end },
          message: `\`ON CONFLICT ${action.text}\` in a constraint is SQLite-only: PostgreSQL rejects it, use ${insert} instead`,
        };
      }),
    );
  },
});
