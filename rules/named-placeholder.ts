import type { SqlToken } from '../src/model/facts.js';
import { defineRule } from '../src/model/rule.js';
import { placeholders, tokensOf } from '../src/sql/analyze.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

/** `x::text`: SQLite reads an illegal `:` and then `:text`; that is a PostgreSQL cast, not a parameter. */
function isCastSuffix(tokens: SqlToken[], p: SqlToken): boolean {
  if (p.placeholder !== 'named-colon') return false;
  const i = tokens.indexOf(p);
  const prev = tokens[i - 1];
  return !!prev && prev.type === 'error' && prev.text === ':' && prev.end === p.start;
}

export default defineRule({
  id: 'SQL203',
  name: 'named-placeholder',
  title: 'Executed SQL uses SQLite named placeholders (`:name`, `@name`, `$name`)',
  severity: 'error',
  category: 'placeholder',
  rationale:
    'psycopg spells named parameters `%(name)s` and asyncpg / node-postgres only take positional `$n`; ' +
    'a `:name` reaches PostgreSQL as a syntax error.',
  postgres: '`%(name)s` (psycopg), `$n` (asyncpg, node-postgres)',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("SELECT name FROM users WHERE id = :id", {"id": 1})\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("SELECT name FROM users WHERE id = %(id)s", {"id": 1})\n',
  },
  detect(facts) {
    return sqlRuleHits(
      facts,
      (sql) => {
        const tokens = tokensOf(sql);
        return placeholders(sql)
          .filter((p) => p.placeholder === 'named-colon' || p.placeholder === 'named-at' || p.placeholder === 'named-dollar')
          .filter((p) => !isCastSuffix(tokens, p))
          .map((p) => ({
            range: { start: p.start, end: p.end },
            message: `\`${p.text}\` named placeholder is SQLite's style; PostgreSQL: \`%(${p.text.slice(1)})s\` (psycopg) or \`$n\` (asyncpg)`,
          }));
      },
      { executedOnly: true },
    );
  },
});
