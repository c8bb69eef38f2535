import type { SqlToken } from '../model/facts.js';
import { firstSignificantType, tokenize } from './tokenize.js';

/*
 * Decides whether a string that is never seen executed is SQL. It has to say no to UI prose such as
 * "Select an option from the list", "Update your profile" or "Delete from cart?", so each statement
 * opening is checked against the grammar that must follow it, and sentence shapes are rejected.
 */

type Tok = SqlToken;

function word(t: Tok | undefined): string | undefined {
  return t && (t.type === 'keyword' || t.type === 'identifier') ? t.upper : undefined;
}

function isP(t: Tok | undefined, text: string): boolean {
  return !!t && t.type === 'punctuation' && t.text === text;
}

/** A name SQL accepts as a table/column/alias here: identifiers, quoted identifiers, run-time holes. */
function isName(t: Tok | undefined): boolean {
  return !!t && (t.type === 'identifier' || t.type === 'quoted-identifier' || t.type === 'hole');
}

/** `name` or `schema.name`; returns the index after it, or -1. */
function qualifiedName(s: Tok[], i: number): number {
  if (!isName(s[i])) return -1;
  if (isP(s[i + 1], '.') && isName(s[i + 2])) return i + 3;
  return i + 1;
}

/** End of the statement: the text ends or a `;` follows. */
function atEnd(s: Tok[], i: number): boolean {
  return i >= s.length || isP(s[i], ';');
}

function skipIfExists(s: Tok[], i: number, withNot: boolean): number {
  if (word(s[i]) !== 'IF') return i;
  if (withNot) return word(s[i + 1]) === 'NOT' && word(s[i + 2]) === 'EXISTS' ? i + 3 : -1;
  return word(s[i + 1]) === 'EXISTS' ? i + 2 : -1;
}

function isUpperWord(t: Tok | undefined): boolean {
  return !!t && t.text === t.text.toUpperCase();
}

/** "Select", "Delete": how a sentence starts, not how SQL is usually written. */
function isTitleCase(t: Tok): boolean {
  const rest = t.text.slice(1);
  return t.text[0] !== t.text[0]!.toLowerCase() && rest !== rest.toUpperCase();
}

/** Tokens prose does not produce: operators, SQL punctuation, literals, placeholders. */
function hasSqlSymbols(s: Tok[]): boolean {
  return s.some(
    (t) =>
      t.type === 'operator' ||
      t.type === 'placeholder' ||
      t.type === 'string' ||
      t.type === 'number' ||
      t.type === 'blob' ||
      t.type === 'quoted-identifier' ||
      (t.type === 'punctuation' && t.text !== '.'),
  );
}

/** What may follow `FROM t [AS] [alias]` in a SELECT or DELETE. */
const AFTER_FROM_ITEM = new Set([
  'WHERE', 'GROUP', 'ORDER', 'LIMIT', 'JOIN', 'LEFT', 'RIGHT', 'FULL', 'INNER', 'CROSS', 'NATURAL', 'OUTER',
  'ON', 'USING', 'UNION', 'EXCEPT', 'INTERSECT', 'HAVING', 'WINDOW', 'RETURNING', 'INDEXED', 'NOT', 'AS',
]);

/** `FROM` at `i`: a table (or subquery) and a SQL continuation must follow. */
function fromClause(s: Tok[], i: number): boolean {
  if (word(s[i]) !== 'FROM') return false;
  let j = i + 1;
  if (isP(s[j], '(')) return true;
  j = qualifiedName(s, j);
  if (j < 0) return false;
  // FROM t AS a, FROM t a
  if (word(s[j]) === 'AS') j++;
  if (isName(s[j])) j++;
  const t = s[j];
  if (atEnd(s, j) || isP(t, ',') || isP(t, ')') || isP(t, '(')) return true;
  const w = word(t);
  return w !== undefined && AFTER_FROM_ITEM.has(w);
}

