import type { SqlString, SqlToken } from '../src/model/facts.js';
import { defineRule } from '../src/model/rule.js';
import {
  enclosingOpen,
  isComparison,
  isDoubleQuoted,
  isPunct,
  isWord,
  isWordIn,
  quotedContent,
  statementAt,
  type Statement,
} from '../src/sql/clauses.js';
import { HOLE_TEXT } from '../src/sql/map.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

/**
 * Argument positions (0-based) of string functions that take literals: patterns, separators,
 * formats, JSON paths, date modifiers. A `"…"` there is a string whatever it spells. Other
 * arguments of these functions are usually columns (`lower("userName")`).
 */
const LITERAL_ARGS: Record<string, (index: number) => boolean> = {
  REPLACE: (k) => k >= 1,
  INSTR: (k) => k === 1,
  TRIM: (k) => k === 1,
  LTRIM: (k) => k === 1,
  RTRIM: (k) => k === 1,
  GROUP_CONCAT: (k) => k === 1,
  STRING_AGG: (k) => k === 1,
  CONCAT_WS: (k) => k === 0,
  PRINTF: (k) => k === 0,
  FORMAT: (k) => k === 0,
  STRFTIME: (k) => k === 0 || k >= 2,
  DATE: (k) => k >= 1,
  TIME: (k) => k >= 1,
  DATETIME: (k) => k >= 1,
  JULIANDAY: (k) => k >= 1,
  UNIXEPOCH: (k) => k >= 1,
  LIKE: (k) => k === 0 || k === 2,
  GLOB: (k) => k === 0,
  JSON_EXTRACT: (k) => k >= 1,
};

/** String functions whose other arguments may be values too. */
const STRING_FUNCTIONS: ReadonlySet<string> = new Set([
  ...Object.keys(LITERAL_ARGS),
  'LOWER', 'UPPER', 'LENGTH', 'SUBSTR', 'SUBSTRING', 'COALESCE', 'IFNULL', 'NULLIF', 'CONCAT', 'IIF',
]);

const DATE_FUNCTIONS: ReadonlySet<string> = new Set(['DATE', 'TIME', 'DATETIME', 'JULIANDAY', 'UNIXEPOCH', 'STRFTIME']);

/** Words after which a `"…"` is a pattern or default value: `LIKE "a%"`, `DEFAULT "new"`. */
const VALUE_AFTER_WORDS: ReadonlySet<string> = new Set(['LIKE', 'GLOB', 'MATCH', 'REGEXP', 'ESCAPE', 'DEFAULT']);

/** Words before a `"…"` that make it a table, column or alias name. */
const NAME_AFTER_WORDS: ReadonlySet<string> = new Set([
  'FROM', 'JOIN', 'INTO', 'UPDATE', 'TABLE', 'SELECT', 'DISTINCT', 'BY', 'AS', 'ON', 'INDEX', 'VIEW', 'EXISTS',
  'REFERENCES', 'KEY', 'COLUMN',
]);
const NAME_BEFORE_WORDS: ReadonlySet<string> = new Set(['IS', 'LIKE', 'IN', 'BETWEEN', 'AS']);

type Certainty = 'value' | 'maybe';

/**
 * A `"…"` that could only be an identifier if someone named a column like this: empty, padded,
 * or holding punctuation (`"n/a"`, `"%d"`, `"2024-01-01"`, `" "`).
 */
function looksLikeValue(content: string): boolean {
  if (content.length === 0 || content.trim() !== content) return true;
  for (const ch of content) {
    const letterOrDigit = ch.toLowerCase() !== ch.toUpperCase() || (ch >= '0' && ch <= '9');
    if (!letterOrDigit && ch !== '_' && ch !== ' ' && ch !== '$') return true;
  }
  return false;
}

/** `userId`, `ID`: an upper-case letter after a letter, which only a quoted identifier keeps. */
function hasInnerCapital(content: string): boolean {
  let afterLetter = false;
  for (const ch of content) {
    const lower = ch.toLowerCase();
    const isLetter = lower !== ch.toUpperCase();
    if (isLetter && afterLetter && ch !== lower) return true;
    afterLetter = isLetter;
  }
  return false;
}

/** Whether the statement writes identifiers in double quotes elsewhere (`SELECT "name" FROM "users"`). */
function quotesIdentifiers(sig: SqlToken[], stmt: Statement): boolean {
  for (let k = stmt.first; k <= stmt.last; k++) {
    if (!isDoubleQuoted(sig[k])) continue;
    const prev = sig[k - 1];
    const next = sig[k + 1];
    if (isPunct(prev, '.') || isPunct(next, '.')) return true;
    if (isWord(prev) && NAME_AFTER_WORDS.has(prev.upper)) return true;
    if (isComparison(next) || isWordIn(next, NAME_BEFORE_WORDS)) return true;
  }
  return false;
}

