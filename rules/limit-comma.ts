import type { SqlString, SqlToken } from '../src/model/facts.js';
import { defineRule } from '../src/model/rule.js';
import { isPunct, isWord, shortText } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

/** `LIMIT a, b` at `limit`: the comma's index, and where `b` ends; undefined for `LIMIT a [OFFSET b]`. */
export function limitComma(sig: SqlToken[], limit: number): { comma: number; last: number } | undefined {
  let depth = 0;
  let comma = -1;
  let i = limit + 1;
  for (; i < sig.length; i++) {
    const t = sig[i]!;
    if (isPunct(t, '(')) depth++;
    else if (isPunct(t, ')')) {
      // (SELECT … LIMIT 1), next_column: the paren closes the subquery the LIMIT belongs to
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (isPunct(t, ';') || isWord(t, 'OFFSET'))) break;
    else if (depth === 0 && isPunct(t, ',')) {
      if (comma >= 0) break;
      comma = i;
    }
  }
  if (comma < 0 || comma === limit + 1 || comma === i - 1) return undefined;
  return { comma, last: i - 1 };
}

function hitsIn(sql: SqlString, sig: SqlToken[]): { range: { start: number; end: number }; message: string }[] {
  const hits: { range: { start: number; end: number }; message: string }[] = [];
  sig.forEach((t, i) => {
    if (!isWord(t, 'LIMIT')) return;
    const found = limitComma(sig, i);
    if (!found) return;
    const offset = shortText(sql, sig, i + 1, found.comma - 1, 30);
    const count = shortText(sql, sig, found.comma + 1, found.last, 30);
    hits.push({
      range: { start: t.start, end: sig[found.last]!.end },
      message:
        `\`LIMIT ${offset}, ${count}\` puts the offset first, which PostgreSQL rejects: ` +
        `write \`LIMIT ${count} OFFSET ${offset}\``,
    });
  });
  return hits;
}

export default defineRule({
  id: 'SQL318',
  name: 'limit-comma',
  title: 'SQL uses SQLite\'s `LIMIT offset, count` form',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'SQLite (like MySQL) reads `LIMIT a, b` as offset a, count b. PostgreSQL rejects the comma form ' +
    '("LIMIT #,# syntax is not supported"); the two numbers swap places in the portable spelling.',
  postgres: '`LIMIT b OFFSET a`',
  fixedBy: 'limit-comma-to-offset',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT id FROM posts ORDER BY id LIMIT 20, 10")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT id FROM posts ORDER BY id LIMIT 10 OFFSET 20")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, hitsIn);
  },
});
