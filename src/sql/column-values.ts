import { columnType } from '../model/codemod.js';
import type { TableSchema } from '../model/codemod.js';
import type { SqlToken } from '../model/facts.js';
import { matchingParen } from './analyze.js';
import { identifierName } from './ddl.js';
import { isComparison, isPunct, isWord, isWordIn, statements } from './clauses.js';
import type { Statement } from './clauses.js';
import { insertShape } from './insert.js';

/*
 * Which column of the project's schema a value is written into or compared with, read from one
 * statement's significant tokens: `SET col = v`, `INSERT INTO t (a, col) VALUES (x, v)` and
 * `col = v` / `v <> t.col` in a condition. Only what the statement proves: a column name that any
 * table of the statement without a known schema could own resolves to nothing.
 */

/** A value expression and the column it goes into or is compared with. */
export interface ColumnValue {
  /** the value expression, inclusive indices into `sig` */
  first: number;
  last: number;
  table: TableSchema;
  /** the column's name as the CREATE TABLE declares it */
  column: string;
  /** its declared type (`TableSchema.columnTypes`), '' when typeless */
  type: string;
  how: 'set' | 'insert' | 'compare';
  /** for `compare`: the index of the comparison operator */
  op?: number;
}

interface TableRef {
  /** lower-cased table name */
  name: string;
  /** lower-cased alias, when any */
  alias?: string;
  table?: TableSchema;
  /** the word it follows */
  via: string;
}

interface Scope {
  refs: TableRef[];
  /** a derived table, table-valued function or CTE whose columns the schema does not know */
  opaque: boolean;
}

function isNameToken(t: SqlToken | undefined): boolean {
  return !!t && (t.type === 'identifier' || t.type === 'quoted-identifier' || t.type === 'keyword');
}

/** Words after which a table name follows. */
const TABLE_INTRODUCERS = new Set(['FROM', 'JOIN', 'UPDATE', 'INTO']);

/** `FROM a [AS] x, b JOIN c y ON …`, `UPDATE [OR x] t`, `INSERT INTO t`, `DELETE FROM t`, in `stmt`. */
function scopeOf(sig: SqlToken[], stmt: Statement, schema: ReadonlyMap<string, TableSchema>): Scope {
  const scope: Scope = { refs: [], opaque: false };
  for (let k = stmt.first; k <= stmt.last; k++) {
    const t = sig[k];
    if (isWord(t, 'WITH') && k === stmt.first) scope.opaque = true;
    if (!isWord(t) || !TABLE_INTRODUCERS.has(t.upper)) continue;
    let i = k + 1;
    // UPDATE OR IGNORE t
    if (t.upper === 'UPDATE' && isWord(sig[i], 'OR')) i += 2;
    for (;;) {
      const name = sig[i];
      if (!isNameToken(name) || isWord(name, 'SELECT', 'VALUES', 'WITH')) {
        // FROM (SELECT …) AS s
        scope.opaque = true;
        break;
      }
      // main.alerts
      let last = i;
      if (isPunct(sig[i + 1], '.') && isNameToken(sig[i + 2])) last = i + 2;
      // FROM json_each(x)
      if (isPunct(sig[last + 1], '(') && t.upper !== 'INTO') {
        scope.opaque = true;
        break;
      }
      const tableName = identifierName(sig[last]!).toLowerCase();
      const ref: TableRef = { name: tableName, via: t.upper };
      const table = last === i ? schema.get(tableName) : undefined;
      if (table) ref.table = table;
      let next = last + 1;
      if (isWord(sig[next], 'AS') && isNameToken(sig[next + 1])) {
        ref.alias = identifierName(sig[next + 1]!).toLowerCase();
        next += 2;
      } else if (sig[next]?.type === 'identifier' || sig[next]?.type === 'quoted-identifier') {
        ref.alias = identifierName(sig[next]!).toLowerCase();
        next++;
      }
      scope.refs.push(ref);
      if (t.upper !== 'FROM' || !isPunct(sig[next], ',')) break;
      i = next + 1;
    }
  }
  return scope;
}

function hasColumn(table: TableSchema, column: string): string | undefined {
  const lower = column.toLowerCase();
  return table.columns.find((c) => c.toLowerCase() === lower);
}

