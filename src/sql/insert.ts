import type { SqlToken } from '../model/facts.js';
import { matchingParen } from './analyze.js';
import { isPunct, isWord, statementAt } from './clauses.js';

/** What follows `INSERT … INTO` in one statement; indices into `sig`. */
export interface InsertShape {
  /** the table name token (the last part of `schema.name`) */
  table: number;
  /** the column list's name tokens, when there is a list */
  columns?: number[];
  /** the token after which an `ON CONFLICT …` clause goes: before `RETURNING`, else the statement's end */
  tailAfter: number;
}

export type InsertProblem = 'existing-on-conflict' | 'dynamic-sql' | 'unreadable-insert';

export const INSERT_PROBLEM_DETAIL: Record<InsertProblem, string> = {
  'existing-on-conflict':
    'The statement already has an ON CONFLICT clause; SQLite applies the OR clause to the other constraints, which PostgreSQL cannot express: rewrite it by hand.',
  'dynamic-sql': 'Part of the statement after the table is assembled at run time and may hold its own conflict clause: rewrite it by hand.',
  'unreadable-insert': 'The INSERT target could not be read (table name or column list): rewrite it by hand.',
};

function isName(t: SqlToken | undefined): boolean {
  return !!t && (t.type === 'identifier' || t.type === 'quoted-identifier' || t.type === 'keyword' || t.type === 'hole');
}

/**
 * Reads `INSERT [OR x] INTO [schema.]t [AS a] [(c1, c2)] …` / `REPLACE INTO …` whose first word is at
 * `start`: where the table and columns are and where a conflict clause can be appended.
 */
export function insertShape(sig: SqlToken[], start: number): InsertShape | InsertProblem {
  const stmt = statementAt(sig, start);
  let i = start;
  while (i <= stmt.last && !isWord(sig[i], 'INTO')) i++;
  i++;
  if (!isName(sig[i])) return 'unreadable-insert';
  if (isPunct(sig[i + 1], '.') && isName(sig[i + 2])) i += 2;
  const table = i;
  i++;
  if (isWord(sig[i], 'AS') && isName(sig[i + 1])) i += 2;
  let columns: number[] | undefined;
  if (isPunct(sig[i], '(') && !isWord(sig[i + 1], 'SELECT', 'WITH', 'VALUES')) {
    const close = matchingParen(sig, i);
    if (close < 0 || close > stmt.last) return 'unreadable-insert';
    columns = [];
    for (let k = i + 1; k < close; k += 2) {
      if (!isName(sig[k]) || sig[k]!.type === 'hole' || !(isPunct(sig[k + 1], ',') || k + 1 === close)) return 'unreadable-insert';
      columns.push(k);
    }
    i = close + 1;
  }
  let depth = 0;
  let returning = -1;
  for (let k = i; k <= stmt.last; k++) {
    const t = sig[k]!;
    if (isPunct(t, '(')) depth++;
    else if (isPunct(t, ')')) depth--;
    else if (depth !== 0) continue;
    // INSERT … SELECT … FROM {table_expr}: a run-time tail may carry its own clauses
    else if (t.type === 'hole') return 'dynamic-sql';
    else if (isWord(t, 'ON') && isWord(sig[k + 1], 'CONFLICT')) return 'existing-on-conflict';
    else if (isWord(t, 'RETURNING') && returning < 0) returning = k;
  }
  const tailAfter = returning >= 0 ? returning - 1 : stmt.last;
  if (tailAfter < i - 1) return 'unreadable-insert';
  return { table, ...(columns ? { columns } : {}), tailAfter };
}
