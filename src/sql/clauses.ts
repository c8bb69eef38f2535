import type { SqlString, SqlToken } from '../model/facts.js';
import { functionCalls, matchingParen, type CallMatch } from './analyze.js';

/*
 * Clause-level helpers for the SQLite-only SQL rules (SQL3xx): statement boundaries, operand
 * positions, CREATE TABLE column definitions and CAST targets, all over significant tokens.
 */

/** An upper-case word: a list of words (`string[]`) spread into isWord's parameters is a type error. */
type Upper = Uppercase<string>;

/**
 * A keyword or name; with words given, one of them (upper case). Up to four, as parameters rather
 * than a rest array: the rules call it for nearly every token, and V8 runs without TurboFan's
 * inlining (bin/load-bundle.cjs), so a rest parameter was an array made on every call. More words,
 * or a list of them: isWordIn.
 */
export function isWord(t: SqlToken | undefined, a?: Upper, b?: Upper, c?: Upper, d?: Upper): t is SqlToken & { upper: string } {
  if (!t || (t.type !== 'keyword' && t.type !== 'identifier') || t.upper === undefined) return false;
  if (a === undefined) return true;
  const u = t.upper;
  return u === a || u === b || u === c || u === d;
}

/** isWord, with any number of words. */
export function isWordIn(t: SqlToken | undefined, words: ReadonlySet<string>): t is SqlToken & { upper: string } {
  return isWord(t) && words.has(t.upper);
}

export function isPunct(t: SqlToken | undefined, text: string): boolean {
  return !!t && t.type === 'punctuation' && t.text === text;
}

export const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(['=', '==', '!=', '<>', '<', '>', '<=', '>=']);

export function isComparison(t: SqlToken | undefined): boolean {
  return !!t && t.type === 'operator' && COMPARISON_OPERATORS.has(t.text);
}

/** A `"…"` token (SQLite's double-quoted identifier, which it may read as a string). */
export function isDoubleQuoted(t: SqlToken | undefined): boolean {
  return !!t && t.type === 'quoted-identifier' && t.quote === '"';
}

/** The content of a quoted identifier or string token, its doubled quote unescaped. */
export function quotedContent(t: SqlToken): string {
  const text = t.text;
  if (text.length < 2) return '';
  const open = text[0]!;
  const close = open === '[' ? ']' : open;
  const inner = text.endsWith(close) ? text.slice(1, -1) : text.slice(1);
  return open === '[' ? inner : inner.split(close + close).join(close);
}

/** Keywords that never end an operand: an operator-looking word after them starts an expression. */
const NON_OPERAND_KEYWORDS: ReadonlySet<string> = new Set([
  'ALL', 'AND', 'AS', 'ASC', 'BETWEEN', 'BY', 'CASE', 'CHECK', 'DEFAULT', 'DESC', 'DISTINCT', 'DO', 'ELSE',
  'ESCAPE', 'EXCEPT', 'EXISTS', 'FILTER', 'FROM', 'GLOB', 'GROUP', 'HAVING', 'IF', 'IN', 'INTERSECT', 'INTO',
  'IS', 'JOIN', 'LIKE', 'LIMIT', 'MATCH', 'NOT', 'OFFSET', 'ON', 'OR', 'ORDER', 'OVER', 'PARTITION',
  'REGEXP', 'RETURNING', 'SELECT', 'SET', 'TABLE', 'THEN', 'UNION', 'UPDATE', 'USING', 'VALUES', 'WHEN',
  'WHERE', 'WITH',
]);

/**
 * Whether `t` can be the last token of an operand, so that a following `GLOB`/`LIKE` is a binary
 * operator: `name GLOB 'a*'`, `t.name GLOB ?`, `lower(name) LIKE ?`. Other keywords count as operands
 * because SQLite lets many of them (`key`, `action`, `first`) name columns; `END` closes a CASE.
 */
export function endsOperand(t: SqlToken | undefined): boolean {
  if (!t) return false;
  switch (t.type) {
    case 'identifier':
    case 'quoted-identifier':
    case 'string':
    case 'blob':
    case 'number':
    case 'placeholder':
    case 'hole':
      return true;
    case 'punctuation':
      return t.text === ')';
    case 'keyword':
      return !NON_OPERAND_KEYWORDS.has(t.upper ?? t.text.toUpperCase());
    default:
      return false;
  }
}

/** Whether the word at `i` is a binary operator (`a GLOB b`, `a NOT LIKE b`) rather than a name or call. */
export function isBinaryOperatorAt(sig: SqlToken[], i: number): boolean {
  const prev = sig[i - 1];
  if (isWord(prev, 'NOT')) return endsOperand(sig[i - 2]);
  return endsOperand(prev);
}

/** A statement as an inclusive span of significant-token indices, without its `;`. */
export interface Statement {
  first: number;
  last: number;
}

