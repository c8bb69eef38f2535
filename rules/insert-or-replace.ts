import { defineRule } from '../src/model/rule.js';
import { keywordRuns, tokenRange } from '../src/sql/analyze.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL301',
  name: 'insert-or-replace',
  title: 'SQL uses SQLite `INSERT OR REPLACE` / `REPLACE INTO`',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'PostgreSQL has neither form. The upsert needs the conflict key spelled out, and SQLite deletes and ' +
    're-inserts the row (new rowid, ON DELETE cascades, omitted columns reset) where an upsert updates in place.',
  postgres: '`INSERT … ON CONFLICT (key) DO UPDATE SET col = EXCLUDED.col, …`',
  fixedBy: 'insert-or-replace-to-upsert',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("INSERT OR REPLACE INTO prices (sym, px) VALUES (?, ?)", ("A", 1.0))\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("INSERT INTO prices (sym, px) VALUES (?, ?) ON CONFLICT (sym) DO UPDATE SET px = excluded.px", ("A", 1.0))\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (_sql, sig) => {
      const hits = keywordRuns(sig, ['INSERT', 'OR', 'REPLACE']).map((run) => ({
        range: tokenRange(sig, run.first, run.last),
        message: '`INSERT OR REPLACE` is SQLite-only; PostgreSQL: `INSERT … ON CONFLICT (key) DO UPDATE SET col = EXCLUDED.col`',
      }));
      // REPLACE INTO t …: `replace(` is the string function and `OR REPLACE INTO` is the form above
      for (const run of keywordRuns(sig, ['REPLACE', 'INTO'])) {
        const prev = sig[run.first - 1];
        if (prev && prev.upper === 'OR') continue;
        hits.push({
          range: tokenRange(sig, run.first, run.last),
          message: '`REPLACE INTO` is SQLite-only; PostgreSQL: `INSERT … ON CONFLICT (key) DO UPDATE SET col = EXCLUDED.col`',
        });
      }
      return hits;
    });
  },
});
