import type { PlaceholderKind, Range, SqlString, SqlToken } from '../model/facts.js';
import type { SqlBuilder } from './map.js';
import { tokenize } from './tokenize.js';

/** Fills `sql.tokens` from its text and holes; returns `sql`. */
/**
 * The SqlString an adapter built piece by piece: not (yet) known to be executed; the
 * adapter fills in how it runs. `range` is the source expression that produced it.
 */
export function builtSql(b: SqlBuilder, range: Range, dynamicKind?: SqlString['dynamicKind']): SqlString {
  return analyzeSql({
    range,
    text: b.text,
    map: b.map,
    holes: b.holes,
    isDynamic: b.holes.length > 0,
    dynamicKind: b.holes.length > 0 ? dynamicKind : undefined,
    executed: false,
    hasParams: false,
    origin: 'literal',
    tokens: [],
  });
}

export function analyzeSql<T extends SqlString>(sql: T): T {
  sql.tokens = tokenize(sql.text, sql.holes);
  return sql;
}

/** The tokens of `sql`, tokenizing on the spot when an adapter left them empty. */
export function tokensOf(sql: Pick<SqlString, 'text' | 'holes' | 'tokens'>): SqlToken[] {
  if (sql.tokens.length > 0 || sql.text.length === 0) return sql.tokens;
  // facts from a worker thread or the cache come without tokens (they are a function of text and holes)
  sql.tokens = tokenize(sql.text, sql.holes);
  return sql.tokens;
}

/** The tokens without whitespace and comments. */
export function significant(tokens: SqlToken[]): SqlToken[] {
  return tokens.filter((t) => t.type !== 'whitespace' && t.type !== 'comment');
}

/** The placeholder tokens of `sql` (those of one kind when `kind` is given), in SQL order. */
export function placeholders(sql: SqlString, kind?: PlaceholderKind): SqlToken[] {
  return tokensOf(sql).filter((t) => t.type === 'placeholder' && (kind === undefined || t.placeholder === kind));
}

function isWord(t: SqlToken | undefined): t is SqlToken & { upper: string } {
  return !!t && (t.type === 'keyword' || t.type === 'identifier') && t.upper !== undefined;
}

function isPunct(t: SqlToken | undefined, text: string): boolean {
  return !!t && t.type === 'punctuation' && t.text === text;
}

/**
 * Runs of consecutive significant tokens (keywords or identifiers) whose upper-cased text matches
 * `seq`; an item may list alternatives (`'IMMEDIATE|EXCLUSIVE|DEFERRED'`). Runs do not overlap.
 * Indices are into `sig`.
 */
export function keywordRuns(sig: SqlToken[], seq: readonly string[]): { first: number; last: number }[] {
  const runs: { first: number; last: number }[] = [];
  if (seq.length === 0) return runs;
  const alternatives = seq.map((item) => item.split('|'));
  for (let i = 0; i + seq.length <= sig.length; i++) {
    let ok = true;
    for (let k = 0; k < alternatives.length && ok; k++) {
      const t = sig[i + k];
      ok = isWord(t) && alternatives[k]!.includes(t.upper);
    }
    if (ok) {
      runs.push({ first: i, last: i + seq.length - 1 });
      i += seq.length - 1;
    }
  }
  return runs;
}

export interface CallMatch {
  name: SqlToken;
  nameIndex: number;
  open: number;
  /** -1 when the parenthesis is never closed */
  close: number;
  /** argument token spans, split at top-level commas; empty for `f()` */
  args: { first: number; last: number }[];
}