/** The column `sig[first..last]` names (`col`, `t.col`, `alias.col`), when the scope proves which. */
function resolveColumn(sig: SqlToken[], first: number, last: number, scope: Scope): { table: TableSchema; column: string } | undefined {
  if (last === first) {
    const name = identifierName(sig[first]!);
    // any table the schema does not know could own the name
    if (scope.opaque || scope.refs.some((r) => !r.table)) return undefined;
    const owners = new Map<TableSchema, string>();
    for (const r of scope.refs) {
      const column = hasColumn(r.table!, name);
      if (column) owners.set(r.table!, column);
    }
    if (owners.size !== 1) return undefined;
    const [table, column] = [...owners][0]!;
    return { table, column };
  }
  if (last !== first + 2) return undefined;
  const qualifier = identifierName(sig[first]!).toLowerCase();
  const byAlias = scope.refs.filter((r) => r.alias === qualifier);
  const matches = byAlias.length > 0 ? byAlias : scope.refs.filter((r) => r.alias === undefined && r.name === qualifier);
  const tables = new Set(matches.map((r) => r.table));
  const table = tables.size === 1 ? matches[0]!.table : undefined;
  if (!table) return undefined;
  const column = hasColumn(table, identifierName(sig[last]!));
  return column ? { table, column } : undefined;
}

/** `name` or `q.name` ending at `last`: its first index, or -1. */
function chainStartEndingAt(sig: SqlToken[], last: number): number {
  if (!isNameToken(sig[last])) return -1;
  if (isPunct(sig[last - 1], '.') && isNameToken(sig[last - 2])) return last - 2;
  return last;
}

/** `name` or `q.name` starting at `first`: its last index, or -1. */
function chainEndStartingAt(sig: SqlToken[], first: number): number {
  if (!isNameToken(sig[first])) return -1;
  if (isPunct(sig[first + 1], '.') && isNameToken(sig[first + 2])) return first + 2;
  return first;
}

/** Words after which an operand starts with nothing binding tighter before it. */
const OPERAND_STARTERS = new Set(['WHERE', 'AND', 'OR', 'ON', 'WHEN', 'HAVING', 'NOT', 'THEN', 'ELSE', 'SELECT', 'DISTINCT', 'BY', 'RETURNING']);

/** Words PostgreSQL binds tighter than a comparison (SQLite binds some of them as tight). */
const TIGHTER_WORDS = new Set(['IN', 'LIKE', 'GLOB', 'BETWEEN', 'MATCH', 'REGEXP', 'COLLATE', 'ESCAPE']);

function startsOperand(prev: SqlToken | undefined): boolean {
  return !prev || isPunct(prev, '(') || isPunct(prev, ',') || isPunct(prev, ';') || (isWord(prev) && OPERAND_STARTERS.has(prev.upper));
}

/** Whether `next` ends the operand before it: not an operator, `.`, `(` or a name that continues it. */
function endsOperandBefore(next: SqlToken | undefined, stmt: Statement, index: number): boolean {
  if (!next || index > stmt.last) return true;
  if (isPunct(next, ')') || isPunct(next, ',') || isPunct(next, ';')) return true;
  // `1 IN (…)`, `1 COLLATE x`: PostgreSQL binds these tighter than `=`, so the operand goes on
  if (isWordIn(next, TIGHTER_WORDS)) return false;
  return next.type === 'keyword' || next.type === 'identifier';
}

/** `%s` / `%(name)s`, psycopg's placeholders (to SQLite's tokenizer an operator and words) starting at `first`: their last index. */
function psycopgParamEnd(sig: SqlToken[], first: number): number {
  const [pct, a, b, c, d] = [sig[first], sig[first + 1], sig[first + 2], sig[first + 3], sig[first + 4]];
  if (!(pct?.type === 'operator' && pct.text === '%') || !a || a.start !== pct.end) return -1;
  if (a.text === 's') return first + 1;
  if (isPunct(a, '(') && b && c && d && isPunct(c, ')') && d.text === 's' && b.start === a.end && c.start === b.end && d.start === c.end) return first + 4;
  return -1;
}

/** The last index of the operand starting at `first`: a call `f(…)`, a `(…)`, a name chain, `%s` or one token. */
function operandEnd(sig: SqlToken[], first: number, stmt: Statement): number {
  const t = sig[first];
  if (!t) return -1;
  const param = psycopgParamEnd(sig, first);
  if (param >= 0) return param;
  if (isPunct(t, '(')) return matchingParen(sig, first);
  if (isNameToken(t) && isPunct(sig[first + 1], '(')) return matchingParen(sig, first + 1);
  if (isNameToken(t)) return chainEndStartingAt(sig, first);
  if (t.type === 'punctuation' || t.type === 'operator') return -1;
  return first <= stmt.last ? first : -1;
}

