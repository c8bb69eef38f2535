import { defineRule } from '../src/model/rule.js';
import { callArgTexts, callRange, sqlCalls } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL315',
  name: 'typeof',
  title: 'SQL calls SQLite `typeof()`',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'PostgreSQL has no typeof function. pg_typeof() exists but reports the declared type of the ' +
    "expression ('integer', 'text', 'double precision', 'bytea') rather than SQLite's per-value storage " +
    "class ('integer', 'real', 'text', 'blob', 'null'), so code comparing the result needs review.",
  postgres: '`pg_typeof(x)` (different type names; a column has one type for every row)',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT id FROM t WHERE typeof(val) = \'text\'")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT id FROM t WHERE pg_typeof(val) = \'text\'::regtype")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (sql, sig) =>
      sqlCalls(sig, ['TYPEOF']).map((call) => {
        const args = callArgTexts(sql, sig, call);
        const shown = args ? args.join(', ') : '…';
        return {
          range: callRange(sig, call),
          message:
            `\`${call.name.text}(${shown})\` is SQLite-only: PostgreSQL has \`pg_typeof(${shown})\`, ` +
            'which returns different type names',
        };
      }),
    );
  },
});
