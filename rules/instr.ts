import { defineRule } from '../src/model/rule.js';
import { callArgTexts, callRange, sqlCalls } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL313',
  name: 'instr',
  title: 'SQL calls SQLite `INSTR()`',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'PostgreSQL has no INSTR function; the statement fails with "function instr does not exist". ' +
    'STRPOS takes the same arguments in the same order and also returns a 1-based position or 0.',
  postgres: '`STRPOS(haystack, needle)`',
  fixedBy: 'instr-to-strpos',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT id FROM users WHERE INSTR(email, \'@\') > 0")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT id FROM users WHERE STRPOS(email, \'@\') > 0")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (sql, sig) =>
      sqlCalls(sig, ['INSTR']).map((call) => {
        const args = callArgTexts(sql, sig, call);
        const shown = args ? args.join(', ') : '…';
        return {
          range: callRange(sig, call),
          message: `\`${call.name.text}(${shown})\` is SQLite-only: PostgreSQL writes \`STRPOS(${shown})\``,
        };
      }),
    );
  },
});
