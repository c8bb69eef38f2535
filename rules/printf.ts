import { defineRule } from '../src/model/rule.js';
import { callRange, sqlCalls } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL314',
  name: 'printf',
  title: 'SQL calls SQLite `printf()`',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'PostgreSQL has no printf function. Its format() understands only %s, %I, %L and %%, so C-style codes ' +
    'such as %d, %5.2f or %05d have to become to_char() patterns or casts.',
  postgres: "`format('%s', x)` for plain text, `to_char(x, '99990.00')` / `lpad(x::text, 5, '0')` for numbers",
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT printf(\'%.2f\', price) FROM items")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT to_char(price, \'FM999990.00\') FROM items")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (sql, sig) =>
      sqlCalls(sig, ['PRINTF']).map((call) => ({
        range: callRange(sig, call),
        message:
          `\`${call.name.text}()\` is SQLite-only: PostgreSQL's \`format()\` takes only %s/%I/%L, ` +
          'so rewrite numeric codes with `to_char()` or casts',
      })),
    );
  },
});
