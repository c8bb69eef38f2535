import type { SqlString, SqlToken } from '../src/model/facts.js';
import { defineRule } from '../src/model/rule.js';
import { isPunct, isWord, isWordIn, nameChainEnd, shortText } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

/** What PostgreSQL's IS accepts after it: IS [NOT] NULL/TRUE/FALSE/UNKNOWN, IS [NOT] DISTINCT FROM. */
export const PG_IS_OPERANDS: ReadonlySet<string> = new Set(['NULL', 'TRUE', 'FALSE', 'UNKNOWN', 'DISTINCT']);

/** The operand when it is one short token or name chain (`?`, `:uid`, `'x'`, `b.code`), or `…`. */
function operandText(sql: SqlString, sig: SqlToken[], i: number): string {
  const t = sig[i];
  if (!t || isPunct(t, '(')) return '…';
  const last = nameChainEnd(sig, i);
  if (isPunct(sig[last + 1], '(') || isPunct(sig[last + 1], '.')) return '…';
  return shortText(sql, sig, i, last, 30);
}

export default defineRule({
  id: 'SQL328',
  name: 'is-value-comparison',
  title: 'SQL compares values with `IS` / `IS NOT`',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'SQLite\'s IS and IS NOT compare any two values with NULL counted equal to NULL (`a IS ?` matches when ' +
    'both are NULL). PostgreSQL\'s IS takes only NULL, TRUE, FALSE and UNKNOWN; the null-safe comparison is ' +
    'spelled IS [NOT] DISTINCT FROM. `IS NULL`, `IS NOT NULL`, `IS TRUE` and `IS DISTINCT FROM` are fine.',
  postgres: '`a IS NOT DISTINCT FROM b` for `a IS b`, `a IS DISTINCT FROM b` for `a IS NOT b`',
  fixedBy: 'is-value-to-distinct-from',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT id FROM tasks WHERE owner IS ?", (None,))\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT id FROM tasks WHERE owner IS NULL")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (sql, sig) => {
      const hits: { range: { start: number; end: number }; message: string }[] = [];
      sig.forEach((t, i) => {
        if (!isWord(t, 'IS')) return;
        const negated = isWord(sig[i + 1], 'NOT');
        const operand = negated ? i + 2 : i + 1;
        const next = sig[operand];
        // `x IS` cut short by `)`, `,` or `;` is not a comparison we can read
        if (!next || (next.type === 'punctuation' && next.text !== '(') || isWordIn(next, PG_IS_OPERANDS)) return;
        const last = negated ? sig[i + 1]! : t;
        const shown = operandText(sql, sig, operand);
        const found = `${t.text}${negated ? ` ${last.text}` : ''} ${shown}`;
        const pg = `IS ${negated ? '' : 'NOT '}DISTINCT FROM ${shown}`;
        hits.push({
          range: { start: t.start, end: last.end },
          message: `\`${found}\` compares values, which PostgreSQL's IS cannot: write \`${pg}\``,
        });
      });
      return hits;
    });
  },
});