/** SELECT …: with FROM, the list before it must read as expressions; without, no bare column names. */
function selectStatement(s: Tok[], i: number): boolean {
  let j = i + 1;
  if (word(s[j]) === 'DISTINCT' || word(s[j]) === 'ALL') j++;
  if (j >= s.length) return false;
  let depth = 0;
  let fromAt = -1;
  let bareRun = 0;
  for (let k = j; k < s.length; k++) {
    const t = s[k]!;
    if (isP(t, '(')) depth++;
    else if (isP(t, ')')) depth--;
    if (depth === 0 && word(t) === 'FROM') {
      fromAt = k;
      break;
    }
    if (depth === 0 && isP(t, ';')) break;
    // three words in a row ("an option here") never form a select-list item
    bareRun = t.type === 'identifier' ? bareRun + 1 : 0;
    if (bareRun >= 3) return false;
  }
  if (fromAt === j) return false;
  if (fromAt > 0) return fromClause(s, fromAt);
  // SELECT 1, SELECT count(*), SELECT datetime('now') AS now
  for (let k = j; k < s.length && !isP(s[k], ';'); k++) {
    const t = s[k]!;
    if (t.type !== 'identifier') continue;
    const prev = word(s[k - 1]);
    if (isP(s[k + 1], '(') || prev === 'AS' || isP(s[k - 1], '.') || isP(s[k + 1], '.')) continue;
    return false;
  }
  return true;
}

/** INSERT [OR x] INTO t (…) | VALUES | SELECT | DEFAULT VALUES | WITH ; REPLACE INTO t … */
function insertTarget(s: Tok[], i: number): boolean {
  if (word(s[i]) !== 'INTO') return false;
  let j = qualifiedName(s, i + 1);
  if (j < 0) return false;
  if (word(s[j]) === 'AS' && isName(s[j + 1])) j += 2;
  const w = word(s[j]);
  return isP(s[j], '(') || w === 'VALUES' || w === 'SELECT' || w === 'DEFAULT' || w === 'WITH';
}

const CONFLICT_ACTIONS = new Set(['ROLLBACK', 'ABORT', 'REPLACE', 'FAIL', 'IGNORE']);

function insertStatement(s: Tok[], i: number): boolean {
  let j = i + 1;
  if (word(s[j]) === 'OR') {
    if (!CONFLICT_ACTIONS.has(word(s[j + 1]) ?? '')) return false;
    j += 2;
  }
  return insertTarget(s, j);
}

/** UPDATE [OR x] t [[AS] a] [INDEXED BY i | NOT INDEXED] SET c = … */
function updateStatement(s: Tok[], i: number): boolean {
  let j = i + 1;
  if (word(s[j]) === 'OR') {
    if (!CONFLICT_ACTIONS.has(word(s[j + 1]) ?? '')) return false;
    j += 2;
  }
  j = qualifiedName(s, j);
  if (j < 0) return false;
  if (word(s[j]) === 'AS') j++;
  if (isName(s[j])) j++;
  if (word(s[j]) === 'INDEXED' && word(s[j + 1]) === 'BY') j = isName(s[j + 2]) ? j + 3 : -1;
  else if (word(s[j]) === 'NOT' && word(s[j + 1]) === 'INDEXED') j += 2;
  if (j < 0 || word(s[j]) !== 'SET') return false;
  // SET c = …, SET (a, b) = …
  return isP(s[j + 1], '(') || (isName(s[j + 1]) && s[j + 2]?.text === '=');
}

/** DELETE FROM t [WHERE …] */
function deleteStatement(s: Tok[], i: number): boolean {
  if (word(s[i + 1]) !== 'FROM' || isP(s[i + 2], '(')) return false;
  return fromClause(s, i + 1);
}

const CREATE_OBJECTS = new Set(['TABLE', 'INDEX', 'VIEW', 'TRIGGER']);

function createStatement(s: Tok[], i: number): boolean {
  let j = i + 1;
  const w = word(s[j]);
  if (w === 'TEMP' || w === 'TEMPORARY' || w === 'UNIQUE' || w === 'VIRTUAL') j++;
  const object = word(s[j]);
  if (!object || !CREATE_OBJECTS.has(object)) return false;
  j = skipIfExists(s, j + 1, true);
  if (j < 0) return false;
  j = qualifiedName(s, j);
  if (j < 0) return false;
  const next = word(s[j]);
  switch (object) {
    case 'TABLE':
      // CREATE TABLE t (…) | AS SELECT | CREATE VIRTUAL TABLE t USING fts5(…)
      return isP(s[j], '(') || next === 'AS' || next === 'USING';
    case 'INDEX':
      return next === 'ON';
    case 'VIEW':
      return isP(s[j], '(') || next === 'AS';
    default:
      return next === 'BEFORE' || next === 'AFTER' || next === 'INSTEAD' || next === 'INSERT' || next === 'UPDATE' || next === 'DELETE';
  }
}

