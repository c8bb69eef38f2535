import type { SqlString, SqlToken } from '../src/model/facts.js';
import { defineRule } from '../src/model/rule.js';
import { callRange, isBinaryOperatorAt, isPunct, isWord, quotedContent, sqlCalls } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

/** 'a*.txt' -> 'a%.txt' when the GLOB pattern has only `*` and `?` wildcards and no LIKE wildcards. */
function likePattern(t: SqlToken | undefined): string | undefined {
  if (!t || t.type !== 'string') return undefined;
  const glob = quotedContent(t);
  let out = '';
  for (const ch of glob) {
    if (ch === '[' || ch === '%' || ch === '_' || ch === '\\') return undefined;
    out += ch === '*' ? '%' : ch === '?' ? '_' : ch === "'" ? "''" : ch;
  }
  return `'${out}'`;
}

function hitsIn(_sql: SqlString, sig: SqlToken[]): { range: { start: number; end: number }; message: string }[] {
  const hits: { range: { start: number; end: number }; message: string }[] = [];
  for (let i = 0; i < sig.length; i++) {
    const t = sig[i]!;
    // name GLOB 'a*', name NOT GLOB ?
    if (!isWord(t, 'GLOB') || !isBinaryOperatorAt(sig, i)) continue;
    const negated = isWord(sig[i - 1], 'NOT');
    const after = sig[i + 2];
    // a pattern that is one literal: `GLOB 'a*'`, not `GLOB 'a*' || suffix`
    const like = after && (after.type === 'operator' || isPunct(after, '.')) ? undefined : likePattern(sig[i + 1]);
    const not = negated ? 'NOT ' : '';
    const suggestion = like ? `${not}LIKE ${like}` : `${not}LIKE with % and _ (case-sensitive) or a regex \`~\``;
    hits.push({
      range: { start: t.start, end: t.end },
      message: `\`${not}${t.text}\` is SQLite-only: PostgreSQL writes ${like ? `\`${suggestion}\`` : suggestion}`,
    });
  }
  // glob('a*', name): the function form of the operator, arguments swapped
  for (const call of sqlCalls(sig, ['GLOB'])) {
    if (isBinaryOperatorAt(sig, call.nameIndex)) continue;
    hits.push({
      range: callRange(sig, call),
      message: `\`${call.name.text}(pattern, x)\` is SQLite-only: PostgreSQL writes \`x LIKE pattern\` with % and _ wildcards, or \`x ~ regex\``,
    });
  }
  return hits;
}

export default defineRule({
  id: 'SQL316',
  name: 'glob-operator',
  title: 'SQL uses the SQLite `GLOB` operator',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'PostgreSQL has no GLOB operator or glob() function. GLOB is case-sensitive with Unix wildcards ' +
    '(`*`, `?`, `[...]`); PostgreSQL LIKE is case-sensitive too, so translating the wildcards (`*` to `%`, ' +
    '`?` to `_`) keeps the meaning; character classes need a regular expression (`~`).',
  postgres: "`x LIKE 'a%'` (from `x GLOB 'a*'`), or `x ~ '^a[0-9]'` for character classes",
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT path FROM files WHERE path GLOB \'*.txt\'")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("SELECT path FROM files WHERE path LIKE \'%.txt\'")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, hitsIn);
  },
});