/** Index of the `)` matching the `(` at `open`, or -1. */
export function matchingParen(sig: SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < sig.length; i++) {
    const t = sig[i]!;
    if (t.type !== 'punctuation') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Splits the tokens strictly between `open` and `close` at top-level commas. */
export function splitArgs(sig: SqlToken[], open: number, close: number): { first: number; last: number }[] {
  const args: { first: number; last: number }[] = [];
  const end = close < 0 ? sig.length : close;
  let depth = 0;
  let first = open + 1;
  for (let i = open + 1; i < end; i++) {
    const t = sig[i]!;
    if (isPunct(t, '(')) depth++;
    else if (isPunct(t, ')')) depth--;
    else if (depth === 0 && isPunct(t, ',')) {
      args.push({ first, last: i - 1 });
      first = i + 1;
    }
  }
  if (first < end || args.length > 0) args.push({ first, last: end - 1 });
  return args;
}

/** Keywords after which `name (` names a table, view or CTE: `INSERT INTO changes (a, b)`. */
const TABLE_NAME_BEFORE = new Set(['INTO', 'TABLE', 'VIEW', 'EXISTS', 'REFERENCES', 'WITH', 'RECURSIVE']);

/** `name (` that is not a call: a table/view/CTE name with its column list, or a sized column type. */
function isTableNameWithColumns(sig: SqlToken[], i: number, close: number): boolean {
  const prev = sig[i - 1];
  if (isWord(prev) && prev.type === 'keyword' && TABLE_NAME_BEFORE.has(prev.upper)) return true;
  // CREATE TABLE t (created DATETIME(6)): a column type; in expressions a call never follows a name
  if (prev && (prev.type === 'identifier' || prev.type === 'quoted-identifier')) return true;
  // CREATE INDEX ix ON changes (a), CREATE INDEX IF NOT EXISTS s.ix ON changes (a)
  if (isWord(prev) && prev.upper === 'ON') {
    for (const k of [i - 3, i - 5]) {
      const t = sig[k];
      if (isWord(t) && (t.upper === 'INDEX' || t.upper === 'EXISTS')) return true;
    }
  }
  // WITH a AS (…), changes (n) AS (…): a CTE, never an expression followed by `AS (`
  if (close >= 0 && isWord(sig[close + 1]) && sig[close + 1]!.upper === 'AS') {
    const after = sig[close + 2];
    if (isPunct(after, '(') || (isWord(after) && (after.upper === 'NOT' || after.upper === 'MATERIALIZED'))) return true;
  }
  return false;
}

const wantedNames = new WeakMap<readonly string[], ReadonlySet<string>>();

/**
 * Calls of the functions `names` (upper-case): a keyword or identifier followed by `(`, not
 * preceded by `.` (`t.date(` is a method-looking column path, not SQLite's date()), not a table
 * name with its column list (`INSERT INTO changes (a)`, `CREATE INDEX i ON date (d)`) and not a
 * column type with a size (`created DATETIME(6)`).
 */
export function functionCalls(sig: SqlToken[], names: readonly string[]): CallMatch[] {
  // Most rules ask for one name (a new array each statement); the others pass the same constant
  // list for every statement: one Set each
  const one = names.length === 1 ? names[0] : undefined;
  let wanted: ReadonlySet<string> | undefined;
  if (one === undefined) {
    wanted = wantedNames.get(names);
    if (!wanted) wantedNames.set(names, (wanted = new Set(names)));
  }
  const calls: CallMatch[] = [];
  for (let i = 0; i + 1 < sig.length; i++) {
    const t = sig[i]!;
    // isWord's test, written out: this loop reads every token of every statement for several rules
    if ((t.type !== 'keyword' && t.type !== 'identifier') || t.upper === undefined) continue;
    if (one !== undefined ? t.upper !== one : !wanted!.has(t.upper)) continue;
    if (!isPunct(sig[i + 1], '(')) continue;
    if (i > 0 && isPunct(sig[i - 1], '.')) continue;
    const close = matchingParen(sig, i + 1);
    if (isTableNameWithColumns(sig, i, close)) continue;
    calls.push({ name: t, nameIndex: i, open: i + 1, close, args: splitArgs(sig, i + 1, close) });
  }
  return calls;
}

/** The SQL range from the start of `sig[first]` to the end of `sig[last]`. */
export function tokenRange(sig: SqlToken[], first: number, last: number): Range {
  const a = sig[first];
  const b = sig[last] ?? a;
  if (!a || !b) return { start: 0, end: 0 };
  return { start: a.start, end: Math.max(a.start, b.end) };
}

/** Test helper: an SqlString whose file offsets equal its SQL offsets, tokens filled. */
export function sqlTextFixture(text: string, opts: { executed?: boolean; hasParams?: boolean } = {}): SqlString {
  return analyzeSql({
    range: { start: 0, end: text.length },
    text,
    map: text.length > 0 ? [{ sqlStart: 0, fileStart: 0, length: text.length, verbatim: true }] : [],
    holes: [],
    isDynamic: false,
    executed: opts.executed ?? true,
    hasParams: opts.hasParams ?? false,
    origin: 'literal',
    tokens: [],
  });
}

export { looksLikeSql } from './looks-like-sql.js';
