import type { FileFacts, SqlToken } from '../src/model/facts.js';
import { defineRule } from '../src/model/rule.js';
import { keywordRuns, significant, tokensOf } from '../src/sql/analyze.js';
import { isBinaryOperatorAt, isPunct, isWord, quotedContent } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

/** A pattern literal with no ASCII letter (`'%2024%'`, `'é%'`) matches the same in both databases. */
function caseDoesNotMatter(pattern: SqlToken | undefined, after: SqlToken | undefined): boolean {
  if (!pattern || pattern.type !== 'string') return false;
  // 'ab%' || suffix: the whole pattern is not known
  if (after && (after.type === 'operator' || isPunct(after, '.'))) return false;
  for (const ch of quotedContent(pattern)) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) return false;
  }
  return true;
}

/** `PRAGMA case_sensitive_like = ON` anywhere in the file: its LIKEs already match PostgreSQL's. */
function caseSensitiveLikeIsOn(facts: FileFacts): boolean {
  return facts.sqlStrings.some((sql) => {
    const sig = significant(tokensOf(sql));
    return keywordRuns(sig, ['PRAGMA', 'CASE_SENSITIVE_LIKE']).some((run) => {
      const eq = sig[run.last + 1];
      const value = sig[run.last + 2];
      if (!eq || eq.type !== 'operator' || eq.text !== '=' || !value) return false;
      return isWord(value, 'ON', 'TRUE', 'YES') || (value.type === 'number' && value.text === '1');
    });
  });
}

export default defineRule({
  id: 'SQL326',
  name: 'like-case-insensitive',
  title: 'SQL uses `LIKE`, which is case-insensitive in SQLite only',
  severity: 'info',
  category: 'sqlite-sql',
  rationale:
    'SQLite\'s LIKE ignores the case of ASCII letters (`\'abc\' LIKE \'ABC\'` is true); PostgreSQL\'s LIKE is ' +
    'case-sensitive, so the same query silently returns fewer rows. ILIKE keeps the SQLite behaviour. ' +
    'A pattern literal without ASCII letters is not reported, since case cannot matter there, and nothing ' +
    'is reported in a file that sets `PRAGMA case_sensitive_like = ON`.',
  postgres: '`x ILIKE pattern` (or `lower(x) LIKE lower(pattern)`)',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT id FROM users WHERE name LIKE ?", ("ann%",))\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT id FROM users WHERE lower(name) = lower(?)", ("ann",))\n',
  },
  detect(facts) {
    if (caseSensitiveLikeIsOn(facts)) return [];
    return sqlRuleHits(facts, (_sql, sig) => {
      const hits: { range: { start: number; end: number }; message: string }[] = [];
      sig.forEach((t, i) => {
        if (!isWord(t, 'LIKE') || !isBinaryOperatorAt(sig, i)) return;
        if (caseDoesNotMatter(sig[i + 1], sig[i + 2])) return;
        const not = isWord(sig[i - 1], 'NOT') ? 'NOT ' : '';
        hits.push({
          range: { start: t.start, end: t.end },
          message:
            `\`${not}${t.text}\` ignores ASCII case in SQLite but not in PostgreSQL: ` +
            `write \`${not}ILIKE\` (or compare \`lower()\` values) to keep matching the same rows`,
        });
      });
      return hits;
    });
  },
});
