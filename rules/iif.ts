import { defineRule } from '../src/model/rule.js';
import { callArgTexts, callRange, sqlCalls } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL327',
  name: 'iif',
  title: 'SQL calls SQLite `iif()`',
  severity: 'error',
  category: 'sqlite-sql',
  rationale: 'PostgreSQL has no iif function; the statement fails with "function iif does not exist".',
  postgres: '`CASE WHEN cond THEN a ELSE b END`',
  fixedBy: 'iif-to-case',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT iif(qty > 0, \'in stock\', \'sold out\') FROM items")\n',
    good:
      'import sqlite3\n\nconn = sqlite3.connect("app.db")\n' +
      'conn.execute("SELECT CASE WHEN qty > 0 THEN \'in stock\' ELSE \'sold out\' END FROM items")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (sql, sig) =>
      sqlCalls(sig, ['IIF']).map((call) => {
        const args = callArgTexts(sql, sig, call, 30);
        let suggestion = 'CASE WHEN cond THEN a ELSE b END';
        // iif(c, a, b); SQLite 3.48 also accepts iif(c, a), whose else is NULL
        if (args?.length === 3) suggestion = `CASE WHEN ${args[0]} THEN ${args[1]} ELSE ${args[2]} END`;
        else if (args?.length === 2) suggestion = `CASE WHEN ${args[0]} THEN ${args[1]} END`;
        return {
          range: callRange(sig, call),
          message: `\`${call.name.text}()\` is SQLite-only: PostgreSQL writes \`${suggestion}\``,
        };
      }),
    );
  },
});
