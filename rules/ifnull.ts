import { defineRule } from '../src/model/rule.js';
import { callArgTexts, callRange, sqlCalls } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL311',
  name: 'ifnull',
  title: 'SQL calls SQLite `IFNULL()`',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'PostgreSQL has no IFNULL function, so the statement fails with "function ifnull does not exist". ' +
    'COALESCE is the standard spelling and behaves the same for two arguments.',
  postgres: '`COALESCE(a, b)`',
  fixedBy: 'ifnull-to-coalesce',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT IFNULL(nick, name) FROM users")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT COALESCE(nick, name) FROM users")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (sql, sig) =>
      sqlCalls(sig, ['IFNULL']).map((call) => {
        const args = callArgTexts(sql, sig, call);
        const shown = args ? args.join(', ') : '…';
        return {
          range: callRange(sig, call),
          message: `\`${call.name.text}(${shown})\` is SQLite-only: PostgreSQL writes \`COALESCE(${shown})\``,
        };
      }),
    );
  },
});