/** The first index of the operand ending at `last`: `f(…)`, `(…)`, a name chain or one token. */
function operandStart(sig: SqlToken[], last: number): number {
  const t = sig[last];
  if (!t) return -1;
  if (isPunct(t, ')')) {
    let depth = 0;
    for (let k = last; k >= 0; k--) {
      if (isPunct(sig[k], ')')) depth++;
      else if (isPunct(sig[k], '(') && --depth === 0) return isNameToken(sig[k - 1]) && !isWordIn(sig[k - 1], OPERAND_STARTERS) ? k - 1 : k;
    }
    return -1;
  }
  if (isNameToken(t)) return chainStartEndingAt(sig, last);
  if (t.type === 'punctuation' || t.type === 'operator') return -1;
  return last;
}

function typed(v: Omit<ColumnValue, 'type'>): ColumnValue {
  return { ...v, type: columnType(v.table, v.column) ?? '' };
}

/** Words that end a SET list. */
const SET_END = new Set(['WHERE', 'FROM', 'RETURNING', 'ORDER', 'LIMIT', 'ON']);

/** `UPDATE t SET a = x, b = y` / `… DO UPDATE SET b = y`: each assigned value. */
function setValues(sig: SqlToken[], stmt: Statement, scope: Scope, set: number, assignOps: Set<number>): ColumnValue[] {
  // the table: UPDATE's target, or the INSERT's for ON CONFLICT … DO UPDATE SET
  let k = set - 1;
  while (k >= stmt.first && !isWord(sig[k], 'UPDATE')) k--;
  if (k < stmt.first) return [];
  const via = isWord(sig[k - 1], 'DO') ? 'INTO' : 'UPDATE';
  const table = scope.refs.find((r) => r.via === via)?.table;
  if (!table) return [];
  const out: ColumnValue[] = [];
  let i = set + 1;
  while (i <= stmt.last) {
    // SET (a, b) = (…): not read
    if (!isNameToken(sig[i]) || !(sig[i + 1]?.type === 'operator' && sig[i + 1]!.text === '=')) break;
    assignOps.add(i + 1);
    let end = i + 2;
    let depth = 0;
    for (; end <= stmt.last; end++) {
      const t = sig[end]!;
      if (isPunct(t, '(')) depth++;
      else if (isPunct(t, ')')) depth--;
      else if (depth === 0 && (isPunct(t, ',') || (isWord(t) && SET_END.has(t.upper)))) break;
    }
    const column = hasColumn(table, identifierName(sig[i]!));
    if (column && end - 1 >= i + 2) out.push(typed({ first: i + 2, last: end - 1, table, column, how: 'set' }));
    if (!isPunct(sig[end], ',')) break;
    i = end + 1;
  }
  return out;
}

/** `INSERT INTO t (a, b) VALUES (x, y), (…)` / `INSERT INTO t VALUES (…)` with every column listed. */
function insertValues(sig: SqlToken[], stmt: Statement, schema: ReadonlyMap<string, TableSchema>): ColumnValue[] {
  // INSERT … VALUES (…) ON CONFLICT …: the rows are read the same, the conflict clause is not needed
  let end = stmt.last + 1;
  for (let k = stmt.first; k < stmt.last; k++) if (isWord(sig[k], 'ON') && isWord(sig[k + 1], 'CONFLICT')) end = Math.min(end, k);
  const shape = insertShape(end <= stmt.last ? sig.slice(0, end) : sig, stmt.first);
  if (typeof shape === 'string') return [];
  const tableTok = sig[shape.table]!;
  if (isPunct(sig[shape.table - 1], '.')) return [];
  const table = schema.get(identifierName(tableTok).toLowerCase());
  if (!table) return [];
  const columns = shape.columns ? shape.columns.map((c) => hasColumn(table, identifierName(sig[c]!))) : table.columns;
  const firstColumn = shape.columns?.[0];
  if (shape.columns && firstColumn === undefined) return [];
  let i = firstColumn !== undefined ? matchingParen(sig, firstColumn - 1) + 1 : shape.table + 1;
  if (!isWord(sig[i], 'VALUES')) return [];
  const out: ColumnValue[] = [];
  i++;
  while (isPunct(sig[i], '(')) {
    const close = matchingParen(sig, i);
    if (close < 0 || close > stmt.last) break;
    const items: { first: number; last: number }[] = [];
    let itemFirst = i + 1;
    let depth = 0;
    for (let k = i + 1; k <= close; k++) {
      const t = sig[k]!;
      if (k === close || (depth === 0 && isPunct(t, ','))) {
        items.push({ first: itemFirst, last: k - 1 });
        itemFirst = k + 1;
      } else if (isPunct(t, '(')) depth++;
      else if (isPunct(t, ')')) depth--;
    }
    // a row of another length than the column list is an error SQLite reports itself
    if (items.length === columns.length) {
      items.forEach((item, n) => {
        const column = columns[n];
        if (column && item.last >= item.first) out.push(typed({ ...item, table, column, how: 'insert' }));
      });
    }
    if (!isPunct(sig[close + 1], ',')) break;
    i = close + 2;
  }
  return out;
}