/** Splits at `;`. A trigger body's inner statements come out as statements of their own. */
export function statements(sig: SqlToken[]): Statement[] {
  const out: Statement[] = [];
  let first = 0;
  for (let i = 0; i <= sig.length; i++) {
    if (i === sig.length || isPunct(sig[i], ';')) {
      if (i > first) out.push({ first, last: i - 1 });
      first = i + 1;
    }
  }
  return out;
}

/** The statement holding token `i` (an empty span at `i` for a `;`). */
export function statementAt(sig: SqlToken[], i: number): Statement {
  let first = i;
  while (first > 0 && !isPunct(sig[first - 1], ';')) first--;
  let last = i;
  while (last + 1 < sig.length && !isPunct(sig[last + 1], ';')) last++;
  return { first, last };
}

/** Whether `i` is the first token of a statement. */
export function startsStatement(sig: SqlToken[], i: number): boolean {
  return i === 0 || isPunct(sig[i - 1], ';');
}

/** Index of the `(` that encloses token `i`, or -1 at the top level. */
export function enclosingOpen(sig: SqlToken[], i: number, floor = 0): number {
  let depth = 0;
  for (let k = i - 1; k >= floor; k--) {
    const t = sig[k]!;
    if (isPunct(t, ')')) depth++;
    else if (isPunct(t, '(')) {
      if (depth === 0) return k;
      depth--;
    }
  }
  return -1;
}

/** Words before a name that make `name(` a table or module name rather than a function call. */
const NAME_POSITION_WORDS: ReadonlySet<string> = new Set([
  'TABLE', 'EXISTS', 'INTO', 'VIEW', 'REFERENCES', 'TRIGGER', 'USING',
]);

/**
 * Calls of `names` (upper-case) that are really calls: not the table in `INSERT INTO printf(a, b)`,
 * `CREATE TABLE instr(…)`, `REFERENCES typeof(id)` or `CREATE INDEX i ON iif(col)`.
 */
export function sqlCalls(sig: SqlToken[], names: readonly string[]): CallMatch[] {
  return functionCalls(sig, names).filter((call) => {
    const prev = sig[call.nameIndex - 1];
    if (isWord(prev) && NAME_POSITION_WORDS.has(prev.upper)) return false;
    if (isWord(prev, 'ON')) {
      const stmt = statementAt(sig, call.nameIndex);
      return !(isWord(sig[stmt.first], 'CREATE') && sig.slice(stmt.first, call.nameIndex).some((t) => isWord(t, 'INDEX')));
    }
    return true;
  });
}

/** The SQL text from `sig[first]` to `sig[last]` with runs of whitespace and comments as one space. */
export function spanText(sql: SqlString, sig: SqlToken[], first: number, last: number): string {
  let out = '';
  for (let i = first; i <= last; i++) {
    const t = sig[i];
    if (!t) break;
    const prev = sig[i - 1];
    if (i > first && prev && prev.end < t.start) out += ' ';
    // f"… LIMIT {offset}, {count}": the run-time value, not its stand-in name
    out += t.type === 'hole' ? '…' : sql.text.slice(t.start, t.end);
  }
  return out;
}

/** `name`, `t.name`, `main.t.name`: tokens that need no parentheses before `::text`. */
export function isNameChain(sig: SqlToken[], first: number, last: number): boolean {
  for (let k = first; k <= last; k++) {
    const t = sig[k];
    const namePart = (k - first) % 2 === 0;
    if (namePart ? !(isWord(t) || t?.type === 'quoted-identifier') : !isPunct(t, '.')) return false;
  }
  return (last - first) % 2 === 0;
}

/** The end of the name chain starting at `first` (`b.code` -> the index of `code`). */
export function nameChainEnd(sig: SqlToken[], first: number): number {
  let last = first;
  while (isPunct(sig[last + 1], '.') && (isWord(sig[last + 2]) || sig[last + 2]?.type === 'quoted-identifier')) last += 2;
  return last;
}

/** `spanText`, or `…` when longer than `max` characters. */
export function shortText(sql: SqlString, sig: SqlToken[], first: number, last: number, max = 40): string {
  const text = spanText(sql, sig, first, last);
  return text.length > 0 && text.length <= max ? text : '…';
}

/** A column definition of CREATE TABLE or ALTER TABLE … ADD [COLUMN]; indices into `sig`. */
export interface ColumnDef {
  name: number;
  /** The type words plus any `(n[, m])`; `typeFirst > typeLast` when the column has no type. */
  typeFirst: number;
  typeLast: number;
  /** Upper-cased type words, without the size. */
  typeWords: string[];
  /** The last token of the definition (its constraints run from typeLast + 1 to here). */
  last: number;
}

/** Words that end a column's type and start its constraints. */
const CONSTRAINT_WORDS: ReadonlySet<string> = new Set([
  'CONSTRAINT', 'PRIMARY', 'NOT', 'NULL', 'UNIQUE', 'CHECK', 'DEFAULT', 'COLLATE', 'REFERENCES', 'GENERATED',
  'AS',
]);