/** Inside `IN (…)` or a `VALUES (…), (…)` row: the list at `open`. */
function isValueList(sig: SqlToken[], open: number): boolean {
  const before = sig[open - 1];
  if (isWord(before, 'IN')) return !isWord(sig[open + 1], 'SELECT', 'WITH', 'VALUES');
  // VALUES (…), (…), (…): walk back over the earlier rows
  let k = open - 1;
  while (isPunct(sig[k], ',') && isPunct(sig[k - 1], ')')) {
    const rowOpen = enclosingOpen(sig, k - 1);
    if (rowOpen < 0) return false;
    k = rowOpen - 1;
  }
  return isWord(sig[k], 'VALUES');
}

/** How sure we are that the `"…"` at `i` is used as a value, or undefined when it is a name. */
function valueCertainty(sig: SqlToken[], i: number): Certainty | undefined {
  const prev = sig[i - 1];
  const next = sig[i + 1];
  // "users"."name", t."name"
  if (isPunct(prev, '.') || isPunct(next, '.')) return undefined;
  // status = "active", status IS NOT "x": ambiguous when the left side is also a "quoted" name
  let op = i - 1;
  if (isWord(prev, 'NOT') && isWord(sig[i - 2], 'IS')) op = i - 2;
  if (isComparison(sig[op]) || isWord(sig[op], 'IS')) return isDoubleQuoted(sig[op - 1]) ? 'maybe' : 'value';
  if (isWord(prev) && VALUE_AFTER_WORDS.has(prev.upper)) return 'value';
  if (isWord(prev, 'THEN', 'ELSE')) return 'maybe';
  // a whole list item or argument: (…, "x", …)
  if (!(isPunct(prev, '(') || isPunct(prev, ',')) || !(isPunct(next, ')') || isPunct(next, ','))) return undefined;
  const open = enclosingOpen(sig, i);
  if (open < 0) return undefined;
  if (isValueList(sig, open)) return 'value';
  const fn = sig[open - 1];
  if (!isWord(fn) || !STRING_FUNCTIONS.has(fn.upper) || isPunct(sig[open - 2], '.')) return undefined;
  let index = 0;
  let depth = 0;
  for (let k = open + 1; k < i; k++) {
    if (isPunct(sig[k], '(')) depth++;
    else if (isPunct(sig[k], ')')) depth--;
    else if (depth === 0 && isPunct(sig[k], ',')) index++;
  }
  if (LITERAL_ARGS[fn.upper]?.(index)) return 'value';
  // datetime("now")
  if (DATE_FUNCTIONS.has(fn.upper) && quotedContent(sig[i]!).toLowerCase() === 'now') return 'value';
  return 'maybe';
}

export function hitsIn(_sql: SqlString, sig: SqlToken[]): { range: { start: number; end: number }; message: string }[] {
  const hits: { range: { start: number; end: number }; message: string }[] = [];
  sig.forEach((t, i) => {
    if (!isDoubleQuoted(t)) return;
    // PRAGMA journal_mode = "WAL": the whole statement is SQL307's and goes away on PostgreSQL
    if (isWord(sig[statementAt(sig, i).first], 'PRAGMA')) return;
    const certainty = valueCertainty(sig, i);
    if (!certainty) return;
    const content = quotedContent(t);
    // "maybe": a value unless it reads like a column name in a statement that quotes its names,
    // or like a name that needs quotes to keep its case ("userId", "ID")
    if (certainty === 'maybe' && !looksLikeValue(content)) {
      if (hasInnerCapital(content) || quotesIdentifiers(sig, statementAt(sig, i))) return;
    }
    // f'… = "{name}"': show the run-time value as …, not its stand-in name
    const shownToken = t.text.split(HOLE_TEXT).join('…');
    const shownValue = content.split(HOLE_TEXT).join('…').split("'").join("''");
    hits.push({
      range: { start: t.start, end: t.end },
      message:
        `\`${shownToken}\` is used as a string, which SQLite tolerates but PostgreSQL reads as a column name: ` +
        `write \`'${shownValue}'\``,
    });
  });
  return hits;
}

export default defineRule({
  id: 'SQL323',
  name: 'double-quoted-string',
  title: 'SQL writes a string value in double quotes',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'SQLite treats a double-quoted word that names no column as a string literal, so `status = "active"` ' +
    'works there. In PostgreSQL double quotes always delimit an identifier and the query fails with ' +
    '`column "active" does not exist`. Reported where the token stands as a value: right of a comparison ' +
    'or IS, after LIKE/GLOB/DEFAULT/THEN/ELSE, in IN (…) lists and VALUES rows, and in the literal ' +
    'arguments of string and date functions. Quoted names (`SELECT "name" FROM "users"`, `t."col"`) are ' +
    'not reported; where a quoted word could still be a column (the left side is quoted too, a THEN ' +
    'branch, `lower("userName")`) it is reported only when it cannot be a plain name in that statement.',
  postgres: "`'text'` (single quotes)",
  fixedBy: 'double-quoted-string-to-literal',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute(\'SELECT id FROM orders WHERE status = "open"\')\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute(\'SELECT "id" FROM orders WHERE status = \\\'open\\\'\')\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, hitsIn);
  },
});
