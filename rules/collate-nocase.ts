import type { SqlToken } from '../src/model/facts.js';
import { defineRule } from '../src/model/rule.js';
import { isWord, quotedContent } from '../src/sql/clauses.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

const ADVICE: Record<string, string> = {
  NOCASE: 'use the `citext` type, `lower()` on both sides, or a nondeterministic ICU collation',
  RTRIM: 'compare `rtrim(x)` values instead',
  BINARY: 'write `COLLATE "C"` for byte order',
};

/** The collation named after COLLATE: `NOCASE`, `"nocase"` or `'nocase'`, upper-cased. */
function collationName(t: SqlToken | undefined): string | undefined {
  if (!t) return undefined;
  if (isWord(t)) return t.upper;
  if (t.type === 'quoted-identifier' || t.type === 'string') return quotedContent(t).toUpperCase();
  return undefined;
}

export default defineRule({
  id: 'SQL321',
  name: 'collate-nocase',
  title: 'SQL uses a SQLite built-in collation (NOCASE, RTRIM, BINARY)',
  severity: 'warning',
  category: 'sqlite-sql',
  rationale:
    'NOCASE, RTRIM and BINARY are SQLite\'s built-in collations; PostgreSQL has none of them ' +
    '(`collation "nocase" does not exist`). Case-insensitive uniqueness and comparisons need citext, ' +
    'lower() expressions (and a matching index) or an ICU collation with `deterministic = false`; ' +
    'BINARY is PostgreSQL\'s "C" collation.',
  postgres: '`citext` or `lower(x)` comparisons for NOCASE, `rtrim(x)` for RTRIM, `COLLATE "C"` for BINARY',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("CREATE TABLE users (email TEXT COLLATE NOCASE UNIQUE)")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("CREATE TABLE users (email TEXT UNIQUE)")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (_sql, sig) => {
      const hits: { range: { start: number; end: number }; message: string }[] = [];
      sig.forEach((t, i) => {
        if (!isWord(t, 'COLLATE')) return;
        const nameToken = sig[i + 1];
        const name = collationName(nameToken);
        const advice = name === undefined ? undefined : ADVICE[name];
        if (!advice || !nameToken) return;
        hits.push({
          range: { start: t.start, end: nameToken.end },
          message: `\`COLLATE ${nameToken.text}\` is a SQLite collation PostgreSQL lacks: ${advice}`,
        });
      });
      return hits;
    });
  },
});
