import type { Range } from '../model/facts.js';
import { loadPostgresParser } from '../edit/engine.js';

/** What verify does with a statement at level 2: prepare it, run it as schema, or only parse it. */
export type StatementKind = 'query' | 'schema' | 'utility';

export interface ParsedStatement {
  /** UTF-16 range in the parsed text, without the separating `;` */
  range: Range;
  /** the parse tree's root node type: SelectStmt, InsertStmt, CreateStmt, TransactionStmt … */
  node: string;
  kind: StatementKind;
  /** tables and views named (not CTE names) */
  relations: { schema?: string; name: string }[];
}

export type ParseOutcome =
  | { ok: true; statements: ParsedStatement[] }
  /** position: UTF-16 index into the parsed text */
  | { ok: false; message: string; position: number };

const QUERY_NODES = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);
/** Statements that build the schema the queries are planned against; run, never only parsed. */
const SCHEMA_NODES = new Set([
  'CreateStmt',
  'IndexStmt',
  'ViewStmt',
  'AlterTableStmt',
  'CreateSeqStmt',
  'CompositeTypeStmt',
  'CreateEnumStmt',
  'CreateDomainStmt',
  'CreateFunctionStmt',
  'CreateTrigStmt',
]);

interface RawStmt {
  stmt?: Record<string, unknown>;
  stmt_location?: number;
  stmt_len?: number;
}

interface PgParseError {
  sqlDetails?: { message?: string; cursorPosition?: number };
  message?: string;
}

export interface PostgresParser {
  parseSync(sql: string): unknown;
}

/** PostgreSQL's parser (libpg-query, WASM), loaded once per process. */
export function loadParser(): Promise<PostgresParser> {
  return loadPostgresParser();
}

/** UTF-16 index of the `n`th code point of `text` (PostgreSQL counts characters, not code units). */
export function codePointToIndex(text: string, n: number): number {
  let i = 0;
  for (let k = 0; k < n && i < text.length; k++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}

/** UTF-16 index of UTF-8 byte offset `b` of `text` (parse-tree locations are byte offsets). */
function byteToIndex(text: string, bytes: Buffer, b: number): number {
  if (b <= 0) return 0;
  if (b >= bytes.length) return text.length;
  return bytes.subarray(0, b).toString('utf8').length;
}

function relationsOf(tree: unknown): ParsedStatement['relations'] {
  const ctes = new Set<string>();
  const found: ParsedStatement['relations'] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    // a RangeVar: wrapped (`{"RangeVar": {...}}`) in node lists, bare where a field holds one
    // directly (InsertStmt.relation, CreateStmt.relation, IndexStmt.relation …)
    const rv = node as { relname?: unknown; schemaname?: unknown };
    if (typeof rv.relname === 'string') {
      found.push(typeof rv.schemaname === 'string' ? { schema: rv.schemaname, name: rv.relname } : { name: rv.relname });
    }
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (key === 'CommonTableExpr' && value && typeof value === 'object') {
        const name = (value as { ctename?: unknown }).ctename;
        if (typeof name === 'string') ctes.add(name);
      }
      walk(value);
    }
  };
  walk(tree);
  const seen = new Set<string>();
  return found.filter((r) => {
    if (r.schema === undefined && ctes.has(r.name)) return false;
    const key = `${r.schema ?? ''}.${r.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Level 1: PostgreSQL's own parser over `text`; the statements it holds, or its error. Never throws. */
export function parsePostgres(parser: PostgresParser, text: string): ParseOutcome {
  let tree: { stmts?: RawStmt[] };
  try {
    tree = parser.parseSync(text) as { stmts?: RawStmt[] };
  } catch (err) {
    const e = err as PgParseError;
    const message = e.sqlDetails?.message ?? e.message ?? String(err);
    const cursor = e.sqlDetails?.cursorPosition;
    // cursorPosition counts characters from 0; a missing one points at the end
    const position = typeof cursor === 'number' ? codePointToIndex(text, cursor) : text.length;
    return { ok: false, message, position };
  }
  const bytes = Buffer.from(text, 'utf8');
  const statements: ParsedStatement[] = [];
  for (const raw of tree.stmts ?? []) {
    const startByte = raw.stmt_location ?? 0;
    const endByte = raw.stmt_len ? startByte + raw.stmt_len : bytes.length;
    let start = byteToIndex(text, bytes, startByte);
    const end = byteToIndex(text, bytes, endByte);
    // the statement's own text starts after the whitespace that separates it from the previous one
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    const node = Object.keys(raw.stmt ?? {})[0] ?? 'Unknown';
    const kind: StatementKind = QUERY_NODES.has(node) ? 'query' : SCHEMA_NODES.has(node) ? 'schema' : 'utility';
    statements.push({ range: { start, end }, node, kind, relations: relationsOf(raw.stmt) });
  }
  return { ok: true, statements };
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b;
}