/** First words of a table constraint inside CREATE TABLE (…). */
const TABLE_CONSTRAINT_WORDS: ReadonlySet<string> = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']);

function columnDef(sig: SqlToken[], first: number, last: number): ColumnDef | undefined {
  const name = sig[first];
  if (!name || !(isWord(name) || name.type === 'quoted-identifier' || name.type === 'string')) return undefined;
  let i = first + 1;
  const typeWords: string[] = [];
  while (i <= last) {
    const t = sig[i];
    if (!isWord(t) || CONSTRAINT_WORDS.has(t.upper)) break;
    typeWords.push(t.upper);
    i++;
  }
  let typeLast = i - 1;
  // price DECIMAL(10, 2) / name VARCHAR(80)
  if (typeWords.length > 0 && i <= last && isPunct(sig[i], '(')) {
    const close = matchingParen(sig, i);
    if (close > 0 && close <= last) typeLast = close;
  }
  return { name: first, typeFirst: first + 1, typeLast, typeWords, last };
}

/**
 * The column definitions of every `CREATE [TEMP] TABLE [IF NOT EXISTS] name (…)` (not CREATE
 * VIRTUAL TABLE, whose arguments belong to the module, nor CREATE TABLE … AS SELECT) and every
 * `ALTER TABLE name ADD [COLUMN] def`.
 */
export function columnDefinitions(sig: SqlToken[]): ColumnDef[] {
  const defs: ColumnDef[] = [];
  for (const stmt of statements(sig)) {
    let i = stmt.first;
    if (isWord(sig[i], 'CREATE')) {
      i++;
      if (isWord(sig[i], 'TEMP', 'TEMPORARY')) i++;
      if (!isWord(sig[i], 'TABLE')) continue;
      i++;
      if (isWord(sig[i], 'IF') && isWord(sig[i + 1], 'NOT') && isWord(sig[i + 2], 'EXISTS')) i += 3;
      i++; // the table name
      if (isPunct(sig[i], '.')) i += 2; // main.users
      if (!isPunct(sig[i], '(')) continue;
      const close = matchingParen(sig, i);
      const end = close < 0 ? stmt.last + 1 : close;
      let itemFirst = i + 1;
      let depth = 0;
      for (let k = i + 1; k <= end; k++) {
        const t = sig[k];
        if (isPunct(t, '(')) depth++;
        else if (isPunct(t, ')') && k < end) depth--;
        else if (k === end || (depth === 0 && isPunct(t, ','))) {
          const head = sig[itemFirst];
          if (itemFirst < k && !(isWord(head) && TABLE_CONSTRAINT_WORDS.has(head.upper))) {
            const def = columnDef(sig, itemFirst, k - 1);
            if (def) defs.push(def);
          }
          itemFirst = k + 1;
        }
      }
    } else if (isWord(sig[i], 'ALTER') && isWord(sig[i + 1], 'TABLE')) {
      i += 3;
      if (isPunct(sig[i], '.')) i += 2;
      if (!isWord(sig[i], 'ADD')) continue;
      i++;
      if (isWord(sig[i], 'COLUMN')) i++;
      if (i > stmt.last) continue;
      const def = columnDef(sig, i, stmt.last);
      if (def) defs.push(def);
    }
  }
  return defs;
}

/** A `CAST(expr AS type)`: the indices of its type tokens. */
export interface CastTarget {
  cast: number;
  close: number;
  typeFirst: number;
  typeLast: number;
  typeWords: string[];
}

export function castTargets(sig: SqlToken[]): CastTarget[] {
  const out: CastTarget[] = [];
  for (const call of functionCalls(sig, ['CAST'])) {
    if (call.close < 0) continue;
    let as = -1;
    let depth = 0;
    for (let k = call.open + 1; k < call.close; k++) {
      const t = sig[k];
      if (isPunct(t, '(')) depth++;
      else if (isPunct(t, ')')) depth--;
      else if (depth === 0 && isWord(t, 'AS')) as = k;
    }
    if (as < 0 || as + 1 >= call.close) continue;
    const typeWords: string[] = [];
    for (let k = as + 1; k < call.close && isWord(sig[k]); k++) typeWords.push(sig[k]!.upper!);
    out.push({ cast: call.nameIndex, close: call.close, typeFirst: as + 1, typeLast: call.close - 1, typeWords });
  }
  return out;
}

/** The text of each argument of `call` (`…` for long ones), or undefined when it is not closed. */
export function callArgTexts(sql: SqlString, sig: SqlToken[], call: CallMatch, max = 40): string[] | undefined {
  if (call.close < 0) return undefined;
  return call.args.map((a) => shortText(sql, sig, a.first, a.last, max));
}

/** The SQL range of a call, from its name through the closing parenthesis (or just the name). */
export function callRange(sig: SqlToken[], call: CallMatch): { start: number; end: number } {
  const last = call.close < 0 ? call.nameIndex : call.close;
  return { start: call.name.start, end: sig[last]!.end };
}