/** `col <op> value` and `value <op> col` in conditions (and select lists), for the comparison operators. */
function comparedValues(sig: SqlToken[], stmt: Statement, scope: Scope, assignOps: Set<number>): ColumnValue[] {
  const out: ColumnValue[] = [];
  for (let i = stmt.first + 1; i < stmt.last; i++) {
    if (!isComparison(sig[i]) || assignOps.has(i)) continue;
    const leftFirst = operandStart(sig, i - 1);
    const rightLast = operandEnd(sig, i + 1, stmt);
    if (leftFirst < stmt.first || rightLast < 0 || rightLast > stmt.last) continue;
    if (!startsOperand(sig[leftFirst - 1]) || !endsOperandBefore(sig[rightLast + 1], stmt, rightLast + 1)) continue;
    // flag = 1
    const left = chainStartEndingAt(sig, i - 1) === leftFirst ? resolveColumn(sig, leftFirst, i - 1, scope) : undefined;
    if (left) {
      out.push(typed({ first: i + 1, last: rightLast, ...left, how: 'compare', op: i }));
      continue;
    }
    // 1 = flag
    const right = chainEndStartingAt(sig, i + 1) === rightLast ? resolveColumn(sig, i + 1, rightLast, scope) : undefined;
    if (right) out.push(typed({ first: leftFirst, last: i - 1, ...right, how: 'compare', op: i }));
  }
  return out;
}

/** Every value of `sig` whose column the schema proves, in statement order. */
export function columnValues(sig: SqlToken[], schema: ReadonlyMap<string, TableSchema>): ColumnValue[] {
  if (schema.size === 0) return [];
  const out: ColumnValue[] = [];
  for (const stmt of statements(sig)) {
    const scope = scopeOf(sig, stmt, schema);
    const assignOps = new Set<number>();
    if (isWord(sig[stmt.first], 'INSERT', 'REPLACE')) out.push(...insertValues(sig, stmt, schema));
    for (let k = stmt.first; k <= stmt.last; k++) {
      if (isWord(sig[k], 'SET')) out.push(...setValues(sig, stmt, scope, k, assignOps));
    }
    out.push(...comparedValues(sig, stmt, scope, assignOps));
  }
  return out.sort((a, b) => a.first - b.first || a.last - b.last);
}

/** A bare integer literal: `0`, `1`, `42` (not `1.0`, `1e3`, `0x1`). */
export function isIntegerLiteral(t: SqlToken | undefined): boolean {
  if (!t || t.type !== 'number' || t.text.length === 0) return false;
  for (const c of t.text) if (c < '0' || c > '9') return false;
  return true;
}

/** Whether a declared type is SQLite's spelling of a boolean column (PostgreSQL's BOOLEAN after the migration). */
export function isBooleanType(type: string): boolean {
  return type === 'BOOLEAN' || type === 'BOOL';
}

const booleanSchemas = new WeakMap<ReadonlyMap<string, TableSchema>, boolean>();

/** Whether some table of `schema` declares a column of a boolean type (isBooleanType); asked once per schema. */
export function hasBooleanColumn(schema: ReadonlyMap<string, TableSchema>): boolean {
  let has = booleanSchemas.get(schema);
  if (has === undefined) {
    has = [...schema.values()].some((table) => Object.values(table.columnTypes ?? {}).some(isBooleanType));
    booleanSchemas.set(schema, has);
  }
  return has;
}

/** What a declared date/time type is in PostgreSQL after the migration (DATETIME becomes TIMESTAMP). */
export function timeTypeOf(type: string): 'timestamp' | 'timestamptz' | 'date' | undefined {
  if (type === 'DATETIME' || type === 'TIMESTAMP' || type === 'TIMESTAMP WITHOUT TIME ZONE') return 'timestamp';
  if (type === 'TIMESTAMPTZ' || type === 'TIMESTAMP WITH TIME ZONE') return 'timestamptz';
  if (type === 'DATE') return 'date';
  return undefined;
}
