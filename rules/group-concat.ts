import { defineRule } from '../src/model/rule.js';
import { callRange, isNameChain, isWord, shortText, sqlCalls } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

export default defineRule({
  id: 'SQL312',
  name: 'group-concat',
  title: 'SQL calls SQLite `GROUP_CONCAT()`',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'PostgreSQL has no GROUP_CONCAT aggregate. Its STRING_AGG always takes the separator (SQLite defaults ' +
    'to a comma) and only aggregates text, so non-text values need a cast.',
  postgres: "`STRING_AGG(x::text, ',')` (or `STRING_AGG(x::text, sep)`)",
  fixedBy: 'group-concat-to-string-agg',
  examples: {
    bad:
      'import sqlite3\n\nconn = sqlite3.connect("app.db")\n' +
      'conn.execute("SELECT user_id, GROUP_CONCAT(tag) FROM tags GROUP BY user_id")\n',
    good:
      'import sqlite3\n\nconn = sqlite3.connect("app.db")\n' +
      'conn.execute("SELECT user_id, STRING_AGG(tag, \',\') FROM tags GROUP BY user_id")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (sql, sig) =>
      sqlCalls(sig, ['GROUP_CONCAT']).map((call) => {
        let suggestion = 'STRING_AGG(x::text, sep)';
        const [value, separator] = call.args;
        if (call.close >= 0 && value && value.first <= value.last && call.args.length <= 2) {
          // GROUP_CONCAT(DISTINCT tag) -> STRING_AGG(DISTINCT tag::text, ',')
          const distinct = isWord(sig[value.first], 'DISTINCT');
          const first = distinct ? value.first + 1 : value.first;
          let x = shortText(sql, sig, first, value.last, 30);
          if (!isNameChain(sig, first, value.last) && x !== '…') x = `(${x})`;
          const sep = separator ? shortText(sql, sig, separator.first, separator.last, 30) : "','";
          suggestion = `STRING_AGG(${distinct ? 'DISTINCT ' : ''}${x}::text, ${sep})`;
        }
        return {
          range: callRange(sig, call),
          message: `\`${call.name.text}()\` is SQLite-only: PostgreSQL writes \`${suggestion}\``,
        };
      }),
    );
  },
});