function dropStatement(s: Tok[], i: number): boolean {
  const object = word(s[i + 1]);
  if (!object || !CREATE_OBJECTS.has(object)) return false;
  let j = skipIfExists(s, i + 2, false);
  if (j < 0) return false;
  j = qualifiedName(s, j);
  return j >= 0 && atEnd(s, j);
}

function alterStatement(s: Tok[], i: number): boolean {
  if (word(s[i + 1]) !== 'TABLE') return false;
  const j = qualifiedName(s, i + 2);
  const w = word(s[j]);
  return j >= 0 && (w === 'RENAME' || w === 'ADD' || w === 'DROP');
}

/** PRAGMA [schema.]name [= value | (value)] */
function pragmaStatement(s: Tok[], i: number): boolean {
  const j = qualifiedName(s, i + 1);
  if (j < 0) return false;
  return atEnd(s, j) || s[j]?.text === '=' || isP(s[j], '(');
}

/** WITH [RECURSIVE] name [(cols)] AS [[NOT] MATERIALIZED] ( */
function withStatement(s: Tok[], i: number): boolean {
  let j = i + 1;
  if (word(s[j]) === 'RECURSIVE') j++;
  if (!isName(s[j])) return false;
  j++;
  if (isP(s[j], '(')) {
    let depth = 0;
    for (; j < s.length; j++) {
      if (isP(s[j], '(')) depth++;
      else if (isP(s[j], ')') && --depth === 0) break;
    }
    j++;
  }
  if (word(s[j]) !== 'AS') return false;
  j++;
  if (word(s[j]) === 'NOT') j++;
  if (word(s[j]) === 'MATERIALIZED') j++;
  return isP(s[j], '(');
}

/** BEGIN, COMMIT, VACUUM …: a short statement in capitals, alone or followed by more statements. */
function shortStatement(s: Tok[], i: number, allowed: (w: string | undefined, k: number) => boolean): boolean {
  let j = i + 1;
  while (!atEnd(s, j)) {
    if (!allowed(word(s[j]), j - i) && !(isName(s[j]) && allowed('<name>', j - i))) return false;
    j++;
  }
  for (let k = i; k < j; k++) if (word(s[k]) !== undefined && s[k]!.type === 'keyword' && !isUpperWord(s[k])) return false;
  // BEGIN;  or  BEGIN; CREATE TABLE …; COMMIT;  (a script)
  return j >= s.length || j === s.length - 1 || statementAt(s, j + 1);
}

const BEGIN_MODES = new Set(['DEFERRED', 'IMMEDIATE', 'EXCLUSIVE']);

function statementAt(s: Tok[], i: number): boolean {
  switch (word(s[i])) {
    case 'SELECT':
      return selectStatement(s, i);
    case 'INSERT':
      return insertStatement(s, i);
    case 'REPLACE':
      return insertTarget(s, i + 1);
    case 'UPDATE':
      return updateStatement(s, i);
    case 'DELETE':
      return deleteStatement(s, i);
    case 'CREATE':
      return createStatement(s, i);
    case 'DROP':
      return dropStatement(s, i);
    case 'ALTER':
      return alterStatement(s, i);
    case 'PRAGMA':
      return pragmaStatement(s, i);
    case 'WITH':
      return withStatement(s, i);
    case 'EXPLAIN': {
      let j = i + 1;
      if (word(s[j]) === 'QUERY' && word(s[j + 1]) === 'PLAN') j += 2;
      return j < s.length && statementAt(s, j);
    }
    case 'BEGIN':
      return shortStatement(s, i, (w, k) => (k === 1 && BEGIN_MODES.has(w ?? '')) || w === 'TRANSACTION');
    case 'COMMIT':
    case 'END':
      return shortStatement(s, i, (w, k) => k === 1 && w === 'TRANSACTION');
    case 'ROLLBACK':
      // ROLLBACK [TRANSACTION] [TO [SAVEPOINT] name]
      return shortStatement(s, i, (w) => w === 'TRANSACTION' || w === 'TO' || w === 'SAVEPOINT' || w === '<name>');
    case 'SAVEPOINT':
      return isName(s[i + 1]) && atEnd(s, i + 2);
    case 'RELEASE': {
      const j = word(s[i + 1]) === 'SAVEPOINT' ? i + 2 : i + 1;
      return isName(s[j]) && atEnd(s, j + 1);
    }
    case 'ATTACH': {
      // ATTACH [DATABASE] expr AS name
      const j = word(s[i + 1]) === 'DATABASE' ? i + 2 : i + 1;
      const asAt = s.findIndex((t, k) => k > j && word(t) === 'AS');
      return asAt > j && isName(s[asAt + 1]) && atEnd(s, asAt + 2);
    }
    case 'DETACH': {
      const j = word(s[i + 1]) === 'DATABASE' ? i + 2 : i + 1;
      return (isName(s[j]) || s[j]?.type === 'string' || s[j]?.type === 'placeholder') && atEnd(s, j + 1);
    }
    case 'VACUUM':
    case 'ANALYZE':
    case 'REINDEX': {
      // VACUUM [schema], ANALYZE [schema.]name, REINDEX [name]
      const j = isName(s[i + 1]) ? qualifiedName(s, i + 1) : i + 1;
      return isUpperWord(s[i]) && atEnd(s, j) && (j >= s.length - 1 || statementAt(s, j + 1));
    }
    default:
      return false;
  }
}

