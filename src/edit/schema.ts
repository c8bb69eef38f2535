import type { TableSchema } from '../model/codemod.js';
import type { FileFacts, SqlToken } from '../model/facts.js';
import { significant, tokensOf } from '../sql/analyze.js';
import { createTables, identifierName } from '../sql/ddl.js';
import type { CreateTable, Span } from '../sql/ddl.js';

function word(t: SqlToken | undefined): string | undefined {
  return t && (t.type === 'keyword' || t.type === 'identifier') ? t.upper : undefined;
}

function isName(t: SqlToken | undefined): t is SqlToken {
  return !!t && (t.type === 'identifier' || t.type === 'quoted-identifier' || t.type === 'keyword');
}

/** `( a, "b" DESC )` starting at `open`: the first name of each item, or undefined when unclosed. */
function nameList(sig: SqlToken[], open: number, last: number): string[] | undefined {
  const open_ = sig[open];
  if (!(open_?.type === 'punctuation' && open_.text === '(')) return undefined;
  const names: string[] = [];
  let itemStart = true;
  for (let i = open + 1; i <= last; i++) {
    const t = sig[i]!;
    if (t.type === 'punctuation' && t.text === ')') return names;
    if (t.type === 'punctuation' && t.text === ',') {
      itemStart = true;
      continue;
    }
    // UNIQUE (a COLLATE NOCASE, b DESC): only the first word of an item is the column
    if (itemStart && isName(t)) names.push(identifierName(t));
    itemStart = false;
  }
  return undefined;
}

function findWords(sig: SqlToken[], span: Span, words: string[]): number {
  for (let i = span.first; i + words.length - 1 <= span.last; i++) {
    if (words.every((w, k) => word(sig[i + k]) === w)) return i + words.length;
  }
  return -1;
}

/** `BOOLEAN`, `VARCHAR(20)` -> `VARCHAR`, `TIMESTAMP WITH TIME ZONE`: the type words, upper-cased, without a size; '' when typeless. */
function typeName(sig: SqlToken[], span: Span | undefined): string {
  if (!span) return '';
  const words: string[] = [];
  for (let i = span.first; i <= span.last; i++) {
    const w = word(sig[i]);
    if (!w) break;
    words.push(w);
  }
  return words.join(' ');
}

function tableSchema(sig: SqlToken[], t: CreateTable): TableSchema {
  const name = identifierName(sig[t.nameIndex]!);
  const schema: TableSchema = { name, columns: [], primaryKey: [], unique: [] };
  for (const col of t.columns) {
    const nameTok = sig[col.nameIndex];
    if (!isName(nameTok)) continue;
    const colName = identifierName(nameTok);
    schema.columns.push(colName);
    (schema.columnTypes ??= {})[colName.toLowerCase()] = typeName(sig, col.type);
    if (!col.constraints) continue;
    // id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE
    if (findWords(sig, col.constraints, ['PRIMARY', 'KEY']) >= 0) schema.primaryKey = [colName];
    else if (findWords(sig, col.constraints, ['UNIQUE']) >= 0) schema.unique.push([colName]);
  }
  for (const c of t.constraints) {
    // PRIMARY KEY (a, b) / CONSTRAINT pk PRIMARY KEY (a) / UNIQUE (a, b)
    const pk = findWords(sig, c, ['PRIMARY', 'KEY']);
    if (pk >= 0) {
      const cols = nameList(sig, pk, c.last);
      if (cols && cols.length > 0) schema.primaryKey = cols;
      continue;
    }
    const uq = findWords(sig, c, ['UNIQUE']);
    if (uq >= 0) {
      const cols = nameList(sig, uq, c.last);
      if (cols && cols.length > 0) schema.unique.push(cols);
    }
  }
  return schema;
}

/** The tables a file's `CREATE TABLE` statements declare, in file order. */
export function tablesOf(facts: FileFacts): TableSchema[] {
  const out: TableSchema[] = [];
  for (const sql of facts.sqlStrings) {
    // a CREATE keyword token is the upper-cased text of the SQL (tokenize): most SQL has none
    if (!sql.text.toUpperCase().includes('CREATE')) continue;
    const sig = significant(tokensOf(sql));
    for (const t of createTables(sig)) if (isName(sig[t.nameIndex])) out.push(tableSchema(sig, t));
  }
  return out;
}

/**
 * The tables every `CREATE TABLE` in the analysed files declares, by lower-cased name. When a
 * table is declared twice (a migration and a test fixture), the first file in path order wins.
 */
export function projectSchema(files: readonly FileFacts[]): Map<string, TableSchema> {
  return mergeSchema(files.map((facts) => ({ file: facts.file, tables: tablesOf(facts) })));
}

/** projectSchema from each file's tablesOf (the audit keeps only these of files not in memory). */
export function mergeSchema(files: readonly { file: string; tables: readonly TableSchema[] }[]): Map<string, TableSchema> {
  const schema = new Map<string, TableSchema>();
  for (const { tables } of [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    for (const table of tables) {
      const key = table.name.toLowerCase();
      if (!schema.has(key)) schema.set(key, table);
    }
  }
  return schema;
}
