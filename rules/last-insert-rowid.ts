import { defineRule } from '../src/model/rule.js';
import { functionCalls, tokenRange } from '../src/sql/analyze.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

const REPLACEMENT: Record<string, string> = {
  LAST_INSERT_ROWID: '`INSERT … RETURNING id`',
  CHANGES: "the driver's row count (`cursor.rowcount`), or `RETURNING` on the statement",
  TOTAL_CHANGES: "no equivalent; add up the driver's row counts (`cursor.rowcount`)",
};
const NAMES = Object.keys(REPLACEMENT);

export default defineRule({
  id: 'SQL310',
  name: 'last-insert-rowid',
  title: 'SQL calls `last_insert_rowid()`, `changes()` or `total_changes()`',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'These functions read per-connection counters that only SQLite keeps; PostgreSQL has no such functions. ' +
    'The inserted id comes back from `RETURNING`, row counts from the driver.',
  postgres: '`INSERT … RETURNING id`; row counts from the driver (`cursor.rowcount`)',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("SELECT last_insert_rowid()")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("INSERT INTO users (name) VALUES (?) RETURNING id", ("a",))\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (_sql, sig) =>
      functionCalls(sig, NAMES).map((call) => ({
        range: tokenRange(sig, call.nameIndex, call.close < 0 ? call.open : call.close),
        message: `\`${call.name.text}()\` is SQLite-only; PostgreSQL: ${REPLACEMENT[call.name.upper ?? ''] ?? ''}`,
      })),
    );
  },
});