const PERCENT_CONVERSIONS = new Set(['s', 'd', 'i', 'r', 'f']);

/** `%s`, `%d`, `%(name)s` written without spaces: the index of its last token, or -1. */
function percentField(s: Tok[], i: number): number {
  const glued = (k: number): boolean => !!s[k] && !!s[k - 1] && s[k]!.start === s[k - 1]!.end;
  if (s[i]?.text !== '%' || !glued(i + 1)) return -1;
  const next = s[i + 1]!;
  if (next.type === 'identifier' && PERCENT_CONVERSIONS.has(next.text)) return i + 1;
  // %(name)s
  if (isP(next, '(') && glued(i + 2) && isP(s[i + 3], ')') && glued(i + 3) && glued(i + 4) && s[i + 4]?.text === 's') return i + 4;
  return -1;
}

/**
 * "DELETE FROM {table} WHERE id = ?" (later filled in by str.format) and "… FROM %s" (by `%`):
 * each template field reads as a hole.
 */
function templateFieldsAsHoles(s: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < s.length; i++) {
    const t = s[i]!;
    const percentEnd = percentField(s, i);
    if (percentEnd > 0) {
      out.push({ type: 'hole', start: t.start, end: s[percentEnd]!.end, text: '' });
      i = percentEnd;
      continue;
    }
    if (t.type === 'error' && t.text === '{') {
      let close = i + 1;
      while (close < s.length && close - i <= 6 && !(s[close]!.type === 'error' && (s[close]!.text === '}' || s[close]!.text === '{'))) close++;
      const end = s[close];
      if (end && end.text === '}') {
        out.push({ type: 'hole', start: t.start, end: end.end, text: '' });
        i = close;
        continue;
      }
    }
    out.push(t);
  }
  return out;
}

/** True only for text that clearly is SQL: its first tokens form a statement opening. */
export function looksLikeSql(text: string): boolean {
  // most literals (names, messages, paths) fail at their first token: tokenize no further then
  // (templateFieldsAsHoles below only turns tokens into holes, so a first token that is not a
  // keyword stays not one)
  if (firstSignificantType(text) !== 'keyword') return false;
  const s = templateFieldsAsHoles(tokenize(text).filter((t) => t.type !== 'whitespace' && t.type !== 'comment'));
  const first = s[0];
  if (!first || first.type !== 'keyword') return false;
  // "Don't delete from …!": an apostrophe or `!` makes an illegal token; the colons of a `::` cast do not
  if (s.some((t) => t.type === 'error' && t.text !== ':')) return false;
  // "… from the list." ends like a sentence
  if (isP(s[s.length - 1], '.')) return false;
  // "Delete from cart?": in SQL a placeholder never follows a name or a literal directly
  for (let k = 1; k < s.length; k++) {
    const prev = s[k - 1]!;
    if (s[k]!.type !== 'placeholder') continue;
    if (isName(prev) || prev.type === 'number' || prev.type === 'string' || isP(prev, ')')) return false;
  }
  if (isTitleCase(first) && !hasSqlSymbols(s)) return false;
  return statementAt(s, 0);
}
