import type { SqlToken } from '../model/facts.js';
import { matchingParen } from './analyze.js';

/** A span of significant tokens, both ends inclusive (indices into `sig`). */
export interface Span {
  first: number;
  last: number;
}

export interface ColumnDef extends Span {
  nameIndex: number;
  /** The declared type's span (`VARCHAR(20)`, `UNSIGNED BIG INT`); undefined for a typeless column. */
  type?: Span;
  /** Column constraints after the type, when any. */
  constraints?: Span;
}

export interface CreateTable {
  /** index of CREATE */
  createIndex: number;
  /** index of the table name (the last part of `schema.name`) */
  nameIndex: number;
  open: number;
  /** -1 when the column list is never closed */
  close: number;
  columns: ColumnDef[];
  /** table constraints: PRIMARY KEY (…), UNIQUE (…), CHECK (…), FOREIGN KEY …, CONSTRAINT name … */
  constraints: Span[];
  /** table options after the column list: `WITHOUT ROWID`, `STRICT` */
  options: Span[];
}

function word(t: SqlToken | undefined): string | undefined {
  return t && (t.type === 'keyword' || t.type === 'identifier') ? t.upper : undefined;
}

function isP(t: SqlToken | undefined, text: string): boolean {
  return !!t && t.type === 'punctuation' && t.text === text;
}

function isNameToken(t: SqlToken | undefined): boolean {
  return !!t && (t.type === 'identifier' || t.type === 'quoted-identifier' || t.type === 'keyword' || t.type === 'hole');
}

/** The name a (possibly quoted) identifier token stands for: `"a""b"` -> `a"b`, `[x]` -> `x`. */
export function identifierName(t: SqlToken): string {
  if (t.type !== 'quoted-identifier') return t.text;
  const inner = t.text.slice(1, -1);
  if (t.quote === '[') return inner;
  const q = t.quote ?? '"';
  return inner.split(q + q).join(q);
}

const TABLE_CONSTRAINT_STARTS = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']);
const COLUMN_CONSTRAINT_STARTS = new Set([
  'CONSTRAINT', 'PRIMARY', 'NOT', 'NULL', 'UNIQUE', 'CHECK', 'DEFAULT', 'COLLATE', 'REFERENCES', 'GENERATED', 'AS',
]);

function splitTopLevel(sig: SqlToken[], from: number, to: number): Span[] {
  const spans: Span[] = [];
  let depth = 0;
  let first = from;
  for (let i = from; i <= to; i++) {
    const t = sig[i]!;
    if (isP(t, '(')) depth++;
    else if (isP(t, ')')) depth--;
    else if (depth === 0 && isP(t, ',')) {
      if (i > first) spans.push({ first, last: i - 1 });
      first = i + 1;
    }
  }
  if (to >= first) spans.push({ first, last: to });
  return spans;
}

function columnDef(sig: SqlToken[], span: Span): ColumnDef {
  const col: ColumnDef = { ...span, nameIndex: span.first };
  let i = span.first + 1;
  const typeFirst = i;
  // type name words, then an optional (n) or (p, s)
  while (i <= span.last) {
    const w = word(sig[i]);
    if (isP(sig[i], '(')) {
      const close = matchingParen(sig, i);
      i = close < 0 || close > span.last ? span.last + 1 : close + 1;
      break;
    }
    if (!w || COLUMN_CONSTRAINT_STARTS.has(w)) break;
    i++;
  }
  if (i > typeFirst) col.type = { first: typeFirst, last: i - 1 };
  if (i <= span.last) col.constraints = { first: i, last: span.last };
  return col;
}

/** `CREATE [TEMP|TEMPORARY] TABLE [IF NOT EXISTS] [schema.]name ( … ) [options]` statements. */
export function createTables(sig: SqlToken[]): CreateTable[] {
  const tables: CreateTable[] = [];
  for (let i = 0; i < sig.length; i++) {
    if (word(sig[i]) !== 'CREATE') continue;
    let j = i + 1;
    if (word(sig[j]) === 'TEMP' || word(sig[j]) === 'TEMPORARY') j++;
    if (word(sig[j]) !== 'TABLE') continue;
    j++;
    if (word(sig[j]) === 'IF' && word(sig[j + 1]) === 'NOT' && word(sig[j + 2]) === 'EXISTS') j += 3;
    if (!isNameToken(sig[j])) continue;
    if (isP(sig[j + 1], '.') && isNameToken(sig[j + 2])) j += 2;
    const nameIndex = j;
    const open = j + 1;
    if (!isP(sig[open], '(')) continue;
    const close = matchingParen(sig, open);
    const bodyEnd = close < 0 ? sig.length - 1 : close - 1;
    const table: CreateTable = { createIndex: i, nameIndex, open, close, columns: [], constraints: [], options: [] };
    for (const span of splitTopLevel(sig, open + 1, bodyEnd)) {
      const w = word(sig[span.first]);
      if (w && TABLE_CONSTRAINT_STARTS.has(w)) table.constraints.push(span);
      else table.columns.push(columnDef(sig, span));
    }
    if (close >= 0) {
      let end = close + 1;
      while (end < sig.length && !isP(sig[end], ';')) end++;
      if (end > close + 1) table.options = splitTopLevel(sig, close + 1, end - 1);
      i = end;
    } else {
      i = sig.length;
    }
    tables.push(table);
  }
  return tables;
}
