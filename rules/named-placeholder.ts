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

/** `$1`: PostgreSQL's own positional parameter (what `fix` writes for asyncpg), not a SQLite name. */
function isPostgresNumbered(p: SqlToken): boolean {
  if (p.placeholder !== 'named-dollar' || p.text.length < 2) return false;
  for (let i = 1; i < p.text.length; i++) {
    const c = p.text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
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
  fixedBy: 'qmark-to-target-placeholders',
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
          .filter((p) => !isCastSuffix(tokens, p) && !isPostgresNumbered(p))
          .map((p) => ({
            range: { start: p.start, end: p.end },
            message:
              facts.language === 'javascript' || facts.language === 'typescript'
                ? `\`${p.text}\` named placeholder is SQLite's style; node-postgres takes positional \`$n\` only`
                : `\`${p.text}\` named placeholder is SQLite's style; PostgreSQL: \`%(${p.text.slice(1)})s\` (psycopg) or \`$n\` (asyncpg)`,
          }));
      },
      { executedOnly: true },
    );
  },
});
